package flows

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
)

// answersContext is what a run sees: the real catalog and forms.
func answersContext(t *testing.T, lang string, year int) (*Set, Context) {
	t.Helper()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set, Context{Lang: lang, T: cat, Circumstances: Circumstances{Now: time.Date(year, 6, 15, 9, 0, 0, 0, time.UTC),
		Kind: poverty.Rural, Standards: poverty.Default()}}
}

// limitsForm has questions whose range leaves little room.
const limitsForm = `
id: limits
version: "1"
title: {vi: "Giới hạn", en: "Limits"}
questions:
  - {id: small, type: integer, label: {vi: "Nhỏ?", en: "Small?"}, min: 0, max: 3}
  - {id: late, type: integer, year: true, label: {vi: "Năm?", en: "Year?"}, min: 2000, max: 2010}
  - {id: cash, type: decimal, money: true, label: {vi: "Tiền?", en: "Cash?"}, min: 0, max: 2}
  - {id: little, type: decimal, label: {vi: "Ít?", en: "Little?"}, min: 0, max: 10}
  - {id: none, type: integer, label: {vi: "Không?", en: "None?"}, min: 5, max: 9, constraint: value > 100, constraint_message: {vi: "Không.", en: "No."}}
`

// An error's example fits its question: its type, its range, its
// constraint with the answers given so far, and its unit.
func TestExampleFitsTheQuestion(t *testing.T) {
	t.Parallel()
	set, err := LoadFS(fstest.MapFS{"limits.yaml": {Data: []byte(limitsForm)}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		form, question, lang string
		year                 int
		answers              map[string]string
		want                 string
	}{
		{"household", "members", "vi", 2026, nil, "Ví dụ: 4"},
		{"household", "working_age", "vi", 2026, map[string]string{"members": "3"}, "Ví dụ: 3"},
		{"household", "working_age", "vi", 2026, map[string]string{"members": "10"}, "Ví dụ: 4"},
		{"household", "children", "en", 2026, map[string]string{"members": "1"}, "For example: 1"},
		{"household", "income", "vi", 2026, nil, "Ví dụ: 3,5 hoặc 3tr5 hoặc 3.500.000"},
		{"household", "income", "en", 2026, nil, "For example: 3.5 or 3tr5 or 3,500,000"},
		{"household", "house_area", "vi", 2026, nil, "Ví dụ: 45 hoặc 45,5"},
		{"household", "needs", "vi", 2026, nil, "Ví dụ: 1,3"},
		{"household", "head_name", "vi", 2026, nil, "Ví dụ: Nguyễn Văn An"},
		{"household", "note", "vi", 2026, nil, ""},
		{"training", "birth_year", "vi", 2026, nil, "Ví dụ: 1985"},
		{"training", "birth_year", "en", 1995, nil, "For example: 1981"}, // born 14 years before at the latest
		{"training", "trade_other", "en", 2026, nil, "For example: Baking"},
		{"model", "scale", "en", 2026, map[string]string{"model": "pig"}, "For example: 10 or 10 head"},
		{"model", "scale", "vi", 2026, map[string]string{"model": "chicken"}, "Ví dụ: 200 hoặc 200 con"},
		{"model", "scale", "en", 2026, map[string]string{"model": "cinnamon"}, "For example: 4 or 4 trees"},
		{"model", "model_other", "vi", 2026, nil, "Ví dụ: Nuôi ong lấy mật"},
		{"model", "cofund", "vi", 2026, nil, "Ví dụ: 2"},
		{"model", "support", "vi", 2026, nil, "Ví dụ: 3,5 hoặc 3tr5 hoặc 3.500.000"},
		{"limits", "small", "vi", 2026, nil, "Ví dụ: 3"},
		{"limits", "late", "vi", 2026, nil, "Ví dụ: 2000"},
		{"limits", "cash", "vi", 2026, nil, "Ví dụ: 2 hoặc 2tr hoặc 2.000.000"},
		{"limits", "little", "en", 2026, nil, "For example: 9 or 9.5"},
		{"limits", "none", "vi", 2026, nil, ""}, // nothing fits: no example rather than a wrong one
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.question+"/"+tt.lang, func(t *testing.T) {
			forms, c := answersContext(t, tt.lang, tt.year)
			f := forms.Form(tt.form)
			if f == nil {
				f = set.Form(tt.form)
			}
			r := &Run{Answers: map[string]string{}}
			for k, v := range tt.answers {
				r.Answers[k] = v
			}
			if got := r.example(f, f.Question(tt.question), c); got != tt.want {
				t.Errorf("example = %q, want %q", got, tt.want)
			}
		})
	}
}

