package report

import (
	"strconv"
	"strings"

	"sothon/flows"
	"sothon/locales"
)

// AnswerText is a stored answer as a person reads it, in lang: choice
// labels, the yes/no labels of the question (or Có/Không), decimals with
// the language's comma or point, other answers as stored.
func AnswerText(form *flows.Form, q *flows.Question, v, lang string) string {
	switch {
	case v == "":
		return "—"
	case q.List != "":
		names := strings.Split(v, ";")
		for i, n := range names {
			if c, ok := form.Choice(q.List, n); ok {
				names[i] = c.Label.In(lang)
			}
		}
		return strings.Join(names, "; ")
	case q.Type == flows.YesNo && len(q.YesLabel) > 0:
		if v == "yes" {
			return q.YesLabel.In(lang)
		}
		return q.NoLabel.In(lang)
	case q.Type == flows.YesNo:
		return map[string]map[string]string{"vi": {"yes": "Có", "no": "Không"}, "en": {"yes": "Yes", "no": "No"}}[lang][v]
	case strings.Contains(v, "."):
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return locales.Number(lang, x, 3)
		}
	}
	return v
}
