package flows

import (
	"strconv"
	"strings"
)

// plausible reports whether a number lies within the question's soft
// limits. A question that takes its unit from a choice (the scale of a
// model) takes the choice's upper limit when it has one.
func (r *Run) plausible(f *Form, q *Question, val string) bool {
	if q.Type != Integer && q.Type != Decimal {
		return true
	}
	x, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return true
	}
	hi := q.WarnMax
	if ch, ok := r.unitChoice(f, q); ok && ch.WarnMax > 0 {
		hi = &ch.WarnMax
	}
	return (q.WarnMin == nil || x >= *q.WarnMin) && (hi == nil || x <= *hi)
}

// confirmPrompt asks whether an out-of-the-ordinary answer is meant:
// "Thu nhập cả hộ/tháng: 500 triệu đồng — đúng không?"
func (r *Run) confirmPrompt(f *Form, c Context) Prompt {
	q := f.Question(r.Current)
	var lines []string
	if len(q.WarnMessage) > 0 {
		lines = append(lines, "⚠️ "+q.WarnMessage.In(c.Lang))
	}
	lines = append(lines, c.t("confirm.value", "label", shortLabel(q, c.Lang), "value", r.display(f, q, r.Pending, c.Lang, c)))
	// Not Typed: its buttons confirm the value shown above them, and a
	// typed answer other than yes or no is taken as a new answer.
	return Prompt{Text: strings.Join(lines, "\n"), Question: AwaitConfirm + q.ID,
		Options: []Option{{Key: "1", Label: c.t("confirm.right")}, {Key: "2", Label: c.t("confirm.again")}}}
}

// replyConfirm stores the pending answer on "1" (or "đúng"), asks the
// question again on "2" (or "nhập lại"), and takes anything else as a new
// answer to the question.
func (r *Run) replyConfirm(f *Form, c Context, text string) Outcome {
	q := f.Question(r.Current)
	if q == nil {
		return r.advance(f, c)
	}
	pending := r.Pending
	r.Stage, r.Pending = StageAsk, ""
	folded := strings.Trim(Fold(text), ".!")
	if yes, err := ParseYesNo(folded); err == nil {
		if !yes {
			return Outcome{Prompts: []Prompt{r.ask(f, q, c)}}
		}
		r.accept(q.ID, pending)
		return r.advance(f, c)
	}
	if folded == "nhap lai" {
		return Outcome{Prompts: []Prompt{r.ask(f, q, c)}}
	}
	return r.replyAsk(f, c, text)
}

// Discard asks before the run is thrown away. A run that has just been
// submitted and only offers to fill the form again has nothing to lose and
// ends at once.
func (r *Run) Discard(f *Form, c Context) Outcome {
	switch r.Stage {
	case StageRepeat:
		return Outcome{Ended: true}
	case StageDiscard:
	default:
		r.Resume, r.Stage = r.Stage, StageDiscard
	}
	return Outcome{Prompts: []Prompt{r.discardPrompt(f, c)}}
}

func (r *Run) discardPrompt(f *Form, c Context) Prompt {
	opts := []Option{{Key: "1", Label: c.t("discard.yes")}, {Key: "2", Label: c.t("discard.no")}}
	return Prompt{Text: c.t("discard.ask", "form", f.Title.In(c.Lang)), Question: AwaitDiscard, Options: opts,
		Typed: typedAs(opts, func(s string) (string, bool) {
			discard, err := readDiscard(c, s)
			return canonical(discard), err == nil
		})}
}

// readDiscard reads "1" (or "có", "hủy") as throwing the run away and "2"
// (or "không", "tiếp tục") as going on.
func readDiscard(c Context, text string) (bool, error) {
	discard, err := ParseYesNo(text)
	if err != nil {
		var i int
		i, err = ParseChoice(text, []string{c.t("discard.yes"), c.t("discard.no")})
		discard = i == 0
	}
	return discard, err
}

// replyDiscard throws the run away or goes back to where it was.
func (r *Run) replyDiscard(f *Form, c Context, text string) Outcome {
	discard, err := readDiscard(c, text)
	if err != nil {
		p := r.discardPrompt(f, c)
		p.Text = c.t("answer.error", "reason", c.t("answer.discard")) + "\n\n" + p.Text
		return Outcome{Prompts: []Prompt{p}}
	}
	if discard {
		return Outcome{Prompts: []Prompt{{Text: c.t("run.cancelled", "form", f.Title.In(c.Lang))}}, Ended: true, Discarded: true}
	}
	r.Stage = r.stageBefore()
	return r.Show(f, c)
}

// stageBefore is where a confirmation goes back to when it is left.
func (r *Run) stageBefore() Stage {
	if r.Stage == StageDiscard && r.Resume != "" && r.Resume != StageDiscard {
		return r.Resume
	}
	return StageAsk
}
