package flows

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"

	"sothon/flows/poverty"
)

// evaluation is one pass over a form's expressions, in form order: which
// questions apply to the answers, and the calculations. A pass runs on
// every answer, often more than once (the constraint, what comes next, the
// summary), so what it needs is kept for the next one, in a pool of the
// form: the environment the expressions read, with the built-in functions
// bound once; the VM that runs them; the typed value of each answer, not
// parsed again while the answer is the same.
type evaluation struct {
	f   *Form
	env map[string]any
	// on tells which questions apply, by their place in the form.
	on []bool
	// vals are the questions' values this pass, by their place, nil until
	// reached: what the poverty functions read, by profileAt.
	vals      []any
	profileAt [len(profileRoles)]int // -1 for a role the form lacks
	// last is, by the question's place, the last answer typed and its value.
	last []typedAnswer
	vm   vm.VM

	// What the pass is of.
	answers map[string]string
	facts   Circumstances
	std     poverty.Standard
	stdOf   standardKey // what std was found for
	// The picked household's classification, looked up at most once a pass
	// and only when an expression asks for it.
	known  Classification
	looked bool

	year  int
	day   [3]int // the date "today" was last written for
	dayOK bool
}

// standardKey is what StandardFor reads of the circumstances: the
// standards (Use sets them once, at start) and the day.
type standardKey struct {
	first *poverty.Standard
	n     int
	day   [3]int
}

// typedAnswer is an answer and its value in expressions.
type typedAnswer struct {
	text  string
	value any
	ok    bool
}

// evaluate runs the form's expressions on the answers. The caller reads
// the environment and the relevance, then releases the evaluation.
func (f *Form) evaluate(answers map[string]string, facts Circumstances) *evaluation {
	return f.pass(answers, facts, false)
}

// evaluateToNext is evaluate up to the question asked next: the first that
// applies, asks something (not a note, not a calculation) and has no
// answer. The questions after it are left out (they apply to none): what
// comes next needs only the questions before it, and the pass, on every
// answer, ran the whole form's expressions for them.
func (f *Form) evaluateToNext(answers map[string]string, facts Circumstances) *evaluation {
	return f.pass(answers, facts, true)
}

func (f *Form) pass(answers map[string]string, facts Circumstances, toNext bool) *evaluation {
	e, _ := f.evals.Get().(*evaluation)
	if e == nil {
		e = f.newEvaluation()
	}
	e.run(answers, facts, toNext)
	return e
}

// release returns the evaluation to its form's pool, holding on to nothing
// of the run it was for.
func (e *evaluation) release() {
	delete(e.env, valueName)
	e.answers, e.facts, e.known = nil, Circumstances{}, Classification{}
	e.f.evals.Put(e)
}

// applies reports whether a question applies to the answers.
func (e *evaluation) applies(id string) bool {
	i, ok := e.f.index[id]
	return ok && e.on[i]
}

// newEvaluation builds an environment with the built-in functions, bound
// to the evaluation so that a pass need not make them anew.
func (f *Form) newEvaluation() *evaluation {
	e := &evaluation{f: f, env: make(map[string]any, len(f.Questions)+len(builtinNames)+1),
		on: make([]bool, len(f.Questions)), vals: make([]any, len(f.Questions)), last: make([]typedAnswer, len(f.Questions))}
	for k, role := range profileRoles {
		e.profileAt[k] = -1
		if i, ok := f.index[f.roles[role]]; ok {
			e.profileAt[k] = i
		}
	}
	env := e.env
	env["this_year"] = 0
	env["today"] = ""
	env["choice_min"] = func(list, name string) float64 {
		c, _ := f.Choice(list, name)
		return c.Min
	}
	env["poverty_lacking"] = func() int { return e.std.LackingCount(e.profile()) }
	env["poverty_class"] = func() string {
		h := e.profile()
		return string(poverty.Classify(h.IncomePerPerson(), e.std.LackingCount(h), e.facts.Kind, e.std))
	}
	// The picked household's latest classification and the low-income rule.
	env["household_class"] = func() string { return string(e.classification().Class) }
	env["household_income_pc"] = func() any {
		if c := e.classification(); c.IncomeKnown {
			return c.IncomePC
		}
		return nil
	}
	env["low_income_line"] = func() float64 {
		line, _ := e.facts.LowIncome.At(e.facts.Now, e.facts.Kind)
		return line
	}
	env["low_income"] = func(class string, incomePC any) bool {
		facts := e.facts
		line, ok := facts.LowIncome.At(facts.Now, facts.Kind)
		pc, known := incomePC.(float64)
		if n, isInt := incomePC.(int); isInt {
			pc, known = float64(n), true
		}
		if !ok || !known || len(facts.Standards) == 0 {
			return false
		}
		return poverty.LowIncomeWorker(poverty.Class(class), pc, facts.Standards.At(facts.Now).Lines(facts.Kind).Poverty, line)
	}
	for _, q := range f.Questions {
		env[q.ID] = zeroOf(q.Type)
	}
	return e
}

