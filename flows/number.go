package flows

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// unitWords may follow a number: the units that questions count in
// ("5 người", "35m2", "200 con", "5 people"), folded. Anything else after a
// number ("1 triệu rưỡi" for a count of people) is refused rather than
// dropped. A question's own unit is accepted too (see parseInteger).
var unitWords = map[string]bool{
	"nguoi": true, "khau": true, "nhan khau": true, "lao dong": true, "tre": true, "tre em": true,
	"chau": true, "ho": true, "con": true, "cay": true, "goc": true, "m2": true, "m": true,
	"met": true, "met vuong": true, "tuoi": true, "nam": true,
	"people": true, "person": true, "persons": true, "child": true, "children": true,
}

// squareMetres turns "m²" into "m2" so that both spellings are one unit.
var squareMetres = strings.NewReplacer("²", "2")

// ParseInteger reads a whole number: digits with thousands dots ("1.500"),
// number words ("hai mươi lăm", "một trăm lẻ năm", "hai nghìn"), and an
// optional unit after it ("5 người", "35m2").
func ParseInteger(s string) (int, error) { return parseInteger(s, nil) }

// parseInteger is ParseInteger that also takes the question's own units
// ("trees", "cây") after the number.
func parseInteger(s string, units []string) (int, error) {
	x, err := parseCount(s, units)
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
// result is in million VND and the amount may be said as people say it:
// "3tr5", "3 triệu", "5 triệu đồng", "1 triệu rưỡi", "500k", "3.500.000 đ",
// "năm triệu", "ba triệu rưỡi", "hai triệu năm trăm nghìn". A bare number
// is read by one rule: below 1.000 it is millions ("3,5" and "ba rưỡi" are
// 3.5 million), from 1.000 on it is đồng ("3.500.000" is 3.5 million); the
// questionnaire's plausible range (warn_min, warn_max) then asks the
// person to confirm a reading that is out of the ordinary.
func ParseDecimal(s string, money bool) (float64, error) {
	if !money {
		return parseCount(s, nil)
	}
	if x, ok := parseMoney(Fold(s)); ok {
		return x, nil
	}
	return 0, answerErr("answer.not_money")
}

// parseCount reads a number, in digits or words, and an optional unit.
func parseCount(s string, units []string) (float64, error) {
	f := squareMetres.Replace(Fold(s))
	p := &spoken{toks: tokenize(f), scales: countScales, signed: true}
	terms, ok := p.readAmount(false)
	x := sum(terms, 1)
	if !ok || math.IsInf(x, 0) {
		return 0, answerErr("answer.not_number")
	}
	if rest := p.rest(f); rest != "" && !unitWords[rest] && !slices.Contains(units, rest) {
		return 0, answerErr("answer.extra_words", "text", echo(s))
	}
	return x, nil
}

// currencyWords may end an amount: "5 triệu đồng", "500k đ", "3.500.000 VND".
var currencyWords = map[string]bool{"": true, "dong": true, "d": true, "vnd": true}

// parseMoney reads a folded amount into million VND.
func parseMoney(f string) (float64, bool) {
	p := &spoken{toks: tokenize(f), scales: moneyScales}
	terms, ok := p.readAmount(true)
	rest := p.rest(f)
	if !ok || !currencyWords[rest] {
		return 0, false
	}
	x := sum(terms, 1e6)
	if len(terms) == 1 && terms[0].scale == 1 { // no scale word: the one rule
		x = terms[0].value
		if rest != "" || x >= 1000 {
			x /= 1e6
		}
	}
	return x, !math.IsInf(x, 0) && !math.IsNaN(x)
}

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
