package flows

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"

	"sothon/locales"
)

// ask renders a question with its options and reminders.
func (r *Run) ask(f *Form, q *Question, c Context) Prompt {
	if q.Type == HouseholdPick {
		return r.pickerPrompt(f, q, c, "")
	}
	lines := []string{q.Label.In(c.Lang)}
	if unit := r.unitOf(f, q, c.Lang); unit != "" && q.UnitFrom != "" {
		lines = append(lines, c.t("run.unit", "unit", unit))
	}
	if len(q.Hint) > 0 {
		lines = append(lines, q.Hint.In(c.Lang))
	}
	p := Prompt{Question: q.ID}
	switch q.Type {
	case YesNo:
		p.Options = yesNoOptions(q, c)
		p.Typed = typedYesNo(q, c, p.Options)
	case SelectOne, SelectMultiple:
		choices := f.ChoicesOf(q)
		if len(choices) > 0 {
			p.Options = make([]Option, 0, len(choices))
		}
		for i, ch := range choices {
			p.Options = append(p.Options, Option{Key: strconv.Itoa(i + 1), Label: ch.Label.In(c.Lang)})
		}
		// A multi-choice's buttons mark options on their message before
		// "done" answers: they stay bound to it.
		if q.Type == SelectMultiple {
			p.Multi = true
			lines = append(lines, c.t("run.multi_hint"))
		} else {
			p.Typed = typedChoice(q, p.Options)
		}
	case Date:
		lines = append(lines, c.t("run.date_hint"))
	case Image, Geopoint:
		lines = r.askMedia(q, c, lines, &p)
	}
	if r.Previous != "" {
		lines = append(lines, c.t("run.previous", "value", r.Previous))
	}
	p.Text = strings.Join(lines, "\n")
	return p
}

// yesNoOptions are Có and Không, or what they mean for this question.
func yesNoOptions(q *Question, c Context) []Option {
	yes, no := yesNoLabels(q, c)
	return []Option{{Key: "1", Label: yes}, {Key: "2", Label: no}}
}

func yesNoLabels(q *Question, c Context) (yes, no string) {
	if q != nil && len(q.YesLabel) > 0 {
		return q.YesLabel.In(c.Lang), q.NoLabel.In(c.Lang)
	}
	return c.t("common.yes"), c.t("common.no")
}

// reask explains what was wrong, with an example that fits the question,
// and asks again.
func (r *Run) reask(f *Form, q *Question, c Context, e *AnswerError) Prompt {
	p := r.ask(f, q, c)
	reason := e.Text
	if e.Key != "" {
		reason = c.t(e.Key, e.Args...)
	}
	head := c.t("answer.error", "reason", reason)
	if ex := r.example(f, q, c); ex != "" {
		head += "\n" + ex
	}
	p.Text = head + "\n\n" + p.Text
	return p
}

// parse reads and checks an answer, returning its canonical stored form.
func (r *Run) parse(f *Form, q *Question, c Context, text string) (string, *AnswerError) {
	text = strings.TrimSpace(text)
	if text == "" || skipping(q, text) {
		if q.IsRequired() {
			return "", answerErr("answer.required")
		}
		return "", nil
	}
	val, err := parseTyped(f, q, c, text, r.unitWords(f, q))
	if err != nil {
		return "", err
	}
	return val, r.checkConstraint(f, q, c, val)
}

// parseTyped reads an answer by its question's type; units are the words
// of the question's own unit, which may follow a count.
func parseTyped(f *Form, q *Question, c Context, text string, units []string) (string, *AnswerError) {
	switch q.Type {
	case Integer:
		n, err := parseInteger(text, units)
		if err != nil {
			return "", err.(*AnswerError)
		}
		return strconv.Itoa(n), checkRange(q, float64(n), c.Lang)
	case Decimal:
		var x float64
		var err error
		if q.Money {
			x, err = ParseDecimal(text, true)
		} else {
			x, err = parseCount(text, units)
		}
		if err != nil {
			return "", err.(*AnswerError)
		}
		return canonical(x), checkRange(q, x, c.Lang)
	case YesNo:
		return parseYesNoAnswer(q, c, text)
	case SelectOne:
		choices := f.ChoicesOf(q)
		i, err := ParseChoice(text, choiceLabels(choices, c.Lang))
		if err != nil {
			return "", err.(*AnswerError)
		}
		return choices[i].Name, nil
	case SelectMultiple:
		return parseMulti(f.ChoicesOf(q), text, c.Lang)
	case Date:
		d, err := ParseDate(text)
		if err != nil {
			return "", err.(*AnswerError)
		}
		return d.Format(time.DateOnly), nil
	case Geopoint:
		p, err := parseTypedPoint(text)
		if err != nil {
			return "", err
		}
		return p.String(), nil
	case Image:
		return "", answerErr("answer.photo")
	}
	return parseText(q, text)
}