// Every number an example shows is an answer the question takes, and the
// ways it writes one amount or count are the same answer: "3,5", "3tr5"
// and "3.500.000"; "4" and "4 trees". (A decimal's "45 or 45,5" are two.)
func TestExamplesAreAccepted(t *testing.T) {
	t.Parallel()
	for _, lang := range locales.Languages {
		set, c := answersContext(t, lang, 2026)
		for _, f := range []*Form{set.Form("household"), set.Form("model"), set.Form("training")} {
			for _, q := range f.Questions {
				if q.Type != Integer && q.Type != Decimal {
					continue
				}
				runs := []*Run{{Answers: map[string]string{"members": "5"}}}
				if src := f.Question(q.UnitFrom); src != nil {
					runs = nil
					for _, ch := range f.ChoicesOf(src) {
						runs = append(runs, &Run{Answers: map[string]string{src.ID: ch.Name}})
					}
				}
				for _, r := range runs {
					ex := r.example(f, q, c)
					_, list, _ := strings.Cut(ex, ": ")
					var first string
					for i, alt := range strings.Split(list, map[string]string{"vi": " hoặc ", "en": " or "}[lang]) {
						val, err := r.parse(f, q, c, alt)
						if err != nil || (i > 0 && val != first && (q.Type == Integer || q.Money)) {
							t.Errorf("%s/%s %v (%s): %q in %q reads as %q, %v; want %q", f.ID, q.ID, r.Answers, lang, alt, ex, val, err, first)
						}
						if i == 0 {
							first = val
						}
					}
				}
			}
		}
	}
}

// Counts read back with their unit, in the singular for one in English.
func TestUnitReadBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model, lang, answer, typed, want string
	}{
		{"pig", "en", "8", "8 head", "8 head"},
		{"pig", "en", "1", "1 head", "1 head"},
		{"cinnamon", "en", "1", "1 tree", "1 tree"},
		{"cinnamon", "en", "8", "8 trees", "8 trees"},
		{"chicken", "en", "1", "1 bird", "1 bird"},
		{"other", "en", "1", "1 unit", "1 unit"},
		{"cinnamon", "vi", "1", "1 cây", "1 cây"},
		{"pig", "vi", "1500", "1.500 con", "1.500 con"},
		{"pig", "vi", "8", "8 head", "8 con"}, // the English unit is taken in Vietnamese too
		{"cucumber", "en", "1", "1 m2", "1 m²"},
	}
	for _, tt := range tests {
		set, c := answersContext(t, tt.lang, 2026)
		f := set.Form("model")
		q := f.Question("scale")
		r := &Run{Answers: map[string]string{"model": tt.model}}
		if val, err := r.parse(f, q, c, tt.typed); err != nil || val != tt.answer {
			t.Errorf("%s: %q reads as %q, %v; want %q", tt.model, tt.typed, val, err, tt.answer)
		}
		if got := r.display(f, q, tt.answer, tt.lang, c); got != tt.want {
			t.Errorf("%s (%s): %s shows as %q, want %q", tt.model, tt.lang, tt.answer, got, tt.want)
		}
	}
}

// A stored answer shows as the chat showed it, money and counts with
// their unit: what the review card prints.
func TestAnswerTextShowsUnits(t *testing.T) {
	t.Parallel()
	set, c := answersContext(t, "vi", 2026)
	household, model := set.Form("household"), set.Form("model")
	tests := []struct {
		f        *Form
		question string
		lang     string
		answers  map[string]string
		want     string
	}{
		{household, "income", "vi", map[string]string{"income": "3.2"}, "3,2 triệu đồng"},
		{household, "income", "en", map[string]string{"income": "3.2"}, "3.2 million VND"},
		{household, "income", "vi", map[string]string{"income": "0.5"}, "0,5 triệu đồng (500.000 đồng)"},
		{household, "income_pc", "vi", map[string]string{"income_pc": "0.8"}, "0,8 triệu đồng"},
		{household, "house_area", "vi", map[string]string{"house_area": "30.5"}, "30,5 m²"},
		{household, "members", "vi", map[string]string{"members": "4"}, "4"},
		{household, "causes", "vi", map[string]string{"causes": "no_land;no_labour"}, "Thiếu đất sản xuất; Thiếu lao động"},
		{household, "water", "en", map[string]string{"water": "yes"}, "Has clean water"},
		{model, "scale", "en", map[string]string{"model": "pig", "scale": "8"}, "8 head"},
		{model, "scale", "en", map[string]string{"model": "cinnamon", "scale": "1"}, "1 tree"},
		{model, "support", "vi", map[string]string{"support": "12.5"}, "12,5 triệu đồng"},
	}
	for _, tt := range tests {
		if got := tt.f.AnswerText(tt.f.Question(tt.question), tt.answers, tt.lang, c.T); got != tt.want {
			t.Errorf("%s (%s) = %q, want %q", tt.question, tt.lang, got, tt.want)
		}
	}
}
