package bot_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/locales"
	"sothon/report/lists"
	"sothon/store"
)

// A round opened as annual in November 2026 classifies by NĐ 351 (the
// standard of 2027), a regular one in the same month by NĐ 07; each form
// keeps its standard and its class by both, and the lists name the standard.
func TestRoundKindPicksTheStandard(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind, standard, class, period string
		classes                       map[string]string
	}{
		{"dinh-ky", "nd351-2025", "poor", "2027–2030", map[string]string{"nd351-2025": "poor", "nd07-2021": "middle"}},
		{"thuong-xuyen", "nd07-2021", "middle", "2022–2025", map[string]string{"nd07-2021": "middle"}},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			f := newFixture(t)
			f.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			f.registerAs(t, "a1", store.RoleAdmin, "bac-kan/huyen-tung")
			f.register(t, "h1")
			if out := f.say(t, "a1", "1", "/round open Rà soát 2026 2026-11-01 2026-12-14 "+tt.kind); !strings.Contains(out[0].Text, tt.period) {
				t.Fatalf("open: %q", out[0].Text)
			}
			// An urban household (a ward's group) at 2,5 triệu a person lacking 3 indicators.
			answers := []string{"/menu", "1", "0", "Hoàng Văn Mới", "4", "2", "0", "10", "co", "co", "khong", "co", "-", "-", "40", "co", "co"}
			if tt.standard == "nd351-2025" {
				answers = append(answers, "co") // waste handled
			}
			answers = append(answers, "co", "co")
			if tt.class == "poor" {
				answers = append(answers, "1", "khong") // causes, leaving poverty
			}
			answers = append(answers, "khong", "-", "1")
			for i, a := range answers {
				f.say(t, "h1", "m"+string(rune('a'+i)), a)
			}
			var got []store.Submission
			if err := f.db.Submissions(ctx, store.SubmissionFilter{}, func(s store.Submission) error { got = append(got, s); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d submissions", len(got))
			}
			s := got[0]
			if s.Standard != tt.standard || s.Class != tt.class || len(s.Classes) != len(tt.classes) {
				t.Fatalf("stored %s by %s (%v), want %s by %s (%v)", s.Class, s.Standard, s.Classes, tt.class, tt.standard, tt.classes)
			}
			for id, want := range tt.classes {
				if s.Classes[id] != want {
					t.Errorf("class by %s: %s, want %s", id, s.Classes[id], want)
				}
			}
			if out := f.say(t, "a1", "2", "/stats"); !strings.Contains(out[0].Text, "phân loại theo chuẩn nghèo đa chiều giai đoạn "+tt.period) {
				t.Fatalf("stats: %q", out[0].Text)
			}
			if tt.class != "poor" {
				return // on no list
			}
			forms, _ := flows.Default()
			l, err := lists.Build(ctx, f.db, forms, locales.MustLoad(), "bac-kan/huyen-tung", 0, "vi", f.now)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := lists.WriteXLSX(l, locales.MustLoad(), &buf); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows(x.GetSheetList()[0])
			if len(rows) < 5 || len(rows[4]) == 0 || !strings.Contains(rows[4][0], "theo chuẩn nghèo đa chiều giai đoạn "+tt.period) {
				t.Fatalf("the lists' header: %q", rows[:min(len(rows), 5)])
			}
		})
	}
}
