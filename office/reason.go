package office

import (
	"strings"
	"unicode"

	"sothon/flows"
)

// reasonWords are the words that name what a common reason is about, as
// folded text (no diacritics, lower case): a reason typed with them is
// taken as that reason, so the correction reopens at the same question.
var reasonWords = []struct {
	key   string
	words []string
}{
	{"review.reason.income", []string{"thu nhap", "income"}},
	{"review.reason.members", []string{"nhan khau", "so khau", "members", "household size"}},
	{"review.reason.indicators", []string{"chi so", "thieu hut", "indicator", "indicators", "deprivation"}},
	{"review.reason.household", []string{"sai ho", "trung ho", "nham ho", "wrong household", "duplicate"}},
}

// reasonNamed is the common reason (its locale key) that a typed reason
// is about, or "" when it names none or several: then the correction
// opens at the summary.
func reasonNamed(typed string) string {
	// Punctuation ends a phrase: "nhân khẩu sai, hộ có 5 người" says
	// nothing of a wrong household ("sai hộ").
	marked := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			return r
		}
		return '|'
	}, flows.Fold(typed))
	text := " " + strings.Join(strings.Fields(strings.ReplaceAll(marked, "|", " | ")), " ") + " "
	found := ""
	for _, r := range reasonWords {
		for _, w := range r.words {
			if !strings.Contains(text, " "+w+" ") {
				continue
			}
			if found != "" && found != r.key {
				return ""
			}
			found = r.key
		}
	}
	return found
}
