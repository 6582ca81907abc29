package flows

import (
	"math"
	"strings"
)

// Numbers as people type them on a phone: digits ("3,5", "500"), words
// ("ba trăm lẻ năm", "hai mươi mốt") and both mixed with scale words
// ("3 triệu rưỡi", "3tr5", "năm trăm nghìn"). Everything here works on
// folded text, so "triệu" and "trieu" are one word.

// digitWords are the words for 0 to 9. "mốt" folds to "mot" like "một".
var digitWords = map[string]int{
	"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
	"sau": 6, "bay": 7, "tam": 8, "chin": 9,
}

// lastDigitWords may only end a number after "mười"/"mươi": "mười lăm" is
// 15, "hai mươi nhăm" 25.
var lastDigitWords = map[string]int{"lam": 5, "nham": 5}

// countScales are the scale words a count takes ("hai nghìn cây");
// moneyScales add the millions and billions of an amount.
var (
	countScales = map[string]float64{"nghin": 1e3, "ngan": 1e3}
	moneyScales = map[string]float64{"nghin": 1e3, "ngan": 1e3, "k": 1e3, "trieu": 1e6, "tr": 1e6, "t": 1e6, "ty": 1e9, "ti": 1e9}
)

// numTok is a token of folded text: a run of digits and separators, or a
// run of anything else between spaces and digits.
type numTok struct {
	text string
	at   int // byte offset in the folded text
	lit  bool
}

func isLitByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '.' || b == ',' || b == '+' || b == '-'
}

// tokenize splits "3tr5 đồng" (folded) into "3", "tr", "5", "dong".
func tokenize(f string) []numTok {
	var out []numTok
	for i := 0; i < len(f); {
		if f[i] == ' ' {
			i++
			continue
		}
		lit, j := isLitByte(f[i]), i+1
		for j < len(f) && f[j] != ' ' && isLitByte(f[j]) == lit {
			j++
		}
		out = append(out, numTok{text: f[i:j], at: i, lit: lit})
		i = j
	}
	return out
}

// term is part of a number: value times scale.
type term struct{ value, scale float64 }

// spoken reads a number from the tokens, from the first on.
type spoken struct {
	toks   []numTok
	i      int
	scales map[string]float64
	signed bool // a lone literal may carry a sign (a count, not money)
}

func (p *spoken) peek(k int) string {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k].text
	}
	return ""
}

// startsNumber reports whether the next token can begin a number.
func (p *spoken) startsNumber() bool {
	if p.i >= len(p.toks) {
		return false
	}
	_, digit := digitWords[p.peek(0)]
	return p.toks[p.i].lit || digit || p.peek(0) == "muoi"
}

// group is a number below a thousand in words, or a number in digits.
type group struct {
	value float64
	lit   string // the digits as typed, when the group is a literal
	digit bool   // one digit word alone ("hai"), which a scale may shorten
}

// readGroup reads "hai", "mười lăm", "hai mươi mốt", "ba trăm", "một trăm
// lẻ năm", "trăm rưỡi" (after a digit: "một trăm rưỡi"), "một trăm hai"
// (120) or a literal ("3,5", "5 trăm").
func (p *spoken) readGroup() (group, bool) {
	if p.i >= len(p.toks) {
		return group{}, false
	}
	if t := p.toks[p.i]; t.lit {
		x, ok := parseNumber(t.text)
		if !ok || (!p.signed && strings.ContainsAny(t.text, "+-")) {
			return group{}, false
		}
		p.i++
		if len(t.text) == 1 && p.peek(0) == "tram" {
			p.i++
			return p.afterHundreds(x * 100)
		}
		return group{value: x, lit: t.text}, true
	}
	if p.peek(0) == "muoi" { // mười: 10 to 19
		p.i++
		return group{value: 10 + float64(p.lastDigit())}, true
	}
	d, ok := digitWords[p.peek(0)]
	if !ok {
		return group{}, false
	}
	p.i++
	switch p.peek(0) {
	case "tram":
		p.i++
		return p.afterHundreds(float64(d) * 100)
	case "muoi":
		if d == 0 {
			return group{}, false
		}
		p.i++
		return group{value: float64(d*10 + p.lastDigit())}, true
	}
	return group{value: float64(d), digit: true}, true
}

// lastDigit reads the units after "mười"/"mươi", or 0 when none follows.
func (p *spoken) lastDigit() int {
	w := p.peek(0)
	d, ok := digitWords[w]
	if !ok {
		d, ok = lastDigitWords[w]
	}
	if !ok || d == 0 || w == "nam" { // 15 is "mười lăm", never "mười năm"
		return 0
	}
	p.i++
	return d
}

