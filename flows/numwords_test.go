package flows

import (
	"math"
	"strings"
	"testing"

	"sothon/locales"
)

// Amounts as village heads type them, in million VND, at the edges of
// each rule.
func TestParseMoneyAsPeopleTypeIt(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want float64
	}{
		// Unit words, with and without diacritics, with đồng after them.
		{"5 triệu đồng", 5}, {"5 trieu dong", 5}, {"5 TRIỆU ĐỒNG", 5}, {"5tr", 5}, {"5t", 5}, {"5 triệu đ", 5},
		{"3tr5 đồng", 3.5}, {"3tr5đ", 3.5}, {"3 triệu 5", 3.5}, {"3 triệu 500", 3.5}, {"3tr05", 3.05}, {"3tr999", 3.999},
		{"500 nghìn đồng", 0.5}, {"500 ngan", 0.5}, {"500k đ", 0.5}, {"3.500.000 VND", 3.5}, {"3.500.000 vnđ", 3.5},
		{"3 triệu 500 nghìn", 3.5}, {"3tr500k", 3.5}, {"1 tỷ", 1000}, {"1 tỉ 200 triệu", 1200}, {"1,5 triệu", 1.5}, {"1.5 tr", 1.5},
		// Number words.
		{"năm triệu", 5}, {"nam trieu", 5}, {"ba triệu rưỡi", 3.5}, {"ba trieu ruoi", 3.5}, {"mười triệu rưỡi", 10.5},
		{"hai triệu tư", 2.4}, {"hai triệu bốn", 2.4}, {"một triệu mốt", 1.1}, {"một triệu hai", 1.2}, {"hai triệu năm trăm nghìn", 2.5},
		{"hai triệu ba trăm", 2.3}, {"hai triệu lẻ năm mươi nghìn", 2.05}, {"hai triệu linh năm mươi nghìn", 2.05},
		{"hai mươi lăm triệu", 25}, {"hai mươi mốt triệu", 21}, {"mười lăm triệu", 15}, {"mười một triệu", 11},
		{"một trăm lẻ năm triệu", 105}, {"một trăm rưỡi nghìn", 0.15}, {"năm trăm nghìn", 0.5}, {"năm nghìn rưỡi", 0.0055},
		{"chín trăm chín mươi chín nghìn", 0.999}, {"sáu triệu bảy trăm tám mươi nghìn", 6.78},
		{"hai triệu rưỡi đồng", 2.5}, {"5 trăm nghìn", 0.5}, {"3 triệu rưỡi", 3.5},
		// A bare amount: below 1.000 millions, from 1.000 on đồng.
		{"ba rưỡi", 3.5}, {"3 rưỡi", 3.5}, {"năm", 5}, {"ba mươi", 30}, {"999", 999}, {"1000", 0.001}, {"1.000", 0.001},
		{"không", 0}, {"0", 0}, {"500 đồng", 0.0005},
	}
	for _, tt := range good {
		got, err := ParseDecimal(tt.in, true)
		if err != nil || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ParseDecimal(%q, money) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	refused := []string{
		"triệu", "tr5", "rưỡi", "khoảng 3 triệu", "vài triệu", "3 triệu mấy", "5 triệu/tháng",
		"3tr5tr", "3 nghìn 2 triệu", "3tr5000", "3tr5,5", "5k5", "2 nghìn 5", // scales must fall; decimals only after millions
		"500k rưỡi", "100 rưỡi", "1,5 triệu rưỡi", "3,5tr5", "ba rưỡi triệu", // rưỡi halves a small whole number
		"một trăm hai nghìn",                 // 120 or 102 thousand: asked again
		"hai mươi năm", "mười năm", "hai ba", // 25 is "hai mươi lăm"; two digits in a row
		"hai triệu lẻ", "một trăm lẻ", "lẻ năm", // lẻ needs what it joins
		"-2 triệu", "-5", "+3", "3 triệu 1500 nghìn", "5 đô", "5 triệu đồng đồng",
	}
	for _, in := range refused {
		got, err := ParseDecimal(in, true)
		if ae, ok := err.(*AnswerError); !ok || ae.Key != "answer.not_money" {
			t.Errorf("ParseDecimal(%q, money) = %v, %v; want answer.not_money", in, got, err)
		}
	}
}

