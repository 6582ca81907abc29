package poverty

import (
	"testing"
	"time"
)

func TestLowIncomeLinesByDate(t *testing.T) {
	lines := DefaultLowIncome()
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(23 * time.Hour)
	}
	for _, tc := range []struct {
		day  string
		kind Kind
		want float64
		ok   bool
	}{
		{"2025-02-23", Rural, 0, false},
		{"2025-02-24", Rural, 2.25, true},
		{"2025-02-24", Urban, 3.0, true},
		{"2026-12-31", Urban, 3.0, true},
		{"2027-01-01", Rural, 0, false},
	} {
		got, ok := lines.At(day(tc.day), tc.kind)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s %s: %v %v, want %v %v", tc.day, tc.kind, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseLowIncomeRefuses(t *testing.T) {
	for name, src := range map[string]string{
		"empty":        "[]",
		"no date":      "- {name: x, rural: 2, urban: 3}",
		"until before": "- {name: x, from: 2025-02-24, until: 2025-01-01, rural: 2, urban: 3}",
		"zero line":    "- {name: x, from: 2025-02-24, rural: 0, urban: 3}",
	} {
		if _, err := ParseLowIncome([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