// classification is the picked household's, zero for none or a new one.
func (e *evaluation) classification() Classification {
	if !e.looked {
		e.looked = true
		if id := e.f.picked(e.answers); id != "" && e.facts.Classification != nil {
			e.known = e.facts.Classification(id)
		}
	}
	return e.known
}

// profile is the household's answers by their roles, as far as the pass
// has reached.
func (e *evaluation) profile() poverty.Profile {
	var v profileValues
	for k, i := range e.profileAt {
		if i >= 0 {
			v[k] = e.vals[i]
		}
	}
	return v.profile()
}

// standard is f.StandardFor(facts), found again only when the day or the
// standards change.
func (e *evaluation) standard(facts Circumstances) poverty.Standard {
	ss, day := facts.Standards, facts.ClassifyAt
	if day.IsZero() {
		day = facts.Now
	}
	y, m, d := day.Date()
	key := standardKey{n: len(ss), day: [3]int{y, int(m), d}}
	if len(ss) > 0 {
		key.first = &ss[0]
	}
	if e.stdOf != key || key.first == nil {
		e.std, e.stdOf = e.f.StandardFor(facts), key
	}
	return e.std
}

// run is one pass, in form order. Each question's value is set once, when
// it is reached: an expression reads only earlier questions (the form's
// check refuses others), and the poverty functions read vals, nil past the
// pass. With toNext, the pass ends at the question asked next; the
// environment keeps the values of the questions after it from an earlier
// pass, which no expression of the questions before it reads, and every
// pass writes before its expressions read them.
func (e *evaluation) run(answers map[string]string, facts Circumstances, toNext bool) {
	f, env := e.f, e.env
	e.answers, e.facts = answers, facts
	e.std = e.standard(facts)
	e.known, e.looked = Classification{}, false
	if y := facts.Now.Year(); y != e.year {
		e.year, env["this_year"] = y, y
	}
	if y, m, d := facts.Now.Date(); !e.dayOK || e.day != [3]int{y, int(m), d} {
		e.day, e.dayOK, env["today"] = [3]int{y, int(m), d}, true, facts.Now.Format(time.DateOnly)
	}
	clear(e.vals)
	for i, q := range f.Questions {
		v := zeroOf(q.Type)
		e.on[i] = q.progs.relevant == nil || e.runBool(q.progs.relevant)
		a, answered := answers[q.ID]
		switch {
		case !e.on[i]:
		case q.Type == Calculate:
			v = e.runValue(q.progs.calculate)
		case answered:
			t := &e.last[i]
			if !t.ok || t.text != a {
				*t = typedAnswer{text: a, value: typed(q.Type, a), ok: true}
			}
			v = t.value
		}
		env[q.ID], e.vals[i] = v, v
		if toNext && e.on[i] && !answered && q.Type != Calculate && q.Type != Note {
			clear(e.on[i+1:])
			return
		}
	}
}

// zeroValues are the values of questions not answered (zeroOf), made once:
// boxing them on every pass cost an allocation each.
var (
	zeroEmpty    any = ""
	zeroChoices  any = []string{}
	zeroInteger  any = 0
	zeroDecimal  any = 0.0
	zeroNotAsked any = false
)

// zeroOf is the value a question has in expressions before it is answered
// or when it is skipped, so that skip logic never fails on a gap.
func zeroOf(t Type) any {
	switch t {
	case Integer:
		return zeroInteger
	case Decimal:
		return zeroDecimal
	case YesNo:
		return zeroNotAsked
	case SelectMultiple:
		return zeroChoices
	case Calculate:
		return nil
	default:
		return zeroEmpty
	}
}

// typed turns a stored answer into the value expressions see.
func typed(t Type, a string) any {
	switch t {
	case Integer:
		n, _ := strconv.Atoi(a)
		return n
	case Decimal:
		x, _ := strconv.ParseFloat(a, 64)
		return x
	case YesNo:
		return a == "yes"
	case SelectMultiple:
		if a == "" {
			return zeroChoices
		}
		return strings.Split(a, ";")
	default:
		return a
	}
}

// runBool evaluates a condition; an expression that fails at run time (a
// division by zero, say) counts as false rather than stopping the run.
func (e *evaluation) runBool(p *vm.Program) bool {
	out, err := e.vm.Run(p, e.env)
	b, ok := out.(bool)
	return err == nil && ok && b
}

func (e *evaluation) runValue(p *vm.Program) any {
	out, err := e.vm.Run(p, e.env)
	if err != nil {
		return nil
	}
	if x, ok := out.(float64); ok && (math.IsInf(x, 0) || math.IsNaN(x)) {
		return nil
	}
	return out
}

// applicable tells which questions of a form apply to a run's answers.
type applicable struct {
	f  *Form
	on []bool // by the question's place in the form
}

// has reports whether the question applies.
func (a applicable) has(id string) bool {
	i, ok := a.f.index[id]
	return ok && a.on[i]
}

// relevance is which questions apply to the answers, for a caller that
// needs nothing else of the evaluation.
func (f *Form) relevance(answers map[string]string, facts Circumstances) applicable {
	e := f.evaluate(answers, facts)
	a := applicable{f: f, on: append([]bool(nil), e.on...)}
	e.release()
	return a
}
