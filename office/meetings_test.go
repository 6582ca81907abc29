package office_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
)

const huyenTung = "bac-kan/huyen-tung"

var (
	officialTung = store.User{ID: "o-ht", Role: store.RoleOfficial, AreaID: huyenTung, Lang: "vi"}
	headBanCau   = store.User{ID: "h-bc", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/ban-cau"}
	revokedHead  = store.User{ID: "h-gone", Role: store.RoleHead, AreaID: khuoiPai, Revoked: true}
)

// demo is a demo household of Khuổi Pài (1 to 12).
func demo(i int) string { return fmt.Sprintf("demo-bac-kan-huyen-tung-khuoi-pai-%02d", i) }

// poorAnswers are a household form's answers lacking several indicators.
var poorAnswers = map[string]string{"members": "5", "working_age": "3", "children": "2", "income": "3", "job": "no", "nutrition": "no",
	"insurance": "yes", "adult_education": "no", "schooling": "no", "house_quality": "no", "house_area": "60", "water": "no",
	"latrine": "no", "internet": "yes", "info_means": "yes"}

// approvedForm stores a form of a demo household of Khuổi Pài giving a
// class and approves it a minute later; it gives the form's id.
func approvedForm(t *testing.T, db *store.DB, household, class string, at time.Time) uint64 {
	t.Helper()
	id := sentForm(t, db, household, class, at)
	if _, _, err := db.Decide(ctx, store.Decision{Submission: id, Approve: true, By: "rv-ht", At: at.Add(time.Minute)}, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// sentForm stores a form of a household of Khuổi Pài, waiting for review.
func sentForm(t *testing.T, db *store.DB, household, class string, at time.Time) uint64 {
	t.Helper()
	s := &store.Submission{Form: "household", AreaID: khuoiPai, HouseholdID: household, SubmittedBy: "h-kp", SubmittedAt: at,
		Class: class, Answers: poorAnswers, Members: 5}
	a, err := db.Apply(ctx, store.Change{At: at, Submission: s})
	if err != nil {
		t.Fatal(err)
	}
	return a.SubmissionID
}

// reviewRound opens the ward's annual round and approves three households
// of Khuổi Pài: poor, near-poor and poor (households 1 to 3).
func reviewRound(t *testing.T) (*store.DB, *office.Office, store.Round) {
	t.Helper()
	db := storetest.Open(t)
	r, err := db.OpenRound(ctx, store.Round{Name: "Rà soát 2026", Kind: store.RoundAnnual, AreaID: huyenTung,
		From: "2026-11-01", To: "2026-12-15", Opened: now.Add(-72 * time.Hour), OpenedBy: "a-ht"})
	if err != nil {
		t.Fatal(err)
	}
	for i, class := range []string{"poor", "near_poor", "poor"} {
		approvedForm(t, db, demo(i+1), class, now.Add(-24*time.Hour+time.Duration(i)*10*time.Minute))
	}
	return db, &office.Office{Store: db}, r
}

var meeting = office.MeetingOpening{Village: khuoiPai, Day: "2026-11-20", Present: 10,
	Chair: "Hoàng Văn Thắng", Secretary: "Lục Thị Mai", Front: "Nông Văn Hùng"}

// auditLen is how many audit entries the database has.
func auditLen(t *testing.T, db *store.DB) int {
	t.Helper()
	entries, err := db.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// A meeting is opened by the village's head or someone reviewing above
// it, with its day, attendance and names, once per village and round;
// every other request is refused and changes nothing.
func TestOpenMeeting(t *testing.T) {
	with := func(f func(*office.MeetingOpening)) office.MeetingOpening { m := meeting; f(&m); return m }
	for _, c := range []struct {
		name  string
		actor store.User
		req   office.MeetingOpening
		cause error
		key   string
	}{
		{"a revoked head", revokedHead, meeting, office.ErrNotAllowed, "office.meeting_not_allowed"},
		{"an unknown role", store.User{ID: "x", Role: "guest", AreaID: khuoiPai}, meeting, office.ErrNotAllowed, "office.meeting_not_allowed"},
		{"another village's head", headBanCau, meeting, office.ErrOutside, "office.outside"},
		{"another ward's reviewer", reviewerXuan, meeting, office.ErrOutside, "office.outside"},
		{"a ward", officialTung, with(func(m *office.MeetingOpening) { m.Village = huyenTung }), office.ErrVillage, "office.review_village"},
		{"a round unheard of", headKhuoiPai, with(func(m *office.MeetingOpening) { m.Round = 99 }), store.ErrNoOpenRound, "round.none_open"},
		{"a village without a round", officialTop, with(func(m *office.MeetingOpening) { m.Village = "bac-kan/duc-xuan/to-1" }), store.ErrNoOpenRound, "round.none_open"},
		{"a day not ISO", headKhuoiPai, with(func(m *office.MeetingOpening) { m.Day = "20/11/2026" }), office.ErrMeetingBad, "office.meeting_bad"},
		{"nobody present", headKhuoiPai, with(func(m *office.MeetingOpening) { m.Present = 0 }), office.ErrMeetingBad, "office.meeting_bad"},
		{"a crowd", headKhuoiPai, with(func(m *office.MeetingOpening) { m.Present = office.MaxPresent + 1 }), office.ErrMeetingBad, "office.meeting_bad"},
		{"no Front representative", headKhuoiPai, with(func(m *office.MeetingOpening) { m.Front = "  " }), office.ErrMeetingBad, "office.meeting_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			before := auditLen(t, db)
			_, err := o.OpenMeeting(ctx, c.actor, c.req, now)
			refusedFor(t, err, c.cause, c.key)
			if _, err := db.MeetingOf(ctx, r.ID, khuoiPai); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a refused meeting was stored: %v", err)
			}
			if after := auditLen(t, db); after != before {
				t.Fatalf("audit entries %d → %d", before, after)
			}
		})
	}
	t.Run("opened once", func(t *testing.T) {
		_, o, r := reviewRound(t)
		m, err := o.OpenMeeting(ctx, headKhuoiPai, meeting, now)
		if err != nil || m.Round != r.ID || m.AreaID != khuoiPai || m.State() != store.MeetingInProgress || m.Front != "Nông Văn Hùng" {
			t.Fatalf("%+v, %v", m, err)
		}
		_, err = o.OpenMeeting(ctx, officialTung, with(func(m *office.MeetingOpening) { m.Day = "2026-11-21" }), now)
		refusedFor(t, err, store.ErrMeetingExists, "office.meeting_exists")
		if got, _ := o.Store.MeetingOf(ctx, r.ID, khuoiPai); got.Day != "2026-11-20" || got.OpenedBy != headKhuoiPai.ID {
			t.Fatalf("the first meeting changed: %+v", got)
		}
	})
}

// Votes are recorded for the households on the village's lists while its
// meeting is in progress, from 0 to those present; refusals change no vote.
func TestRecordVote(t *testing.T) {
	vote := func(household string, agreed int) office.VoteEntry {
		return office.VoteEntry{Village: khuoiPai, Household: household, Agreed: agreed}
	}
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, o *office.Office)
		actor store.User
		vote  office.VoteEntry
		cause error
		key   string
	}{
		{"no meeting", nil, headKhuoiPai, vote(demo(1), 5), store.ErrMeetingNotOpen, "office.meeting_not_open"},
		{"more than present", opened, headKhuoiPai, vote(demo(1), 11), office.ErrVoteBad, "office.meeting_vote_bad"},
		{"fewer than none", opened, headKhuoiPai, vote(demo(1), -1), office.ErrVoteBad, "office.meeting_vote_bad"},
		{"a household not reviewed", opened, headKhuoiPai, vote(demo(4), 5), office.ErrNotListed, "office.meeting_not_listed"},
		{"a household unheard of", opened, headKhuoiPai, vote("nobody", 5), office.ErrNotListed, "office.meeting_not_listed"},
		{"another village's head", opened, headBanCau, vote(demo(1), 5), office.ErrOutside, "office.outside"},
		{"a closed meeting", func(t *testing.T, o *office.Office) {
			opened(t, o)
			for i := 1; i <= 3; i++ {
				if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i), All: true}, now); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, now); err != nil {
				t.Fatal(err)
			}
		}, headKhuoiPai, vote(demo(1), 2), store.ErrMeetingNotOpen, "office.meeting_not_open"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			if c.setup != nil {
				c.setup(t, o)
			}
			before, _ := db.MeetingOf(ctx, r.ID, khuoiPai)
			audit := auditLen(t, db)
			_, err := o.RecordVote(ctx, c.actor, c.vote, now)
			refusedFor(t, err, c.cause, c.key)
			after, _ := db.MeetingOf(ctx, r.ID, khuoiPai)
			if fmt.Sprint(before) != fmt.Sprint(after) || auditLen(t, db) != audit {
				t.Fatalf("a refused vote changed the meeting: %+v → %+v", before, after)
			}
		})
	}
	t.Run("recorded, all, corrected", func(t *testing.T) {
		_, o, _ := reviewRound(t)
		opened(t, o)
		if _, err := o.RecordVote(ctx, officialTung, vote(demo(2), 3), now); err != nil {
			t.Fatal(err)
		}
		m, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(2), All: true}, now)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := m.VoteOf(demo(2)); !ok || v.Agreed != 10 || len(m.Votes) != 1 || v.Class != "near_poor" {
			t.Fatalf("votes: %+v", m.Votes)
		}
		a, err := o.MeetingAgenda(ctx, headKhuoiPai, khuoiPai, 0)
		if err != nil || len(a.Items) != 3 || a.Missing() != 2 {
			t.Fatalf("agenda: %+v, %v", a, err)
		}
	})
}

