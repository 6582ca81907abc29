package flows

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sothon/locales"
)

func TestParseInteger(t *testing.T) {
	t.Parallel()
	good := map[string]int{"4": 4, " 12 ": 12, "4 người": 4, "1.500": 1500, "1,500,000": 1500000, "0": 0, "-3": -3, "05": 5,
		"năm": 5, "Một": 1, "mười": 10, "khong": 0, "tư": 4, "ba người": 3, "35m2": 35, "40 m2": 40, "40 m²": 40, "5 nhân khẩu": 5, "200 con": 200,
		"5 people": 5, "1 person": 1, "hai năm": 2}
	for in, want := range good {
		if got, err := ParseInteger(in); err != nil || got != want {
			t.Errorf("ParseInteger(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1,5", "4.5", "1.50", "4 5", "1e3", "12abc3", "99999999999", "1 triệu rưỡi", "5 người và 2 trẻ", "8 head"} {
		if got, err := ParseInteger(in); err == nil {
			t.Errorf("ParseInteger(%q) = %d, want an error", in, got)
		}
	}
	// Words after a number that are not a unit are named back, not dropped.
	_, err := ParseInteger("1 triệu rưỡi")
	if ae, ok := err.(*AnswerError); !ok || ae.Key != "answer.extra_words" {
		t.Errorf("ParseInteger(1 triệu rưỡi) error = %v, want answer.extra_words", err)
	}
}

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		money bool
		want  float64
	}{
		{"1,5", false, 1.5},
		{"1.5", false, 1.5},
		{"30,25", false, 30.25},
		{"1.500", false, 1500},
		{"1.500,5", false, 1500.5},
		{"1,500.5", false, 1500.5},
		{"2.000.000", false, 2e6},
		{"3,5", true, 3.5},
		{"3tr5", true, 3.5},
		{"3 tr 5", true, 3.5},
		{"3tr500", true, 3.5},
		{"3tr05", true, 3.05},
		{"3 triệu", true, 3},
		{"3 TRIỆU", true, 3},
		{"3.500.000", true, 3.5},
		{"3.500.000 đ", true, 3.5},
		{"3500000đồng", true, 3.5},
		{"500k", true, 0.5},
		{"500 nghìn", true, 0.5},
		{"800 ngàn", true, 0.8},
		{"12", true, 12},
		{"0", true, 0},
		{"1 triệu rưỡi", true, 1.5},
		{"2tr rưỡi", true, 2.5},
		{"500", true, 500},
		{"2500", true, 0.0025},
		{"35m2", false, 35},
		{"35,5 m²", false, 35.5},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in, tt.money)
		if err != nil || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ParseDecimal(%q, money=%v) = %v, %v; want %v", tt.in, tt.money, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "1,2,3", "1..5", "3tr5tr", "3,5tr5", "tr", "1.5.5", "5k5", ".", ",", "1,5 triệu rưỡi", "500k rưỡi"} {
		if got, err := ParseDecimal(in, true); err == nil {
			t.Errorf("ParseDecimal(%q, money) = %v, want an error", in, got)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"có", "co", "Có", "C", "yes", "Y", "1", "ừ", "vâng", "ok", "có."} {
		if got, err := ParseYesNo(in); err != nil || !got {
			t.Errorf("ParseYesNo(%q) = %v, %v; want yes", in, got, err)
		}
	}
	for _, in := range []string{"không", "khong", "KHÔNG", "k", "ko", "no", "N", "2", "chưa", "không có"} {
		if got, err := ParseYesNo(in); err != nil || got {
			t.Errorf("ParseYesNo(%q) = %v, %v; want no", in, got, err)
		}
	}
	for _, in := range []string{"", "3", "có lẽ", "maybe"} {
		if _, err := ParseYesNo(in); err == nil {
			t.Errorf("ParseYesNo(%q) accepted", in)
		}
	}
}

