package flows

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// numberWords are the small numbers people write out on a phone ("hai",
// "năm"), folded. "không" is zero here: in a count it cannot mean "no".
var numberWords = map[string]int{
	"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
	"sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}

// unitWords may follow a number: the units that questions count in
// ("5 người", "35m2", "200 con"), folded. Anything else after a number
// ("1 triệu rưỡi" for a count of people) is refused rather than dropped.
var unitWords = map[string]bool{
	"nguoi": true, "khau": true, "nhan khau": true, "lao dong": true, "tre": true, "tre em": true,
	"chau": true, "ho": true, "con": true, "cay": true, "goc": true, "m2": true, "m": true,
	"met": true, "met vuong": true, "tuoi": true, "nam": true,
}

// squareMetres turns "m²" into "m2" so that both spellings are one unit.
var squareMetres = strings.NewReplacer("²", "2")

// ParseInteger reads a whole number: digits with thousands dots ("1.500"),
// a number word from "không" to "mười", and an optional unit after it
// ("5 người", "35m2").
func ParseInteger(s string) (int, error) {
	x, err := parseCount(s)
	if err != nil {
		return 0, err
	}
	if x != math.Trunc(x) || math.Abs(x) > 1e9 {
		return 0, answerErr("answer.not_integer")
	}
	return int(x), nil
}

// ParseDecimal reads a number with a decimal comma or dot and thousands
// separators, with an optional unit after it ("35,5 m2"). With money set the
// result is in million VND and the amount may carry a money unit: "3tr5",
// "3 triệu", "1 triệu rưỡi", "500k", "3.500.000 đ". A bare number is read by
// one rule: below 1.000 it is millions ("3,5" is 3.5 million), from 1.000 on
// it is đồng ("3.500.000" is 3.5 million); the questionnaire's plausible
// range (warn_min, warn_max) then asks the person to confirm a reading that
// is out of the ordinary.
func ParseDecimal(s string, money bool) (float64, error) {
	if !money {
		return parseCount(s)
	}
	if x, ok := parseMoney(strings.ReplaceAll(Fold(s), " ", "")); ok {
		return x, nil
	}
	return 0, answerErr("answer.not_money")
}

// parseCount reads a number, or a number word, and an optional unit.
func parseCount(s string) (float64, error) {
	f := squareMetres.Replace(Fold(s))
	first, rest, _ := strings.Cut(f, " ")
	if n, ok := numberWords[first]; ok {
		if rest != "" && !unitWords[rest] {
			return 0, answerErr("answer.extra_words", "text", echo(s))
		}
		return float64(n), nil
	}
	num, rest := splitNumber(f)
	if num == "" {
		return 0, answerErr("answer.not_number")
	}
	if rest != "" && !unitWords[rest] {
		return 0, answerErr("answer.extra_words", "text", echo(s))
	}
	x, ok := parseNumber(num)
	if !ok {
		return 0, answerErr("answer.not_number")
	}
	return x, nil
}

var moneyPattern = regexp.MustCompile(`^([0-9.,]+)(trieu|tr|t|nghin|ngan|k|dong|vnd|d)?([0-9]*|ruoi)$`)

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
	millions := unit == "trieu" || unit == "tr" || unit == "t"
	if tail != "" && !millions {
		return 0, false
	}
	switch {
	case millions && tail == "ruoi":
		// "1 triệu rưỡi" is one and a half million.
		if strings.ContainsAny(m[1], ".,") {
			return 0, false
		}
		x += 0.5
	case millions && tail != "":
		// "3tr5" is 3.5 million, "3tr500" is 3.5 million too.
		frac, err := strconv.ParseFloat("0."+tail, 64)
		if err != nil || len(tail) > 3 || strings.ContainsAny(m[1], ".,") {
			return 0, false
		}
		if len(tail) == 3 {
			frac = float64(atoi(tail)) / 1000
		}
		x += frac
	case millions:
	case unit == "nghin" || unit == "ngan" || unit == "k":
		x /= 1000
	case unit != "": // đồng
		x /= 1e6
	case x >= 1000:
		x /= 1e6
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

var dropSeparators = strings.NewReplacer(".", "", ",", "")

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
