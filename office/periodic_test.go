package office_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/office"
	"sothon/report/lists"
	"sothon/store"
)

// day is 9:00 on a day of the review, UTC+7 as the offices are.
func day(s string, hour int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("ICT", 7*3600))
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

// A village's whole periodic review at the office layer: forms approved,
// the meeting with one household short of half (it goes back), the
// posting, one complaint (the household reviewed again and approved), the
// window closing, the decision recorded. At each step the lists agree
// with the figures, and the progress says where the village is; the
// counters and standings are checked when the database closes.
func TestPeriodicReview(t *testing.T) {
	db, o, r := reviewRound(t)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	listed := func(at time.Time) map[string]string {
		t.Helper()
		l, err := o.Lists(ctx, officialTung, huyenTung, r.ID, forms, cat, "vi", at)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, v := range l.Villages {
			for kind, entries := range v.Lists {
				var ids []string
				for _, e := range entries {
					ids = append(ids, e.HouseholdID[len(e.HouseholdID)-2:])
				}
				slices.Sort(ids)
				got[kind] = strings.Join(ids, " ")
			}
		}
		if d, err := lists.Agreement(ctx, db); err != nil || len(d) > 0 {
			t.Fatalf("the lists and the figures disagree: %v %v", d, err)
		}
		return got
	}
	progress := func(at time.Time) office.VillageProgress {
		t.Helper()
		p, err := o.ReviewProgress(ctx, officialTung, "", r.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(p.Villages, func(v office.VillageProgress) bool { return v.Village.ID == khuoiPai })
		if len(p.Villages) != 3 || i < 0 {
			t.Fatalf("the ward's villages: %+v", p.Villages)
		}
		for _, v := range p.Villages {
			if v.Village.ID != khuoiPai && (v.Households != 0 || v.Pending()) {
				t.Fatalf("a village without forms: %+v", v)
			}
		}
		return p.Villages[i]
	}
	want := func(step string, got, want map[string]string) {
		t.Helper()
		for _, kind := range store.ListKindsAll {
			if got[kind] != want[kind] {
				t.Errorf("%s: the list %s has %q, want %q", step, kind, got[kind], want[kind])
			}
		}
	}

	// The forms approved: two poor, one near-poor; the meeting is next.
	want("approved", listed(day("2026-11-20", 9)), map[string]string{"poor": "01 03", "near_poor": "02"})
	if v := progress(day("2026-11-20", 9)); v.Households != 3 || v.Listed != 3 || v.Meeting != store.MeetingNone || v.Final {
		t.Fatalf("before the meeting: %+v", v)
	}

	// The meeting: 3 of 10 agree with household 2, which goes back.
	if _, err := o.OpenMeeting(ctx, headKhuoiPai, meeting, day("2026-11-20", 19)); err != nil {
		t.Fatal(err)
	}
	if v := progress(day("2026-11-20", 19)); v.Meeting != store.MeetingInProgress || v.MeetingDay != "2026-11-20" {
		t.Fatalf("at the meeting: %+v", v)
	}
	for i, agreed := range []int{8, 3, 5} {
		if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i + 1), Agreed: agreed}, day("2026-11-20", 20)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, day("2026-11-20", 21))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.VoteOf(demo(2)); !v.Returned || m.State() != store.MeetingHeld {
		t.Fatalf("the meeting: %+v", m)
	}
	if v, _ := m.VoteOf(demo(3)); v.Returned { // exactly half is enough
		t.Fatalf("half agreeing sent household 3 back: %+v", v)
	}
	returned, _ := db.ReturnedIn(ctx, khuoiPai)
	if len(returned) != 1 || returned[0].HouseholdID != demo(2) {
		t.Fatalf("the head's forms to fix: %+v", returned)
	}
	if rv, _ := db.ReviewOf(ctx, returned[0].ID); !strings.Contains(rv.Returned().Reason, "3/10") {
		t.Fatalf("the reason the head reads: %q", rv.Returned().Reason)
	}
	want("the meeting held", listed(day("2026-11-20", 21)), map[string]string{"poor": "01 03"})
	if v := progress(day("2026-11-20", 21)); v.Meeting != store.MeetingHeld || v.Returned != 1 || v.Posting != office.PostingNone || v.Final {
		t.Fatalf("after the meeting: %+v", v)
	}

	// The posting, from Monday 23 for 3 working days.
	p, err := o.RecordPosting(ctx, officialTung, office.PostingEntry{Village: khuoiPai, Start: "2026-11-23"}, day("2026-11-21", 9))
	if err != nil || p.End != "2026-11-25" || p.Days != store.DefaultPostingDays {
		t.Fatalf("the posting: %+v, %v", p, err)
	}
	if v := progress(day("2026-11-22", 9)); v.Posting != office.PostingScheduled {
		t.Fatalf("before the posting: %+v", v)
	}

	// A complaint about household 3 on Tuesday: it goes back.
	c, err := o.AddComplaint(ctx, headKhuoiPai, office.ComplaintEntry{Village: khuoiPai, Household: demo(3),
		From: "Bà Triệu Thị Hoa", Text: "Hộ mới mua xe máy, có thu nhập ổn định"}, day("2026-11-24", 10))
	if err != nil {
		t.Fatal(err)
	}
	want("a complaint", listed(day("2026-11-24", 10)), map[string]string{"poor": "01"})
	if v := progress(day("2026-11-24", 10)); v.Posting != office.PostingOpen || v.Complaints != 1 || v.OpenComplaints != 1 {
		t.Fatalf("the complaint: %+v", v)
	}
	_, err = o.RecordDecision(ctx, officialTung, office.DecisionEntry{Number: "125/QĐ-UBND", Day: "2026-11-24"}, day("2026-11-24", 11))
	refusedFor(t, err, office.ErrNotFinal, "office.decision_not_final")

	// Household 3 reviewed again: near-poor, approved.
	corrected := approvedForm(t, db, demo(3), "near_poor", day("2026-11-24", 15))
	if rv, _ := db.ReviewOf(ctx, c.Form); rv.State() != store.ReviewResubmitted || rv.Last().ReplacedBy != corrected {
		t.Fatalf("the form complained about: %+v", rv)
	}
	want("re-reviewed", listed(day("2026-11-24", 16)), map[string]string{"poor": "01", "near_poor": "03"})
	_, views, err := o.Posting(ctx, officialTung, khuoiPai, 0)
	if err != nil || len(views) != 1 || views[0].Open || views[0].Outcome.Form != corrected || views[0].Outcome.Class != "near_poor" {
		t.Fatalf("the complaint's outcome: %+v, %v", views, err)
	}
	if v := progress(day("2026-11-25", 16)); v.Posting != office.PostingOpen || v.OpenComplaints != 0 || v.Final {
		t.Fatalf("the window's last day: %+v", v)
	}

	// The window closed on Wednesday: the list is final on Thursday.
	if v := progress(day("2026-11-26", 8)); v.Posting != office.PostingEnded || !v.Final || v.Pending() {
		t.Fatalf("after the window: %+v", v)
	}

	// The decision closes the round.
	decided, err := o.RecordDecision(ctx, officialTung, office.DecisionEntry{Number: " 125/QĐ-UBND ", Day: "2026-11-27"}, day("2026-11-27", 10))
	if err != nil || !decided.Decided() || decided.IsOpen() || decided.Decision.Number != "125/QĐ-UBND" || decided.Decision.By != officialTung.ID {
		t.Fatalf("the decision: %+v, %v", decided, err)
	}
	want("decided", listed(day("2026-11-27", 10)), map[string]string{"poor": "01", "near_poor": "03"})
	pr, err := o.ReviewProgress(ctx, headKhuoiPai, "", r.ID, day("2026-11-27", 10))
	if err != nil || !pr.Decided() || len(pr.Villages) != 1 || !pr.Villages[0].Final {
		t.Fatalf("the head's progress: %+v, %v", pr, err)
	}
	a, err := o.Annex(ctx, officialTung, "", r.ID, forms, cat, "vi", day("2026-11-27", 10))
	if err != nil || a.Decision == nil || a.Decision.Number != "125/QĐ-UBND" || len(a.Villages) != 1 {
		t.Fatalf("the annex: %+v, %v", a, err)
	}
	for _, row := range []lists.AnnexRow{a.Villages[0], a.Total} {
		if row.Poor != 1 || row.NearPoor != 1 || row.NewlyPoor != 1 || row.NewlyNearPoor != 1 || row.Escaped != 0 ||
			row.LackingPoor[poverty.Indicator("drinking_water")] != 1 || row.Households == 0 || row.PoorRate() != 1/float64(row.Households) {
			t.Errorf("the annex's row for %s: %+v", row.Place.ID, row)
		}
	}
	if a.Total.Households != 1500 || a.Villages[0].Households != 480 {
		t.Errorf("the annex's households: %d, %d", a.Total.Households, a.Villages[0].Households)
	}

	// Later, household 1 leaves poverty on a form between rounds: the
	// official list moves, the decided lists stay as decided.
	approvedForm(t, db, demo(1), "middle", day("2026-12-10", 9))
	want("after the decision", listed(day("2026-12-10", 10)), map[string]string{"poor": "01", "near_poor": "03"})
	if hh, _ := db.Household(ctx, demo(1)); hh.Approved != "middle" {
		t.Errorf("the official list after the decision: %q", hh.Approved)
	}
	l, _ := o.Lists(ctx, officialTung, huyenTung, r.ID, forms, cat, "vi", day("2026-12-10", 10))
	if e := l.Villages[0].Lists["poor"][0]; !e.Newer || e.Status != "middle" {
		t.Errorf("the decided list marks the newer word: %+v", e)
	}
	_, err = o.AddComplaint(ctx, headKhuoiPai, office.ComplaintEntry{Village: khuoiPai, Household: demo(1), From: "Ông A", Text: "Khiếu nại muộn"}, day("2026-12-10", 11))
	refusedFor(t, err, store.ErrNoOpenRound, "round.none_open")

	entries, _ := db.Audit(ctx)
	var actions []string
	for _, e := range entries {
		switch e.Action {
		case "meeting_open", "meeting_close", "meeting_return", "posting", "complaint", "complaint_return", "round_decision":
			actions = append(actions, e.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "meeting_open meeting_return meeting_close posting complaint_return complaint round_decision" {
		t.Errorf("audited: %s", got)
	}
}
