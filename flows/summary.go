package flows

import (
	"strconv"
	"strings"
)

// The summary's three actions, in the order they are numbered.
var summaryActions = []string{"summary.submit", "summary.edit", "summary.cancel"}

func (r *Run) summary(f *Form, c Context) Prompt {
	e := f.evaluate(r.Answers, c.Circumstances)
	defer e.release()
	var b strings.Builder
	b.Grow(80 * len(f.Questions)) // a line a question, about
	b.WriteString(c.t("summary.title", "form", f.Title.In(c.Lang)))
	for i, q := range r.editable(f, e.on) {
		value := r.display(f, q, r.Answers[q.ID], c.Lang, c)
		b.WriteByte('\n')
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		if len(q.YesLabel) == 0 { // else the answer's label says it all: "Có nước sạch"
			b.WriteString(shortLabel(q, c.Lang))
			b.WriteString(": ")
		}
		b.WriteString(value)
	}
	for i, q := range f.Questions {
		if q.Type == Calculate && e.on[i] {
			b.WriteString("\n• ")
			b.WriteString(q.Label.In(c.Lang))
			b.WriteString(": ")
			b.WriteString(r.display(f, q, canonical(e.env[q.ID]), c.Lang, c))
		}
	}
	opts := summaryOptions(c)
	return Prompt{Text: b.String(), Question: AwaitSummary, Options: opts, Typed: PlainLabels(labels(opts))}
}

func summaryOptions(c Context) []Option {
	opts := make([]Option, len(summaryActions))
	for i, key := range summaryActions {
		opts[i] = Option{Key: strconv.Itoa(i + 1), Label: c.t(key)}
	}
	return opts
}

// editable lists the answered questions the user can change, in form
// order, of those that apply (by their place in the form).
func (r *Run) editable(f *Form, applies []bool) []*Question {
	var out []*Question
	for i, q := range f.Questions {
		if _, answered := r.Answers[q.ID]; answered && applies[i] && q.Type != Note && q.Type != Calculate {
			out = append(out, q)
		}
	}
	return out
}

func shortLabel(q *Question, lang string) string {
	if len(q.Short) > 0 {
		return q.Short.In(lang)
	}
	return q.Label.In(lang)
}

func (r *Run) replySummary(f *Form, c Context, text string) Outcome {
	labels := make([]string, len(summaryActions))
	for i, key := range summaryActions {
		labels[i] = c.t(key)
	}
	i, err := ParseChoice(text, labels)
	if err != nil {
		p := r.summary(f, c)
		p.Text = c.t("answer.error", "reason", c.t(err.(*AnswerError).Key, err.(*AnswerError).Args...)) + "\n\n" + p.Text
		return Outcome{Prompts: []Prompt{p}}
	}
	switch summaryActions[i] {
	case "summary.submit":
		return r.submit(f, c)
	case "summary.edit":
		r.Stage = StagePickEdit
		return Outcome{Prompts: []Prompt{r.pickEdit(f, c)}}
	}
	return r.Discard(f, c)
}

func (r *Run) pickEdit(f *Form, c Context) Prompt {
	relevant := f.relevance(r.Answers, c.Circumstances)
	p := Prompt{Text: c.t("summary.pick_edit"), Question: AwaitEdit}
	for i, q := range r.editable(f, relevant.on) {
		p.Options = append(p.Options, Option{Key: strconv.Itoa(i + 1), Label: shortLabel(q, c.Lang)})
	}
	p.Typed = PlainLabels(labels(p.Options))
	return p
}

func (r *Run) replyPickEdit(f *Form, c Context, text string) Outcome {
	relevant := f.relevance(r.Answers, c.Circumstances)
	qs := r.editable(f, relevant.on)
	labels := make([]string, len(qs))
	for i, q := range qs {
		labels[i] = shortLabel(q, c.Lang)
	}
	i, err := ParseChoice(text, labels)
	if err != nil {
		ae := err.(*AnswerError)
		p := r.pickEdit(f, c)
		p.Text = c.t("answer.error", "reason", c.t(ae.Key, ae.Args...)) + "\n" + p.Text
		return Outcome{Prompts: []Prompt{p}}
	}
	q := qs[i]
	r.Stage, r.Current, r.Editing, r.Picker, r.Photos = StageAsk, q.ID, true, Picker{}, nil
	r.Previous = r.display(f, q, r.Answers[q.ID], c.Lang, c)
	return Outcome{Prompts: []Prompt{r.ask(f, q, c)}}
}

// submit freezes the relevant answers and the calculated values.
func (r *Run) submit(f *Form, c Context) Outcome {
	e := f.evaluate(r.Answers, c.Circumstances)
	s := &Submission{Form: f.ID, Version: f.Version, Answers: map[string]string{}}
	for i, q := range f.Questions {
		switch {
		case !e.on[i] || q.Type == Note:
		case q.Type == Calculate:
			s.Answers[q.ID] = canonical(e.env[q.ID])
		default:
			s.Answers[q.ID] = r.Answers[q.ID]
		}
	}
	e.release()
	s.HouseholdID, s.HouseholdName = r.householdOf(f)
	s.Replaces = r.Replaces
	s.Counted = f.CountedAnswers(s.Answers)
	s.Files = f.Files(s.Answers)
	if q := f.ByRole(RoleClass); q != nil {
		s.Class = s.Answers[q.ID]
		s.Standard = f.StandardFor(c.Circumstances).ID
		s.Classes = f.Classes(s.Answers, c.Circumstances)
	}
	if q := f.ByRole(RoleMembers); q != nil {
		s.Members, _ = strconv.Atoi(s.Answers[q.ID])
	}
	if f.Repeat == nil {
		return Outcome{Submitted: s, Ended: true}
	}
	r.restartForRepeat(f, c)
	return Outcome{Submitted: s, Prompts: []Prompt{r.repeatOffer(f, c)}}
}

// newHouseholdNameID is the question that names a household added during a run.
const newHouseholdNameID = "head_name"

// householdOf finds the household answer: an id from the register, or a
// new household named by head_name.
func (r *Run) householdOf(f *Form) (id, name string) {
	for _, q := range f.Questions {
		if q.Type != HouseholdPick {
			continue
		}
		if v := r.Answers[q.ID]; v != NewHousehold {
			return v, r.HouseholdName
		}
		return "", r.Answers[newHouseholdNameID]
	}
	return "", ""
}
