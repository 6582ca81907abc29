package flows

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"sothon/flows/poverty"
)

// programs holds a question's compiled expressions.
type programs struct {
	relevant, constraint, calculate *vm.Program
}

// Names every expression may use besides earlier questions' ids.
var builtinNames = map[string]bool{
	"this_year": true, "today": true,
	"poverty_lacking": true, "poverty_class": true, "choice_min": true,
	"household_class": true, "household_income_pc": true, "low_income_line": true, "low_income": true,
}

// valueName is the answer being checked, in a constraint.
const valueName = "value"

// compileEnv is the set of names visible to an expression of question i,
// with zero values of the right types so that expr can type-check.
func (f *Form) compileEnv(upTo int, self *Question) map[string]any {
	env := map[string]any{
		"this_year":       0,
		"today":           "",
		"poverty_lacking": func() int { return 0 },
		"poverty_class":   func() string { return "" },
		"choice_min":      func(list, name string) float64 { return 0 },
		// The picked household's latest classification and the low-income
		// rule (NĐ 30/2025/NĐ-CP); see Circumstances.
		"household_class":     func() string { return "" },
		"household_income_pc": func() any { return nil },
		"low_income_line":     func() float64 { return 0 },
		"low_income":          func(class string, incomePC any) bool { return false },
	}
	for _, q := range f.Questions[:upTo] {
		env[q.ID] = zeroOf(q.Type)
	}
	if self != nil {
		env[valueName] = zeroOf(self.Type)
	}
	return env
}

// zeroOf is the value a question has in expressions before it is answered
// or when it is skipped, so that skip logic never fails on a gap.
func zeroOf(t Type) any {
	switch t {
	case Integer:
		return 0
	case Decimal:
		return 0.0
	case YesNo:
		return false
	case SelectMultiple:
		return []string{}
	case Calculate:
		return nil
	default:
		return ""
	}
}

// identifiers lists the variable and function names an expression uses.
func identifiers(code string) ([]string, error) {
	tree, err := parser.Parse(code)
	if err != nil {
		return nil, err
	}
	v := &identVisitor{seen: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	sort.Strings(v.names)
	return v.names, nil
}

type identVisitor struct {
	seen  map[string]bool
	names []string
}

func (v *identVisitor) Visit(node *ast.Node) {
	var name string
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		name = n.Value
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			name = id.Value
		}
	}
	if name != "" && !v.seen[name] {
		v.seen[name] = true
		v.names = append(v.names, name)
	}
}

