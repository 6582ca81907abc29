package office_test

import (
	"testing"
	"time"

	"sothon/office"
)

// A posting's window counts working days: weekends and the listed
// holidays are skipped, and a start on a day off counts from the next
// working day.
func TestPostingEnd(t *testing.T) {
	holidays := office.ParseHolidays("2026-12-01, 2026-12-02 not-a-day")
	if len(holidays) != 2 {
		t.Fatalf("holidays read: %v", holidays)
	}
	for _, c := range []struct {
		name, start string
		days        int
		holidays    map[string]bool
		end         string
	}{
		{"a Monday, 3 days", "2026-11-23", 3, nil, "2026-11-25"},
		{"a Wednesday, 3 days, over the weekend", "2026-11-25", 3, nil, "2026-11-27"},
		{"a Friday, 3 days: Friday, Monday, Tuesday", "2026-11-20", 3, nil, "2026-11-24"},
		{"a Friday, 1 day", "2026-11-20", 1, nil, "2026-11-20"},
		{"a Saturday counts from Monday", "2026-11-21", 3, nil, "2026-11-25"},
		{"a Sunday counts from Monday", "2026-11-22", 1, nil, "2026-11-23"},
		{"a Friday, 3 days, over two holidays", "2026-11-27", 3, holidays, "2026-12-03"},
		{"a holiday counts from the next working day", "2026-12-01", 2, holidays, "2026-12-04"},
		{"10 days, two weekends", "2026-11-23", 10, nil, "2026-12-04"},
		{"no days is one", "2026-11-23", 0, nil, "2026-11-23"},
		{"across the year", "2026-12-31", 3, nil, "2027-01-04"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start, err := time.Parse(time.DateOnly, c.start)
			if err != nil {
				t.Fatal(err)
			}
			if got := office.PostingEnd(start, c.days, c.holidays).Format(time.DateOnly); got != c.end {
				t.Errorf("PostingEnd(%s, %d) = %s, want %s", c.start, c.days, got, c.end)
			}
		})
	}
}