// The counts of paper minutes go in together: one bad count records none of
// them; good ones are all recorded.
func TestRecordVotes(t *testing.T) {
	db, o, r := reviewRound(t)
	opened(t, o)
	audit := auditLen(t, db)
	good := office.VoteEntry{Household: demo(1), Agreed: 7}
	for _, bad := range []office.VoteEntry{{Household: demo(2), Agreed: 11}, {Household: "nobody", All: true}} {
		if _, err := o.RecordVotes(ctx, officialTung, khuoiPai, 0, []office.VoteEntry{good, bad}, now); err == nil {
			t.Fatalf("%+v recorded", bad)
		}
		if m, _ := db.MeetingOf(ctx, r.ID, khuoiPai); len(m.Votes) != 0 || auditLen(t, db) != audit {
			t.Fatalf("a refused batch recorded %+v", m.Votes)
		}
	}
	m, err := o.RecordVotes(ctx, officialTung, khuoiPai, 0, []office.VoteEntry{good, {Household: demo(3), All: true}}, now)
	if err != nil || len(m.Votes) != 2 {
		t.Fatalf("votes: %+v, %v", m.Votes, err)
	}
	if v, _ := m.VoteOf(demo(3)); v.Agreed != 10 {
		t.Fatalf("all of 10 present: %+v", v)
	}
}

