package office

import (
	"context"
	"strconv"
	"strings"
	"time"

	"sothon/store"
)

// The posting's window is counted in working days: Monday to Friday, but
// for the days off the province lists in the setting store.SettingHolidays
// (no holiday is built in: Tết and the other days off move from year to
// year and are decided each year, so they are data, not code).

// WorkingDay tells whether a day is a working day.
func WorkingDay(day time.Time, holidays map[string]bool) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !holidays[day.Format(time.DateOnly)]
}

// PostingEnd is the last day of a window of n working days (at least one)
// that starts on start: start itself is the first when it is a working
// day, else the next working day is.
func PostingEnd(start time.Time, n int, holidays map[string]bool) time.Time {
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	for counted := 0; ; day = day.AddDate(0, 0, 1) {
		if !WorkingDay(day, holidays) {
			continue
		}
		if counted++; counted >= max(n, 1) {
			return day
		}
	}
}

// ParseHolidays reads the holidays setting: days YYYY-MM-DD separated by
// commas or spaces; anything else is left out.
func ParseHolidays(s string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == ';' }) {
		if _, err := time.Parse(time.DateOnly, f); err == nil {
			out[f] = true
		}
	}
	return out
}

// MaxPostingDays bounds the posting days setting.
const MaxPostingDays = 30

// postingCalendar reads the posting's length and the holidays from the
// settings: store.DefaultPostingDays when unset or out of 1..MaxPostingDays.
func (o *Office) postingCalendar(ctx context.Context) (int, map[string]bool, error) {
	days := store.DefaultPostingDays
	v, err := o.Store.Setting(ctx, store.SettingPostingDays)
	if err != nil {
		return 0, nil, err
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 1 && n <= MaxPostingDays {
		days = n
	}
	h, err := o.Store.Setting(ctx, store.SettingHolidays)
	if err != nil {
		return 0, nil, err
	}
	return days, ParseHolidays(h), nil
}
