package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
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
		p.Options = yesNoOptions(c)
	case SelectOne, SelectMultiple:
		for i, ch := range f.ChoicesOf(q) {
			p.Options = append(p.Options, Option{Key: strconv.Itoa(i + 1), Label: ch.Label.In(c.Lang)})
		}
		if q.Type == SelectMultiple {
			p.Multi = true
			lines = append(lines, c.t("run.multi_hint"))
		}
	case Date:
		lines = append(lines, c.t("run.date_hint"))
	}
	if r.Previous != "" {
		lines = append(lines, c.t("run.previous", "value", r.Previous))
	}
	p.Text = strings.Join(lines, "\n")
	return p
}

func yesNoOptions(c Context) []Option {
	return []Option{{Key: "1", Label: c.t("common.yes")}, {Key: "2", Label: c.t("common.no")}}
}

// reask explains what was wrong, with an example, and asks again.
func (r *Run) reask(f *Form, q *Question, c Context, e *AnswerError) Prompt {
	p := r.ask(f, q, c)
	reason := e.Text
	if e.Key != "" {
		reason = c.t(e.Key, e.Args...)
	}
	p.Text = c.t("answer.error", "reason", reason) + "\n" + c.t(exampleKey(q)) + "\n\n" + p.Text
	return p
}

// exampleKeys name the example shown with a re-asked question, by type.
var exampleKeys = map[Type]string{
	Integer: "example.integer", Decimal: "example.decimal", YesNo: "example.yesno",
	SelectOne: "example.select_one", SelectMultiple: "example.select_multiple",
	Date: "example.date", HouseholdPick: "example.household", Text: "example.text",
}

func exampleKey(q *Question) string {
	if q.Money {
		return "example.money"
	}
	if k, ok := exampleKeys[q.Type]; ok {
		return k
	}
	return "example.text"
}

// parse reads and checks an answer, returning its canonical stored form.
func (r *Run) parse(f *Form, q *Question, c Context, text string) (string, *AnswerError) {
	text = strings.TrimSpace(text)
	if text == "" || (!q.IsRequired() && text == "-") {
		if q.IsRequired() {
			return "", answerErr("answer.required")
		}
		return "", nil
	}
	val, err := parseTyped(f, q, c, text)
	if err != nil {
		return "", err
	}
	return val, r.checkConstraint(f, q, c, val)
}

func parseTyped(f *Form, q *Question, c Context, text string) (string, *AnswerError) {
	switch q.Type {
	case Integer:
		n, err := ParseInteger(text)
		if err != nil {
			return "", err.(*AnswerError)
		}
		return strconv.Itoa(n), checkRange(q, float64(n), c.Lang)
	case Decimal:
		x, err := ParseDecimal(text, q.Money)
		if err != nil {
			return "", err.(*AnswerError)
		}
		return canonical(x), checkRange(q, x, c.Lang)
	case YesNo:
		yes, err := ParseYesNo(text)
		if err != nil {
			return "", err.(*AnswerError)
		}
		return canonical(yes), nil
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
	}
	return parseText(q, text)
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
		return answerErr("answer.range", "min", locales.Number(lang, *lo, 2), "max", locales.Number(lang, *hi, 2))
	case lo != nil && x < *lo:
		return answerErr("answer.min", "min", locales.Number(lang, *lo, 2))
	case hi != nil && x > *hi:
		return answerErr("answer.max", "max", locales.Number(lang, *hi, 2))
	}
	return nil
}

// checkConstraint runs the question's constraint with the new value.
func (r *Run) checkConstraint(f *Form, q *Question, c Context, val string) *AnswerError {
	if q.progs.constraint == nil {
		return nil
	}
	env, _ := f.values(r.Answers, c.Facts)
	env[valueName] = typed(q.Type, val)
	if runBool(q.progs.constraint, env) {
		return nil
	}
	return &AnswerError{Text: fillPlaceholders(q.ConstraintMessage.In(c.Lang), env)}
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
	if q.UnitFrom != "" {
		if src := f.Question(q.UnitFrom); src != nil {
			if ch, ok := f.Choice(src.List, r.Answers[src.ID]); ok {
				return ch.Unit.In(lang)
			}
		}
	}
	return q.Unit.In(lang)
}

// display shows a stored answer the way the user would say it.
func (r *Run) display(f *Form, q *Question, val, lang string, c Context) string {
	if val == "" && q.Type != Calculate {
		return "—"
	}
	unit := func(s string) string {
		if u := r.unitOf(f, q, lang); u != "" {
			return s + " " + u
		}
		return s
	}
	switch q.Type {
	case Integer:
		return unit(val)
	case Decimal:
		x, _ := strconv.ParseFloat(val, 64)
		return unit(locales.Number(lang, x, 3))
	case YesNo:
		if val == "yes" {
			return c.t("common.yes")
		}
		return c.t("common.no")
	case SelectOne, SelectMultiple:
		return choiceNames(f, q.List, val, lang)
	case Date:
		if d, err := time.Parse(time.DateOnly, val); err == nil {
			return d.Format("02/01/2006")
		}
	case HouseholdPick:
		if val == "new" {
			return c.t("picker.new_household")
		}
		return r.HouseholdName
	case Calculate:
		return r.displayCalculated(f, q, val, lang, c)
	}
	return val
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
	names := strings.Split(val, ";")
	for i, n := range names {
		if ch, ok := f.Choice(list, n); ok {
			names[i] = ch.Label.In(lang)
		}
	}
	return strings.Join(names, ", ")
}