// afterHundreds reads what may follow "trăm": "lẻ năm" (5), "hai mươi"
// (20), "rưỡi" (50), or one digit that stands for its tens ("một trăm
// hai" is 120) when nothing of the number comes after it.
func (p *spoken) afterHundreds(h float64) (group, bool) {
	w := p.peek(0)
	switch {
	case w == "le" || w == "linh":
		d, ok := digitWords[p.peek(1)]
		if !ok || d == 0 {
			return group{}, false
		}
		p.i += 2
		return group{value: h + float64(d)}, true
	case w == "ruoi":
		p.i++
		return group{value: h + 50}, true
	}
	d, ok := digitWords[w]
	switch {
	case w == "muoi" || ok && p.peek(1) == "muoi":
		g, ok := p.readGroup()
		return group{value: h + g.value}, ok
	case !ok:
		return group{value: h}, true
	}
	if _, scale := p.scales[p.peek(1)]; scale {
		return group{}, false // "một trăm hai nghìn": 120 or 102 thousand?
	}
	p.i++
	return group{value: h + float64(d)*10}, true
}

// readAmount reads sections "group scale", scales falling ("3 triệu 500
// nghìn"), and what may end them: "rưỡi" (half the scale before it), a
// digit word that stands for a tenth of it ("hai triệu tư" is 2,4
// million), digits after millions read as their decimals ("3tr5",
// "3tr500", "3tr05"), or a group of the next scale down ("một nghìn hai
// trăm", "hai triệu lẻ năm mươi nghìn"). halfAlone lets "ba rưỡi" stand
// for 3,5 of whatever the question counts in.
func (p *spoken) readAmount(halfAlone bool) ([]term, bool) {
	var terms []term
	last := math.Inf(1)
	afterLe := false
	for {
		g, ok := p.readGroup()
		if !ok {
			return nil, false
		}
		whole := g.value == math.Trunc(g.value)
		scale, isScale := p.scales[p.peek(0)]
		if !isScale {
			if len(terms) == 0 {
				if halfAlone && p.peek(0) == "ruoi" && whole && g.value < 100 {
					p.i++
					return []term{{g.value + 0.5, 1}}, true
				}
				return []term{{g.value, 1}}, true
			}
			t, ok := tail(g, last, afterLe)
			return append(terms, t), ok
		}
		if scale >= last || (len(terms) > 0 && (!whole || g.value >= 1000)) {
			return nil, false
		}
		p.i++
		terms, last = append(terms, term{g.value, scale}), scale
		if !whole {
			return terms, true // "3,5 triệu": nothing more
		}
		if p.peek(0) == "ruoi" {
			p.i++
			return append(terms, term{0.5, scale}), g.value < 100
		}
		afterLe = p.peek(0) == "le" || p.peek(0) == "linh"
		if afterLe {
			p.i++
		}
		if !p.startsNumber() {
			return terms, !afterLe
		}
	}
}

// tail is the group that ends an amount after the scale last, with no
// scale of its own.
func tail(g group, last float64, afterLe bool) (term, bool) {
	switch {
	case g.value != math.Trunc(g.value) || g.value >= 1000:
		return term{}, false
	case afterLe:
		return term{g.value, last / 1000}, true
	case g.lit != "":
		// Digits after millions are their decimals: "3tr5", "3tr05".
		n := len(g.lit)
		ok := last >= 1e6 && n <= 3 && strings.Trim(g.lit, "0123456789") == ""
		return term{g.value, last / math.Pow10(n)}, ok
	case g.digit:
		return term{g.value, last / 10}, true
	}
	return term{g.value, last / 1000}, true
}

// sum adds terms up in the given unit (1 for a count, 1e6 for money in
// millions). A lone term is scaled by dividing rather than multiplying by a
// fraction, so that "500 nghìn" is 0,5 exactly; several terms are whole
// numbers of the smallest scale and add up exactly before the one division.
func sum(terms []term, unit float64) float64 {
	if len(terms) == 1 {
		t := terms[0]
		if t.scale >= unit {
			return t.value * (t.scale / unit)
		}
		return t.value / (unit / t.scale)
	}
	var raw float64
	for _, t := range terms {
		raw += t.value * t.scale
	}
	return raw / unit
}

// rest is the folded text after what has been read.
func (p *spoken) rest(f string) string {
	if p.i >= len(p.toks) {
		return ""
	}
	return strings.TrimSpace(f[p.toks[p.i].at:])
}
