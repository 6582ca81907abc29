package flows

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AnswerError says why an answer was not accepted, as a locale key and its
// arguments, translated only when the reply is written.
type AnswerError struct {
	Key  string
	Args []any
	Text string // a reason already in the user's language (constraint messages)
}

func (e *AnswerError) Error() string { return e.Key }

func answerErr(key string, args ...any) *AnswerError { return &AnswerError{Key: key, Args: args} }

// ParseInteger reads a whole number, allowing thousands dots or spaces
// ("1.500") and a trailing word ("5 người").
func ParseInteger(s string) (int, error) {
	num, rest := splitNumber(Fold(s))
	if num == "" || (rest != "" && !isWord(rest)) {
		return 0, answerErr("answer.not_integer")
	}
	x, ok := parseNumber(num)
	if !ok || x != math.Trunc(x) || math.Abs(x) > 1e9 {
		return 0, answerErr("answer.not_integer")
	}
	return int(x), nil
}

// ParseDecimal reads a number with a decimal comma or dot and thousands
// separators. With money set the result is in million VND and the
// amount may carry a unit: "3tr5", "3 triệu", "500k", "3.500.000 đ"; a bare
// number of 1,000 or more is taken as đồng ("3.500.000" is 3.5 million).
func ParseDecimal(s string, money bool) (float64, error) {
	f := strings.ReplaceAll(Fold(s), " ", "")
	if money {
		if x, ok := parseMoney(f); ok {
			return x, nil
		}
		return 0, answerErr("answer.not_money")
	}
	x, ok := parseNumber(f)
	if !ok {
		return 0, answerErr("answer.not_number")
	}
	return x, nil
}

var moneyPattern = regexp.MustCompile(`^([0-9.,]+)(trieu|tr|t|nghin|ngan|k|dong|vnd|d)?([0-9]*)$`)

func parseMoney(f string) (float64, bool) {
	m := moneyPattern.FindStringSubmatch(f)
	if m == nil {
		return 0, false
	}
	x, ok := parseNumber(m[1])
	if !ok {
		return 0, false
	}
	unit, tail := m[2], m[3]
	if tail != "" && unit != "trieu" && unit != "tr" && unit != "t" {
		return 0, false
	}
	switch unit {
	case "trieu", "tr", "t":
		if tail != "" {
			// "3tr5" is 3.5 million, "3tr500" is 3.5 million too.
			frac, err := strconv.ParseFloat("0."+tail, 64)
			if err != nil || len(tail) > 3 || strings.ContainsAny(m[1], ".,") {
				return 0, false
			}
			if len(tail) == 3 {
				frac = float64(atoi(tail)) / 1000
			}
			x += frac
		}
	case "nghin", "ngan", "k":
		x /= 1000
	case "dong", "vnd", "d":
		x /= 1e6
	default:
		if x >= 1000 {
			x /= 1e6
		}
	}
	return x, true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseNumber reads digits with Vietnamese or English separators. When both
// '.' and ',' appear, the last one is the decimal mark. A lone ',' is a
// decimal comma; a lone '.' followed by exactly three digits, or repeated
// dots, group thousands.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimPrefix(s, "+")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return 0, false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	var intPart, frac string
	switch {
	case dots > 0 && commas > 0:
		sep := lastDot
		if lastComma > lastDot {
			sep = lastComma
		}
		intPart, frac = s[:sep], s[sep+1:]
		if strings.ContainsAny(frac, ".,") || !groupedOK(intPart) {
			return 0, false
		}
	case commas == 1:
		intPart, frac = s[:lastComma], s[lastComma+1:]
	case dots == 1 && len(s)-lastDot-1 != 3:
		intPart, frac = s[:lastDot], s[lastDot+1:]
	case dots+commas > 0:
		if !groupedOK(s) {
			return 0, false
		}
		intPart = s
	default:
		intPart = s
	}
	digits := dropSeparators.Replace(intPart)
	if digits == "" && frac == "" {
		return 0, false
	}
	if digits == "" {
		digits = "0"
	}
	x, err := strconv.ParseFloat(digits+"."+frac+"0", 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, false
	}
	if neg {
		x = -x
	}
	return x, true
}