// opened opens Khuổi Pài's meeting, 10 present.
func opened(t *testing.T, o *office.Office) {
	t.Helper()
	if _, err := o.OpenMeeting(ctx, headKhuoiPai, meeting, now); err != nil {
		t.Fatal(err)
	}
}

// A meeting closes once every household on the lists has a vote; a
// refused close returns nothing and keeps the meeting in progress.
func TestCloseMeeting(t *testing.T) {
	votes := func(n int) func(t *testing.T, o *office.Office) {
		return func(t *testing.T, o *office.Office) {
			opened(t, o)
			for i := 1; i <= n; i++ {
				if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i), Agreed: 2}, now); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, o *office.Office)
		actor store.User
		cause error
		key   string
	}{
		{"no meeting", nil, headKhuoiPai, store.ErrMeetingNotOpen, "office.meeting_not_open"},
		{"votes missing", votes(2), headKhuoiPai, office.ErrVotesMissing, "office.meeting_votes_missing"},
		{"another ward's reviewer", votes(3), reviewerXuan, office.ErrOutside, "office.outside"},
		{"a village head of elsewhere", votes(3), headBanCau, office.ErrOutside, "office.outside"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			if c.setup != nil {
				c.setup(t, o)
			}
			before, _ := db.MeetingOf(ctx, r.ID, khuoiPai)
			audit := auditLen(t, db)
			_, err := o.CloseMeeting(ctx, c.actor, khuoiPai, 0, now)
			refusedFor(t, err, c.cause, c.key)
			after, _ := db.MeetingOf(ctx, r.ID, khuoiPai)
			if fmt.Sprint(before) != fmt.Sprint(after) || auditLen(t, db) != audit {
				t.Fatalf("a refused close changed the meeting: %+v → %+v", before, after)
			}
			if returned, _ := db.ReturnedIn(ctx, khuoiPai); len(returned) != 0 {
				t.Fatalf("a refused close returned forms: %+v", returned)
			}
		})
	}
}