var testLabels = []string{"Đăng ký", "Đang tham gia", "Đã hoàn thành", "Rút khỏi mô hình"}

func TestParseChoice(t *testing.T) {
	t.Parallel()
	good := map[string]int{"1": 0, "4": 3, "đang tham gia": 1, "dang tham gia": 1, "DANG KY": 0, "rut": 3, "da hoan": 2,
		"mo hinh": 3, "hoan thanh": 2, "tham gia": 1}
	for in, want := range good {
		if got, err := ParseChoice(in, testLabels); err != nil || got != want {
			t.Errorf("ParseChoice(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, key := range map[string]string{"0": "answer.choice_number", "5": "answer.choice_number", "xyz": "answer.choice", "da": "answer.choice_ambiguous", "": "answer.choice", "ham": "answer.choice"} {
		_, err := ParseChoice(in, testLabels)
		if ae, ok := err.(*AnswerError); !ok || ae.Key != key {
			t.Errorf("ParseChoice(%q) error = %v, want %s", in, err, key)
		}
	}
}

// Words anywhere in a label pick it; several candidates are listed back.
func TestParseChoiceByWords(t *testing.T) {
	t.Parallel()
	models := []string{"Trồng quế", "Chăn nuôi lợn thịt", "Chăn nuôi gà thịt", "Mô hình khác"}
	for in, want := range map[string]int{"nuoi lon": 1, "lon": 1, "lợn thịt": 1, "ga thit": 2, "que": 0, "khac": 3} {
		if got, err := ParseChoice(in, models); err != nil || got != want {
			t.Errorf("ParseChoice(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	_, err := ParseChoice("nuoi", models)
	ae, ok := err.(*AnswerError)
	if !ok || ae.Key != "answer.choice_ambiguous" || len(ae.Args) != 4 || ae.Args[3] != "2. Chăn nuôi lợn thịt; 3. Chăn nuôi gà thịt" {
		t.Errorf("ParseChoice(nuoi) error = %#v, want both kinds of raising listed", err)
	}
}

// An option is picked only by its number, its whole label, or whole words
// that fit it alone; a fragment or a two-letter answer lists the options it
// could mean, even when there is only one.
func TestParseChoiceWholeWordsOnly(t *testing.T) {
	t.Parallel()
	work := []string{"Không có việc làm", "Làm nông nghiệp", "Làm thuê thời vụ", "Công nhân, làm công ăn lương", "Tự kinh doanh"}
	difficulties := []string{"Thiếu vốn đối ứng", "Dịch bệnh", "Khác", "Không có"}
	cofund := []string{"Có", "Một phần", "Không"}
	picked := []struct {
		in     string
		labels []string
		want   int
	}{
		{"co", cofund, 0}, {"Có", cofund, 0}, {"khong", cofund, 2}, {"mot phan", cofund, 1}, {"phan", cofund, 1}, {"3", cofund, 2},
		{"khong co", difficulties, 3}, {"dich", difficulties, 1}, {"dịch bệnh", difficulties, 1},
		{"nong", work, 1}, {"thoi vu", work, 2}, {"kinh doanh", work, 4}, {"cong nhan", work, 3},
		{"lam nong nghiep", work, 1}, {"tu kinh", work, 4},
	}
	for _, tt := range picked {
		if got, err := ParseChoice(tt.in, tt.labels); err != nil || got != tt.want {
			t.Errorf("ParseChoice(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	listed := []struct {
		in     string
		labels []string
		key    string
		list   string
	}{
		{"co", work, "answer.choice_ambiguous", "1. Không có việc làm; 4. Công nhân, làm công ăn lương"},
		{"co", difficulties, "answer.choice_unsure", "4. Không có"},
		{"tu", work, "answer.choice_unsure", "5. Tự kinh doanh"},
		{"lam", work, "answer.choice_ambiguous", "1. Không có việc làm; 2. Làm nông nghiệp; 3. Làm thuê thời vụ; 4. Công nhân, làm công ăn lương"},
		{"hoa", testLabels, "answer.choice_unsure", "3. Đã hoàn thành"},
		{"da", testLabels, "answer.choice_ambiguous", "1. Đăng ký; 2. Đang tham gia; 3. Đã hoàn thành"},
		{"ga", []string{"Trồng quế", "Chăn nuôi gà thịt"}, "answer.choice_unsure", "2. Chăn nuôi gà thịt"},
		{"thi", difficulties, "answer.choice_unsure", "1. Thiếu vốn đối ứng"},
		{"cong nh", work, "answer.choice_unsure", "4. Công nhân, làm công ăn lương"},
	}
	for _, tt := range listed {
		_, err := ParseChoice(tt.in, tt.labels)
		ae, ok := err.(*AnswerError)
		if !ok || ae.Key != tt.key || len(ae.Args) != 4 || ae.Args[3] != tt.list {
			t.Errorf("ParseChoice(%q) error = %#v, want %s listing %q", tt.in, err, tt.key, tt.list)
		}
	}
	// One letter, or words of no option, match none.
	for _, in := range []string{"c", "k", "xyz", "nong dan"} {
		if _, err := ParseChoice(in, work); err == nil || err.(*AnswerError).Key != "answer.choice" {
			t.Errorf("ParseChoice(%q) error = %v, want answer.choice", in, err)
		}
	}
	// In a list of several, a fragment is asked about, not dropped.
	if _, err := ParseChoices("1, co", difficulties); err == nil || err.(*AnswerError).Key != "answer.choice_unsure" {
		t.Errorf("ParseChoices(1, co) error = %v, want answer.choice_unsure", err)
	}
}

// A label holding a comma, typed in full, is one choice, alone or with others.
func TestParseChoicesCommaLabel(t *testing.T) {
	t.Parallel()
	causes := []string{"Thiếu vốn", "Ốm đau, tai nạn", "Già yếu, không còn khả năng lao động", "Khác"}
	for in, want := range map[string][]int{
		"Ốm đau, tai nạn":                      {1},
		"om dau, tai nan, thieu von":           {0, 1},
		"thieu von, om dau, tai nan, khac":     {0, 1, 3},
		"gia yeu, khong con kha nang lao dong": {2},
	} {
		got, err := ParseChoices(in, causes)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseChoices(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseChoices(t *testing.T) {
	t.Parallel()
	tests := map[string][]int{"1,3": {0, 2}, "3, 1": {0, 2}, "1 3": {0, 2}, "1;3;3": {0, 2}, "rut, dang ky": {0, 3}, "2": {1}}
	for in, want := range tests {
		got, err := ParseChoices(in, testLabels)
		if err != nil || len(got) != len(want) {
			t.Errorf("ParseChoices(%q) = %v, %v; want %v", in, got, err, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ParseChoices(%q) = %v; want %v", in, got, want)
			}
		}
	}
	for _, in := range []string{"", ",", "1,x", "1,9", "1 x"} {
		if got, err := ParseChoices(in, testLabels); err == nil {
			t.Errorf("ParseChoices(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"15/08/2023", "15/8/2023", "15-08-2023", "15.8.2023", "2023-08-15"} {
		d, err := ParseDate(in)
		if err != nil || d.Year() != 2023 || d.Month() != 8 || d.Day() != 15 {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"", "32/01/2023", "29/02/2023", "hôm qua"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Không": "khong", "ĐỒNG": "dong", "  Nguyễn   Thị  ": "nguyen thi", "Hoà": "hoa", "Hòa": "hoa"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// The parsers must never panic, and whatever they accept must read back the
// same when written in canonical form.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1,5", "3tr5", "3.500.000", "500k", "1.500,5", "-2", "3 triệu", "1,2,3", "tr5", "1 triệu rưỡi", "2500", "35,5 m2", "ruoi", "1,5trruoi"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, money bool) {
		x, err := ParseDecimal(s, money)
		if err != nil {
			return
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("ParseDecimal(%q) = %v", s, x)
		}
		if math.Abs(x) >= 1e12 {
			return
		}
		// What the bot shows a Vietnamese user must read back as the same number.
		shown := locales.Number("vi", x, 6)
		back, err := ParseDecimal(shown, false)
		if err != nil || math.Abs(back-x) > 1e-6*math.Max(1, math.Abs(x)) {
			t.Fatalf("%q → %v shown as %q reads back as %v, %v", s, x, shown, back, err)
		}
	})
}

func FuzzParseInteger(f *testing.F) {
	for _, s := range []string{"4", "4 người", "1.500", "-3", "1,5", "99999999999", "+", "-", "năm", "bốn người", "35m2", "40 m²", "1 triệu rưỡi", "mười hai", "khong"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseInteger(s)
		if err != nil {
			return
		}
		if back, err := ParseInteger(strconv.Itoa(n)); err != nil || back != n {
			t.Fatalf("%q → %d does not read back: %d, %v", s, n, back, err)
		}
	})
}

func FuzzParseChoices(f *testing.F) {
	for _, s := range []string{"1,3", "rut, dang ky", "1 3", "", "đ", "Đã", "1;;2", "mo hinh", "ham", "da, dang", "a,,,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseChoices(s, testLabels)
		if err != nil {
			return
		}
		for i, k := range got {
			if k < 0 || k >= len(testLabels) || (i > 0 && got[i-1] >= k) {
				t.Fatalf("ParseChoices(%q) = %v: out of range or unsorted", s, got)
			}
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Không", "ĐỒNG", "a\u0301", "\xff", " Co  KHONG\t", "2,3", "", " ", "a \u00a0b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, out)
		}
		if Fold(out) != out {
			t.Fatalf("Fold is not idempotent on %q: %q then %q", s, out, Fold(out))
		}
		if slow := foldMarks(s); out != slow {
			t.Fatalf("Fold(%q) = %q, the full normalisation gives %q", s, out, slow)
		}
	})
}

// Hidden and control characters are refused in text answers, not stored.
func TestTextRefusesHiddenCharacters(t *testing.T) {
	t.Parallel()
	q := &Question{ID: "name", Type: Text, MinLength: 2}
	for _, in := range []string{"\u200b\u200b\u200b", "Hà\x00Sơn", "Hà\x1b[31mSơn", strings.Repeat("\u202e", 500) + "ab"} {
		if _, err := parseText(q, in); err == nil || err.Key != "answer.text_invisible" {
			t.Errorf("parseText(%q) = %v, want answer.text_invisible", in, err)
		}
	}
	if got, err := parseText(q, "Nông  Văn\tTý\n"); err != nil || got != "Nông Văn Tý" {
		t.Errorf("a plain name: %q, %v", got, err)
	}
}

// BenchmarkFold folds what heads type most: digits and words without
// marks (the ASCII path), and a word with them.
func BenchmarkFold(b *testing.B) {
	for _, s := range []string{"1", "2,3", "co", "Không"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(s)
			}
		})
	}
}

// A label's fold is kept, and read back the same as folding it again; past
// the bound, folds are still right, only no longer kept.
func TestFoldLabelKeepsABoundedFew(t *testing.T) {
	for i := range maxLabels + 50 {
		l := fmt.Sprintf("Hộ ông Nông Văn %d ĐỒNG", i)
		if got, want := foldLabel(l), Fold(l); got != want {
			t.Fatalf("foldLabel(%q) = %q, Fold gives %q", l, got, want)
		}
		if got := foldLabel(l); got != Fold(l) {
			t.Fatalf("foldLabel(%q) read back %q", l, got)
		}
	}
	if n := labelsKept.Load(); n > maxLabels {
		t.Fatalf("%d folds kept, more than %d", n, maxLabels)
	}
}