// compileExpr checks that code only names earlier questions or built-ins and
// compiles it. It returns a problem description, or "" when all is well.
func (f *Form) compileExpr(pos int, q *Question, field, code string, opts ...expr.Option) (*vm.Program, string) {
	names, err := identifiers(code)
	if err != nil {
		return nil, fmt.Sprintf("%s: does not parse: %s", field, firstLine(err.Error()))
	}
	for _, n := range names {
		if builtinNames[n] || (n == valueName && field == "constraint") {
			continue
		}
		i, ok := f.index[n]
		switch {
		case !ok:
			return nil, fmt.Sprintf("%s: unknown name %q", field, n)
		case i == pos:
			return nil, fmt.Sprintf("%s: refers to the question itself (use %q in a constraint)", field, valueName)
		case i >= pos:
			return nil, fmt.Sprintf("%s: refers to later question %q", field, n)
		}
	}
	var self *Question
	if field == "constraint" {
		self = q
	}
	prog, err := expr.Compile(code, append([]expr.Option{expr.Env(f.compileEnv(pos, self))}, opts...)...)
	if err != nil {
		return nil, fmt.Sprintf("%s: does not compile: %s", field, firstLine(err.Error()))
	}
	return prog, ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Circumstances are what expressions know beyond the answers: when and
// where, and what is on record of the household picked.
type Circumstances struct {
	Now       time.Time
	Kind      poverty.Kind
	Standards poverty.Standards
	// ClassifyAt is the day whose standard classifies (an annual round's
	// next 1 January); zero classifies by the standard in force Now.
	ClassifyAt time.Time
	// LowIncome are the dated low-income lines; while none is in force,
	// low_income_line() is 0 and low_income() marks nobody.
	LowIncome poverty.LowIncomeLines
	// Classification gives the latest classification of a household of
	// the register, for household_class() and household_income_pc(); nil,
	// or a zero Classification, when none is known.
	Classification func(householdID string) Classification
}

// Classification is what a household's latest classification says.
type Classification struct {
	Class poverty.Class // "" when the household has none
	// IncomePC is its income per person per month in million VND, when
	// IncomeKnown (a register entry gives a class without an income).
	IncomePC    float64
	IncomeKnown bool
}

// picked is the household answer's register id, "" for none or a new one.
func (f *Form) picked(answers map[string]string) string {
	for _, q := range f.Questions {
		if q.Type == HouseholdPick {
			if id := answers[q.ID]; id != NewHousehold {
				return id
			}
		}
	}
	return ""
}

// householdFacts defines the expressions' names for the picked household's
// classification and the low-income rule. The classification is looked up
// once, and only when an expression asks for it.
func (f *Form) householdFacts(env map[string]any, answers map[string]string, facts Circumstances) {
	var known *Classification
	lookup := func() Classification {
		if known == nil {
			known = &Classification{}
			if id := f.picked(answers); id != "" && facts.Classification != nil {
				*known = facts.Classification(id)
			}
		}
		return *known
	}
	lowLine := func() (float64, bool) { return facts.LowIncome.At(facts.Now, facts.Kind) }
	env["household_class"] = func() string { return string(lookup().Class) }
	env["household_income_pc"] = func() any {
		if c := lookup(); c.IncomeKnown {
			return c.IncomePC
		}
		return nil
	}
	env["low_income_line"] = func() float64 {
		line, _ := lowLine()
		return line
	}
	env["low_income"] = func(class string, incomePC any) bool {
		line, ok := lowLine()
		pc, known := incomePC.(float64)
		if n, isInt := incomePC.(int); isInt {
			pc, known = float64(n), true
		}
		if !ok || !known || len(facts.Standards) == 0 {
			return false
		}
		return poverty.LowIncomeWorker(poverty.Class(class), pc, facts.Standards.At(facts.Now).Lines(facts.Kind).Poverty, line)
	}
}

// values builds the runtime environment from answers, in form order,
// computing relevance and calculations as it goes. It returns the
// environment and which questions are relevant.
func (f *Form) values(answers map[string]string, facts Circumstances) (map[string]any, map[string]bool) {
	env := make(map[string]any, len(f.Questions)+len(builtinNames))
	relevant := make(map[string]bool, len(f.Questions))
	f.evaluate(env, relevant, answers, facts)
	return env, relevant
}

// envs are environments to reuse: one is built on every answer (which
// question comes next), and it was the largest allocation of a turn.
var envs = sync.Pool{New: func() any { return map[string]any{} }}

// relevance is values for a caller that needs only which questions are
// relevant: the environment is reused, emptied of what it held.
func (f *Form) relevance(answers map[string]string, facts Circumstances) map[string]bool {
	env := envs.Get().(map[string]any)
	relevant := make(map[string]bool, len(f.Questions))
	f.evaluate(env, relevant, answers, facts)
	clear(env)
	envs.Put(env)
	return relevant
}

// evaluate fills env and relevant for values and relevance.
func (f *Form) evaluate(env map[string]any, relevant map[string]bool, answers map[string]string, facts Circumstances) {
	env["this_year"] = facts.Now.Year()
	env["today"] = facts.Now.Format(time.DateOnly)
	env["choice_min"] = func(list, name string) float64 {
		c, _ := f.Choice(list, name)
		return c.Min
	}
	std := f.StandardFor(facts)
	env["poverty_lacking"] = func() int { return len(std.Lacking(f.povertyHousehold(env))) }
	env["poverty_class"] = func() string {
		return string(poverty.Assess(f.povertyHousehold(env), facts.Kind, std).Class)
	}
	f.householdFacts(env, answers, facts)
	for _, q := range f.Questions {
		env[q.ID] = zeroOf(q.Type)
		if q.progs.relevant != nil && !runBool(q.progs.relevant, env) {
			continue
		}
		relevant[q.ID] = true
		if q.Type == Calculate {
			env[q.ID] = runValue(q.progs.calculate, env)
			continue
		}
		if a, ok := answers[q.ID]; ok {
			env[q.ID] = typed(q.Type, a)
		}
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
			return []string{}
		}
		return strings.Split(a, ";")
	default:
		return a
	}
}

// runBool evaluates a condition; an expression that fails at run time (a
// division by zero, say) counts as false rather than stopping the run.
func runBool(p *vm.Program, env map[string]any) bool {
	out, err := expr.Run(p, env)
	b, ok := out.(bool)
	return err == nil && ok && b
}

func runValue(p *vm.Program, env map[string]any) any {
	out, err := expr.Run(p, env)
	if err != nil {
		return nil
	}
	if x, ok := out.(float64); ok && (math.IsInf(x, 0) || math.IsNaN(x)) {
		return nil
	}
	return out
}

// canonical turns a calculated value into its stored text.
func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
	case []string:
		return strings.Join(x, ";")
	default:
		return fmt.Sprint(x)
	}
}