// parseYesNoAnswer takes có/không, or the words of the question's own
// labels ("không có nước sạch").
func parseYesNoAnswer(q *Question, c Context, text string) (string, *AnswerError) {
	yes, err := ParseYesNo(text)
	if err == nil {
		return canonical(yes), nil
	}
	if len(q.YesLabel) == 0 {
		return "", err.(*AnswerError)
	}
	yesLabel, noLabel := yesNoLabels(q, c)
	i, cerr := ParseChoice(text, []string{yesLabel, noLabel})
	if cerr != nil {
		return "", cerr.(*AnswerError)
	}
	return canonical(i == 0), nil
}

func parseMulti(choices []Choice, text, lang string) (string, *AnswerError) {
	idx, err := ParseChoices(text, choiceLabels(choices, lang))
	if err != nil {
		return "", err.(*AnswerError)
	}
	names := make([]string, len(idx))
	for i, k := range idx {
		if choices[k].Exclusive && len(idx) > 1 {
			return "", answerErr("answer.exclusive", "choice", choices[k].Label.In(lang))
		}
		names[i] = choices[k].Name
	}
	return strings.Join(names, ";"), nil
}

func parseText(q *Question, text string) (string, *AnswerError) {
	if strings.IndexFunc(text, invisible) >= 0 {
		return "", answerErr("answer.text_invisible")
	}
	text = strings.Join(strings.Fields(text), " ")
	minLen, maxLen := max(q.MinLength, 1), q.MaxLength
	if maxLen == 0 {
		maxLen = 500
	}
	if n := utf8.RuneCountInString(text); n < minLen || n > maxLen {
		return "", answerErr("answer.text_length", "min", minLen, "max", maxLen)
	}
	return text, nil
}

// invisible tells control and formatting characters (NUL, ESC, zero-width
// spaces, direction overrides): a name or a note never needs them, and they
// can hide what a text says or reach a terminal as commands. Line breaks
// and tabs are spaces.
func invisible(r rune) bool {
	return r != '\n' && r != '\r' && r != '\t' && (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r))
}

func choiceLabels(choices []Choice, lang string) []string {
	out := make([]string, len(choices))
	for i, ch := range choices {
		out[i] = ch.Label.In(lang)
	}
	return out
}

func checkRange(q *Question, x float64, lang string) *AnswerError {
	lo, hi := q.Min, q.Max
	switch {
	case lo != nil && hi != nil && (x < *lo || x > *hi):
		return answerErr("answer.range", "min", q.number(lang, *lo), "max", q.number(lang, *hi))
	case lo != nil && x < *lo:
		return answerErr("answer.min", "min", q.number(lang, *lo))
	case hi != nil && x > *hi:
		return answerErr("answer.max", "max", q.number(lang, *hi))
	}
	return nil
}

