package flows

import "strings"

// AnswerText shows an answer of a stored submission the way the chat read
// it back to the person who gave it: money in million VND with its unit,
// counts with theirs ("8 head", "30,5 m²"), dates as dd/mm/yyyy. Several
// choices are parted by "; ", since a label may hold a comma. answers are
// the submission's, for a unit that comes from an earlier answer (a
// model's trees or head). The household picked is not shown here: the
// submission carries its name.
func (f *Form) AnswerText(q *Question, answers map[string]string, lang string, t Translator) string {
	val := answers[q.ID]
	if q.List != "" && val != "" {
		return strings.Join(choiceLabelsOf(f, q.List, val, lang), "; ")
	}
	r := &Run{Answers: answers}
	return r.display(f, q, val, lang, Context{Lang: lang, T: t})
}