// Counts take number words too, with thousands but never millions.
func TestParseIntegerWords(t *testing.T) {
	t.Parallel()
	good := map[string]int{"hai mươi": 20, "muoi lam": 15, "hai mươi lăm người": 25, "ba mươi mốt": 31, "một trăm": 100,
		"một trăm lẻ năm": 105, "ba trăm linh năm": 305, "một trăm hai con": 120, "một trăm năm mươi": 150,
		"hai nghìn": 2000, "hai nghìn rưỡi cây": 2500, "một nghìn hai": 1200, "mười nghìn": 10000, "5 trăm": 500}
	for in, want := range good {
		if got, err := ParseInteger(in); err != nil || got != want {
			t.Errorf("ParseInteger(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, key := range map[string]string{"trăm": "answer.not_number", "2 nghìn 5": "answer.not_number", "hai ba": "answer.extra_words",
		"ba rưỡi": "answer.extra_words", "hai triệu": "answer.extra_words", "năm người rưỡi": "answer.extra_words", "một trăm lẻ": "answer.not_number"} {
		_, err := ParseInteger(in)
		if ae, ok := err.(*AnswerError); !ok || ae.Key != key {
			t.Errorf("ParseInteger(%q) error = %v, want %s", in, err, key)
		}
	}
}

// spell reads n out in full, the way it is written in words on a form:
// "một triệu không trăm linh năm nghìn".
func spell(n int) string {
	digits := []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}
	if n == 0 {
		return digits[0]
	}
	triple := func(x int, full bool) []string {
		h, t, u := x/100, x/10%10, x%10
		var w []string
		if full || h > 0 {
			w = append(w, digits[h], "trăm")
		}
		switch {
		case t == 0 && u > 0 && len(w) > 0:
			w = append(w, "linh", digits[u])
		case t == 0 && u > 0:
			w = append(w, digits[u])
		case t == 1:
			w = append(w, "mười")
		case t > 1:
			w = append(w, digits[t], "mươi")
		}
		switch {
		case t == 0:
		case u == 5:
			w = append(w, "lăm")
		case u == 1 && t > 1:
			w = append(w, "mốt")
		case u == 4 && t > 1:
			w = append(w, "tư")
		case u > 0:
			w = append(w, digits[u])
		}
		return w
	}
	var words []string
	scales := []struct {
		size int
		name string
	}{{1e9, "tỷ"}, {1e6, "triệu"}, {1e3, "nghìn"}, {1, ""}}
	for _, s := range scales {
		x := n / s.size % 1000
		if x == 0 {
			continue
		}
		words = append(words, triple(x, len(words) > 0)...)
		if s.name != "" {
			words = append(words, s.name)
		}
	}
	return strings.Join(words, " ")
}

func TestSpell(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{15: "mười lăm", 21: "hai mươi mốt", 105: "một trăm linh năm", 1005: "một nghìn không trăm linh năm",
		2050000: "hai triệu không trăm năm mươi nghìn", 1200000000: "một tỷ hai trăm triệu"} {
		if got := spell(n); got != want {
			t.Errorf("spell(%d) = %q, want %q", n, got, want)
		}
	}
}

// Counts below a million, said in full, with or without diacritics, read
// back as themselves (every one below 10.000, then a spread); so do amounts
// of whole thousands of đồng.
func TestNumbersInWordsReadBack(t *testing.T) {
	t.Parallel()
	step := func(n int) int {
		if n < 10_000 {
			return 1
		}
		return 101
	}
	for n := 0; n < 1_000_000; n += step(n) {
		words := spell(n)
		for _, in := range []string{words, Fold(words)} {
			if got, err := ParseInteger(in); err != nil || got != n {
				t.Fatalf("ParseInteger(%q) = %d, %v; want %d", in, got, err, n)
			}
		}
		if n == 0 {
			continue
		}
		dong := spell(n*1000) + " đồng"
		if got, err := ParseDecimal(dong, true); err != nil || math.Abs(got-float64(n)/1000) > 1e-9 {
			t.Fatalf("ParseDecimal(%q, money) = %v, %v; want %v", dong, got, err, float64(n)/1000)
		}
	}
}

// The money parser must never panic; diacritics never change what it
// reads; and an amount read back by the bot ("3,5 triệu đồng") reads as
// the same amount.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"5 triệu đồng", "5 trieu dong", "3tr5 đồng", "năm triệu", "ba triệu rưỡi", "hai triệu tư",
		"một trăm lẻ năm nghìn", "hai mươi mốt triệu", "ba rưỡi", "1 tỷ 200 triệu", "3 triệu 500 nghìn", "mười lăm",
		"một trăm hai nghìn", "hai triệu lẻ", "500k rưỡi", "3tr5tr", "lẻ", "rưỡi rưỡi", "9999999999 tỷ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseDecimal(s, true)
		if y, ferr := ParseDecimal(Fold(s), true); (err == nil) != (ferr == nil) || x != y {
			t.Fatalf("%q reads as %v, %v but folded as %v, %v", s, x, err, y, ferr)
		}
		if err != nil {
			return
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			t.Fatalf("ParseDecimal(%q, money) = %v", s, x)
		}
		if x >= 1e12 {
			return
		}
		shown := locales.Number("vi", x, 6) + " triệu đồng"
		back, err := ParseDecimal(shown, true)
		if err != nil || math.Abs(back-x) > 1e-6*math.Max(1, x) {
			t.Fatalf("%q → %v shown as %q reads back as %v, %v", s, x, shown, back, err)
		}
	})
}