// number shows a number of this question: a year as it is written, other
// numbers with the language's separators.
func (q *Question) number(lang string, x float64) string {
	if q.Year {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return locales.Number(lang, x, 2)
}

// checkConstraint runs the question's constraint with the new value.
func (r *Run) checkConstraint(f *Form, q *Question, c Context, val string) *AnswerError {
	ok, e := r.meets(f, q, c, val)
	if ok {
		return nil
	}
	defer e.release()
	return &AnswerError{Text: fillPlaceholders(q.ConstraintMessage.In(c.Lang), e.env)}
}

// meets reports whether val meets the question's constraint; when it does
// not, with the evaluation it was checked in, for the caller to release.
func (r *Run) meets(f *Form, q *Question, c Context, val string) (bool, *evaluation) {
	if q.progs.constraint == nil {
		return true, nil
	}
	e := f.evaluate(r.Answers, c.Circumstances)
	e.env[valueName] = typed(q.Type, val)
	if e.runBool(q.progs.constraint) {
		e.release()
		return true, nil
	}
	return false, e
}

var placeholder = regexp.MustCompile(`\{([^{}]+)\}`)

// fillPlaceholders replaces {expression} in a message with its value, so a
// constraint message can say "more than the household size (5)".
func fillPlaceholders(msg string, env map[string]any) string {
	return placeholder.ReplaceAllStringFunc(msg, func(m string) string {
		out, err := expr.Eval(m[1:len(m)-1], env)
		if err != nil {
			return m
		}
		return canonical(out)
	})
}

// unitOf is the unit a numeric answer is counted in, from the question or
// from the choice of an earlier question (a model's trees or head).
func (r *Run) unitOf(f *Form, q *Question, lang string) string {
	unit, _ := r.units(f, q)
	return unit.In(lang)
}

// unitFor is the unit of x: its unit_one for exactly one ("1 tree", "8
// trees"), where the form gives one.
func (r *Run) unitFor(f *Form, q *Question, lang string, x float64) string {
	unit, one := r.units(f, q)
	if x == 1 && one.In(lang) != "" {
		return one.In(lang)
	}
	return unit.In(lang)
}

// units are the question's unit and its unit for exactly one.
func (r *Run) units(f *Form, q *Question) (unit, one Label) {
	if ch, ok := r.unitChoice(f, q); ok {
		return ch.Unit, ch.UnitOne
	}
	return q.Unit, q.UnitOne
}

// unitWords are the question's units in every language, folded, as they
// may be typed after a count ("8 head", "200 cây").
func (r *Run) unitWords(f *Form, q *Question) []string {
	unit, one := r.units(f, q)
	if len(unit)+len(one) == 0 {
		return nil
	}
	out := make([]string, 0, len(unit)+len(one))
	for _, l := range [...]Label{unit, one} {
		for _, u := range l {
			out = append(out, foldUnit(u))
		}
	}
	return out
}

// foldedUnits keeps the folds of the forms' units, as foldedLabels does
// labels': every numeric answer is read against them.
var (
	foldedUnits sync.Map // unit → its fold, m² as m2
	unitsKept   atomic.Int32
)

func foldUnit(u string) string {
	if f, ok := foldedUnits.Load(u); ok {
		return f.(string)
	}
	f := squareMetres.Replace(Fold(u))
	if unitsKept.Load() < maxLabels {
		if _, had := foldedUnits.LoadOrStore(u, f); !had {
			unitsKept.Add(1)
		}
	}
	return f
}

// unitChoice is the earlier answer a question takes its unit from.
func (r *Run) unitChoice(f *Form, q *Question) (Choice, bool) {
	if q.UnitFrom == "" {
		return Choice{}, false
	}
	src := f.Question(q.UnitFrom)
	if src == nil {
		return Choice{}, false
	}
	return f.Choice(src.List, r.Answers[src.ID])
}

// display shows a stored answer the way the user would say it.
func (r *Run) display(f *Form, q *Question, val, lang string, c Context) string {
	if val == "" && q.Type != Calculate {
		return "—"
	}
	withUnit := func(x float64, digits int) string {
		s := locales.Number(lang, x, digits)
		if u := r.unitFor(f, q, lang, x); u != "" {
			return s + " " + u
		}
		return s
	}
	switch q.Type {
	case Integer:
		if q.Year {
			return val
		}
		n, _ := strconv.Atoi(val)
		return withUnit(float64(n), 0)
	case Decimal:
		x, _ := strconv.ParseFloat(val, 64)
		if q.Money {
			return moneyText(x, lang, c)
		}
		return withUnit(x, 3)
	case YesNo:
		yes, no := yesNoLabels(q, c)
		if val == "yes" {
			return yes
		}
		return no
	case SelectOne, SelectMultiple:
		return choiceNames(f, q.List, val, lang)
	case Date:
		if d, err := time.Parse(time.DateOnly, val); err == nil {
			return d.Format("02/01/2006")
		}
	case HouseholdPick:
		if val == NewHousehold {
			return c.t("picker.new_household")
		}
		return r.HouseholdName
	case Calculate:
		return r.displayCalculated(f, q, val, lang, c)
	case Image, Geopoint:
		return displayMedia(q, val, c)
	}
	return val
}

// moneyText shows an amount in million VND, and in đồng too when it is
// under a million, so that "2500" read as 2.500 đồng is plain to see.
func moneyText(x float64, lang string, c Context) string {
	digits := 3
	if x < 1 {
		digits = 6
	}
	text := c.t("money.millions", "amount", locales.Number(lang, x, digits))
	if x > 0 && x < 1 {
		text += " (" + c.t("money.dong", "amount", locales.Number(lang, math.Round(x*1e6), 0)) + ")"
	}
	return text
}

func (r *Run) displayCalculated(f *Form, q *Question, val, lang string, c Context) string {
	if q.List != "" {
		return choiceNames(f, q.List, val, lang)
	}
	if x, err := strconv.ParseFloat(val, 64); err == nil && len(q.Unit) > 0 {
		return locales.Number(lang, x, 3) + " " + q.Unit.In(lang)
	}
	return val
}

func choiceNames(f *Form, list, val, lang string) string {
	if val == "" {
		return "—"
	}
	return strings.Join(choiceLabelsOf(f, list, val, lang), ", ")
}

// choiceLabelsOf are the labels of the choices a stored answer names.
func choiceLabelsOf(f *Form, list, val, lang string) []string {
	names := strings.Split(val, ";")
	for i, n := range names {
		if ch, ok := f.Choice(list, n); ok {
			names[i] = ch.Label.In(lang)
		}
	}
	return names
}
