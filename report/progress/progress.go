// Package progress says where an area's village reviews and households'
// requests for review stand, in the words the digest, /stats and the
// console's dashboard share.
package progress

import (
	"context"
	"strconv"
	"strings"
	"time"

	"sothon/locales"
	"sothon/office"
	"sothon/report"
	"sothon/store"
)

// villagesShown keeps the villages' lines readable in a chat.
const villagesShown = 30

// Lines say, for the figures st of an area on the day of now: each village
// of the open round with households in it (its meeting, posting,
// complaints, whether its list is final), how many villages are at each
// step, and the households' requests for review waiting for an answer,
// the late ones named. None when there is nothing to say.
func Lines(ctx context.Context, db *store.DB, st report.Stats, now time.Time, cat *locales.Catalog, lang string) ([]string, error) {
	var p *office.Progress
	if st.Round != nil {
		got, err := office.ProgressOfFigures(ctx, db, st, now)
		if err != nil {
			return nil, err
		}
		p = &got
	}
	return LinesOf(ctx, db, st, p, now, cat, lang)
}

// LinesOf are Lines with the villages' progress in the open round already
// read (office.ProgressOfFigures; nil without a round).
func LinesOf(ctx context.Context, db *store.DB, st report.Stats, p *office.Progress, now time.Time, cat *locales.Catalog, lang string) ([]string, error) {
	var lines []string
	if p != nil {
		lines = villageLines(*p, cat, lang)
	}
	open, err := office.RequestsOf(ctx, db, st.Area.ID, office.OpenRequests, now)
	if err != nil {
		return nil, err
	}
	return append(lines, RequestLines(open, cat, lang)...), nil
}

// villageLines are a round's villages, counted and one by one.
func villageLines(p office.Progress, cat *locales.Catalog, lang string) []string {
	var villages []office.VillageProgress
	held, posted, final := 0, 0, 0
	for _, v := range p.Villages {
		if v.Households == 0 && v.Meeting == store.MeetingNone {
			continue
		}
		villages = append(villages, v)
		if v.Meeting == store.MeetingHeld {
			held++
		}
		if v.Posting != office.PostingNone {
			posted++
		}
		if v.Final {
			final++
		}
	}
	// A regular round's villages hold no meeting unless one chose to.
	if len(villages) == 0 || (!p.Round.Annual() && held == 0 && posted == 0) {
		return nil
	}
	lines := []string{cat.T(lang, "digest.villages_review", "count", len(villages), "held", held, "posted", posted, "final", final)}
	for i, v := range villages {
		if i == villagesShown {
			lines = append(lines, "…")
			break
		}
		lines = append(lines, VillageLine(v, cat, lang))
	}
	return lines
}

// VillageLine says where one village's review stands.
func VillageLine(v office.VillageProgress, cat *locales.Catalog, lang string) string {
	var parts []string
	switch v.Meeting {
	case store.MeetingNone:
		parts = append(parts, cat.T(lang, "digest.village_no_meeting", "listed", v.Listed))
	case store.MeetingInProgress:
		parts = append(parts, cat.T(lang, "digest.village_meeting_open", "day", report.DayMonthYear(v.MeetingDay)))
	default:
		parts = append(parts, cat.T(lang, "digest.village_meeting_held", "day", report.DayMonthYear(v.MeetingDay), "returned", v.Returned))
	}
	start, end := report.DayMonthYear(v.PostStart), report.DayMonthYear(v.PostEnd)
	switch v.Posting {
	case office.PostingScheduled:
		parts = append(parts, cat.T(lang, "digest.village_posting_soon", "start", start, "end", end))
	case office.PostingOpen:
		parts = append(parts, cat.T(lang, "digest.village_posting_open", "start", start, "end", end))
	case office.PostingEnded:
		parts = append(parts, cat.T(lang, "digest.village_posting_ended", "start", start, "end", end))
	}
	if v.Complaints > 0 {
		parts = append(parts, cat.T(lang, "digest.village_complaints", "count", v.Complaints, "open", v.OpenComplaints))
	}
	if v.Final {
		parts = append(parts, cat.T(lang, "digest.village_final"))
	}
	return "• " + v.Village.Name + ": " + strings.Join(parts, " · ")
}

// latesNamed bounds the late requests named by their numbers.
const latesNamed = 10

// RequestLines count the requests for review waiting for an answer, and
// name the late ones by their numbers.
func RequestLines(open []office.RequestRow, cat *locales.Catalog, lang string) []string {
	if len(open) == 0 {
		return nil
	}
	var late []string
	remind := 0
	for _, r := range open {
		switch {
		case r.Late:
			if len(late) == latesNamed {
				late = append(late, "…")
			} else if len(late) < latesNamed {
				late = append(late, "#"+itoa(r.ID))
			}
		case r.RemindDue:
			remind++
		}
	}
	line := cat.T(lang, "digest.requests_open", "count", len(open))
	if remind > 0 {
		line += " " + cat.T(lang, "digest.requests_due", "count", remind)
	}
	if len(late) > 0 {
		line += " " + cat.T(lang, "digest.requests_late", "count", lateCount(open), "list", strings.Join(late, ", "))
	}
	return []string{line}
}

func lateCount(rows []office.RequestRow) int {
	n := 0
	for _, r := range rows {
		if r.Late {
			n++
		}
	}
	return n
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
