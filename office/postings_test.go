package office_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
)

// held holds Khuổi Pài's meeting with every household backed.
func held(t *testing.T, o *office.Office) {
	t.Helper()
	opened(t, o)
	for i := 1; i <= 3; i++ {
		if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i), All: true}, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, now); err != nil {
		t.Fatal(err)
	}
}

// posted holds the meeting and posts the lists from Monday 23 November
// (to Wednesday 25).
func posted(t *testing.T, o *office.Office) {
	t.Helper()
	held(t, o)
	if _, err := o.RecordPosting(ctx, officialTung, office.PostingEntry{Village: khuoiPai, Start: "2026-11-23"}, now); err != nil {
		t.Fatal(err)
	}
}

// A posting is recorded by the commune once the meeting was held, once;
// refusals store nothing.
func TestRecordPosting(t *testing.T) {
	good := office.PostingEntry{Village: khuoiPai, Start: "2026-11-23"}
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, o *office.Office)
		actor store.User
		req   office.PostingEntry
		cause error
		key   string
	}{
		{"the village's head", held, headKhuoiPai, good, office.ErrNotAllowed, "office.posting_not_allowed"},
		{"another ward's reviewer", held, reviewerXuan, good, office.ErrOutside, "office.outside"},
		{"a ward", held, officialTung, office.PostingEntry{Village: huyenTung, Start: "2026-11-23"}, office.ErrVillage, "office.review_village"},
		{"no meeting", nil, officialTung, good, store.ErrMeetingNotHeld, "office.posting_no_meeting"},
		{"a meeting in progress", opened, officialTung, good, store.ErrMeetingNotHeld, "office.posting_no_meeting"},
		{"a day not ISO", held, officialTung, office.PostingEntry{Village: khuoiPai, Start: "23/11"}, office.ErrPostingBad, "office.posting_bad"},
		{"a round unheard of", held, officialTung, office.PostingEntry{Village: khuoiPai, Start: "2026-11-23", Round: 7}, store.ErrNoOpenRound, "round.none_open"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			if c.setup != nil {
				c.setup(t, o)
			}
			audit := auditLen(t, db)
			_, err := o.RecordPosting(ctx, c.actor, c.req, now)
			refusedFor(t, err, c.cause, c.key)
			if _, err := db.PostingOf(ctx, r.ID, khuoiPai); !errors.Is(err, store.ErrNotFound) || auditLen(t, db) != audit {
				t.Fatalf("a refused posting was stored: %v", err)
			}
		})
	}
	t.Run("once, for the days of the setting", func(t *testing.T) {
		db, o, r := reviewRound(t)
		held(t, o)
		if err := db.SetSetting(ctx, store.SettingPostingDays, "5"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSetting(ctx, store.SettingHolidays, "2026-11-24"); err != nil {
			t.Fatal(err)
		}
		p, err := o.RecordPosting(ctx, officialTung, office.PostingEntry{Village: khuoiPai, Start: "2026-11-20"}, now)
		if err != nil || p.Days != 5 || p.End != "2026-11-27" || p.Round != r.ID {
			t.Fatalf("%+v, %v", p, err)
		}
		_, err = o.RecordPosting(ctx, adminTop, good, now)
		refusedFor(t, err, store.ErrPosted, "office.posting_exists")
		if !strings.Contains(err.Error(), "20/11/2026") { // the day as a person reads it, never 2026-11-20
			t.Fatalf("refusal %q does not name the day as dd/mm/yyyy", err)
		}
		if got, _ := db.PostingOf(ctx, r.ID, khuoiPai); got.Start != "2026-11-20" {
			t.Fatalf("the posting changed: %+v", got)
		}
	})
}

// A complaint is taken during the window about a household with an
// approved form in the village's round; refusals keep the posting and the
// household's form as they were.
func TestAddComplaint(t *testing.T) {
	good := office.ComplaintEntry{Village: khuoiPai, Household: demo(1), From: "Ông Hà Văn Sơn", Text: "Hộ có nhà xây mới"}
	with := func(f func(*office.ComplaintEntry)) office.ComplaintEntry { c := good; f(&c); return c }
	tuesday := day("2026-11-24", 10)
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, o *office.Office)
		actor store.User
		req   office.ComplaintEntry
		at    time.Time
		cause error
		key   string
	}{
		{"a revoked head", posted, revokedHead, good, tuesday, office.ErrNotAllowed, "office.complaint_not_allowed"},
		{"another village's head", posted, headBanCau, good, tuesday, office.ErrOutside, "office.outside"},
		{"not posted", held, headKhuoiPai, good, tuesday, store.ErrNotPosted, "office.complaint_not_posted"},
		{"before the window", posted, headKhuoiPai, good, day("2026-11-22", 10), office.ErrWindowClosed, "office.complaint_window"},
		{"after the window", posted, headKhuoiPai, good, day("2026-11-26", 8), office.ErrWindowClosed, "office.complaint_window"},
		{"a household not reviewed", posted, headKhuoiPai, with(func(c *office.ComplaintEntry) { c.Household = demo(4) }), tuesday, store.ErrNotApproved, "office.complaint_not_approved"},
		{"a household unheard of", posted, headKhuoiPai, with(func(c *office.ComplaintEntry) { c.Household = "nobody" }), tuesday, store.ErrNotApproved, "office.complaint_not_approved"},
		{"nobody complaining", posted, headKhuoiPai, with(func(c *office.ComplaintEntry) { c.From = " " }), tuesday, office.ErrComplaintBad, "office.complaint_bad"},
		{"nothing said", posted, officialTung, with(func(c *office.ComplaintEntry) { c.Text = "ok" }), tuesday, office.ErrComplaintBad, "office.complaint_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			c.setup(t, o)
			before, _ := db.PostingOf(ctx, r.ID, khuoiPai)
			audit := auditLen(t, db)
			_, err := o.AddComplaint(ctx, c.actor, c.req, c.at)
			refusedFor(t, err, c.cause, c.key)
			after, _ := db.PostingOf(ctx, r.ID, khuoiPai)
			hh, _ := db.Household(ctx, demo(1))
			if fmt.Sprint(before) != fmt.Sprint(after) || auditLen(t, db) != audit || hh.Approved != "poor" {
				t.Fatalf("a refused complaint changed something: %+v → %+v, household %q", before, after, hh.Approved)
			}
		})
	}
	t.Run("taken, by the commune, and the household goes back", func(t *testing.T) {
		db, o, r := reviewRound(t)
		posted(t, o)
		c, err := o.AddComplaint(ctx, officialTung, good, tuesday)
		if err != nil || c.Form == 0 || c.Class != "poor" || c.Day != "2026-11-24" {
			t.Fatalf("%+v, %v", c, err)
		}
		if hh, _ := db.Household(ctx, demo(1)); hh.Approved != "" {
			t.Fatalf("the household still stands at the form complained about: %q", hh.Approved)
		}
		p, views, err := o.Posting(ctx, headKhuoiPai, khuoiPai, r.ID)
		if err != nil || len(p.Complaints) != 1 || len(views) != 1 || !views[0].Open {
			t.Fatalf("%+v %+v %v", p, views, err)
		}
		// A second complaint about the same household finds nothing to send back.
		_, err = o.AddComplaint(ctx, officialTung, good, tuesday)
		refusedFor(t, err, store.ErrNotApproved, "office.complaint_not_approved")
	})
}