// groupedOK checks thousands grouping: 1-3 digits, then groups of exactly 3.
func groupedOK(s string) bool {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' })
	if len(groups) == 0 || len(groups[0]) > 3 || len(groups[0]) == 0 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return strings.Count(s, ".")+strings.Count(s, ",") == len(groups)-1
}

// splitNumber cuts a leading number from the words after it.
func splitNumber(s string) (num, rest string) {
	i := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == '-' || r == '+') })
	if i < 0 {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
}

func isWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) < 0
}

var (
	yesWords = map[string]bool{"co": true, "c": true, "yes": true, "y": true, "dung": true, "u": true, "uh": true, "vang": true, "ok": true}
	noWords  = map[string]bool{"khong": true, "k": true, "ko": true, "kg": true, "no": true, "n": true, "chua": true, "khong co": true, "sai": true}
)

// ParseYesNo reads có/không in the ways people type them; 1 is yes and 2 is
// no, matching the numbered options shown.
func ParseYesNo(s string) (bool, error) {
	f := strings.Trim(Fold(s), ".!")
	switch {
	case f == "1" || yesWords[f]:
		return true, nil
	case f == "2" || noWords[f]:
		return false, nil
	}
	return false, answerErr("answer.yesno")
}

// ParseChoice picks one option by its number or its text (diacritics
// optional). labels are the options as shown; the result is an index.
func ParseChoice(s string, labels []string) (int, error) {
	f := Fold(s)
	if n, err := strconv.Atoi(f); err == nil {
		if n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		return 0, answerErr("answer.choice_number", "max", len(labels))
	}
	i := matchLabel(f, labels)
	switch {
	case i >= 0:
		return i, nil
	case i == ambiguous:
		return 0, answerErr("answer.choice_ambiguous", "text", s)
	}
	return 0, answerErr("answer.choice", "max", len(labels))
}

// Results of matchLabel besides an index.
const (
	noMatch   = -1
	ambiguous = -2
)

// matchLabel finds the option whose folded text equals f, or failing that
// the only one that starts with f.
func matchLabel(f string, labels []string) int {
	if f == "" {
		return noMatch
	}
	found := noMatch
	for i, l := range labels {
		fl := Fold(l)
		if fl == f {
			return i
		}
		if strings.HasPrefix(fl, f) {
			if found != noMatch {
				found = ambiguous
			} else {
				found = i
			}
		}
	}
	return found
}

// ParseChoices picks several options: "1,3", "1 3", "1;3" or texts
// separated by commas. The result is sorted and without repeats.
func ParseChoices(s string, labels []string) ([]int, error) {
	f := Fold(s)
	parts := strings.FieldsFunc(f, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	if len(parts) == 1 && strings.Trim(parts[0], "0123456789 ") == "" {
		parts = strings.Fields(parts[0])
	}
	if len(parts) == 0 {
		return nil, answerErr("answer.choices", "max", len(labels))
	}
	chosen := make([]bool, len(labels))
	for _, p := range parts {
		i, err := ParseChoice(p, labels)
		if err != nil {
			return nil, answerErr("answer.choices", "max", len(labels))
		}
		chosen[i] = true
	}
	var out []int
	for i, c := range chosen {
		if c {
			out = append(out, i)
		}
	}
	return out, nil
}

// ParseDate reads a day as dd/mm/yyyy (also with - or .) or yyyy-mm-dd.
func ParseDate(s string) (time.Time, error) {
	f := strings.TrimSpace(s)
	for _, layout := range []string{"2/1/2006", "2-1-2006", "2.1.2006", "2006-01-02"} {
		if t, err := time.Parse(layout, f); err == nil {
			return t, nil
		}
	}
	return time.Time{}, answerErr("answer.date")
}

var dropSeparators = strings.NewReplacer(".", "", ",", "")
