package bot_test

import (
	"strings"
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
)

// The village review's reminders go to whoever is late, each once: the
// head when the lists are complete and no meeting was held; the ward's
// reviewer (not the city's official) when the lists are not posted after
// it; both on the posting's last day; the reviewer at a request's tenth
// day and again once it is late, which /stats and /traloi flag too.
func TestReviewRemindersEachOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)) // Thursday
	const village = "bac-kan/huyen-tung/khuoi-pai"
	head := f.registerAs(t, "h1", store.RoleHead, village)
	f.registerAs(t, "r1", store.RoleReviewer, "bac-kan/huyen-tung")
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan")
	if _, err := f.db.OpenRound(ctx, store.Round{Name: "Định kỳ 2023", Kind: store.RoundAnnual, AreaID: "bac-kan/huyen-tung",
		From: "2023-06-01", To: "2023-06-30", Opened: f.now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hhs, _ := f.db.HouseholdsIn(ctx, village)
	form := func(hh string) uint64 {
		a, err := f.db.Apply(ctx, store.Change{At: f.now, Submission: &store.Submission{Form: "household", AreaID: village, HouseholdID: hh,
			SubmittedBy: "x", SubmittedAt: f.now, Class: "poor", Answers: map[string]string{"class": "poor"}, Members: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return a.SubmissionID
	}
	j := weekly(f)
	remind := func(step string, want map[string]string) {
		t.Helper()
		before, _ := f.db.Outbox(ctx, "test", 100)
		n, err := j.SendReviewReminders(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		all, _ := f.db.Outbox(ctx, "test", 100)
		got := map[string]string{}
		for _, m := range all[len(before):] {
			got[m.ChatID] = m.Text
		}
		if n != len(want) || len(got) != len(want) {
			t.Fatalf("%s: %d reminders %v, want %v", step, n, got, want)
		}
		for chat, text := range want {
			if !strings.Contains(got[chat], text) {
				t.Fatalf("%s: to %s %q, want %q in it", step, chat, got[chat], text)
			}
		}
	}
	// A form waiting: the lists are not complete.
	pending := form(hhs[0].ID)
	remind("a form waiting", nil)
	if _, _, err := f.db.Decide(ctx, store.Decision{Submission: pending, Approve: true, By: "x", At: f.now}, nil); err != nil {
		t.Fatal(err)
	}
	remind("lists complete", map[string]string{"h1": "/hop"})
	remind("the same day again", nil)
	o := &office.Office{Store: f.db}
	if _, err := o.OpenMeeting(ctx, head, office.MeetingOpening{Village: village, Day: "2023-06-15", Present: 10,
		Chair: "A", Secretary: "B", Front: "C"}, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RecordVote(ctx, head, office.VoteEntry{Village: village, Household: hhs[0].ID, All: true}, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.CloseMeeting(ctx, head, village, 0, f.now); err != nil {
		t.Fatal(err)
	}
	remind("the meeting's day", nil)
	f.now = f.now.AddDate(0, 0, 1)
	remind("not posted the day after", map[string]string{"r1": "/niemyet " + village})
	users, _ := f.db.Users(ctx)
	var r1 store.User
	for _, u := range users {
		if u.Role == store.RoleReviewer {
			r1 = u
		}
	}
	if _, err := o.RecordPosting(ctx, r1, office.PostingEntry{Village: village, Start: "2023-06-16"}, f.now); err != nil {
		t.Fatal(err)
	}
	remind("posted", nil)
	f.now = time.Date(2023, 6, 20, 8, 0, 0, 0, f.now.Location()) // Fri, Mon, Tue: the last day
	remind("the posting's last day", map[string]string{"h1": "/khieunai", "r1": "20/06/2023"})
	// A request made on the 20th: reminded on the 30th, late from 6 July.
	req, err := o.AddRequest(ctx, head, office.RequestEntry{Village: village, Household: hhs[1].ID, Reason: "Hộ có người ốm nặng"}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.AddDate(0, 0, 9)
	remind("day 9", nil)
	f.now = f.now.AddDate(0, 0, 1)
	remind("day 10", map[string]string{"r1": "05/07/2023"})
	remind("day 10 again", nil)
	f.now = f.now.AddDate(0, 0, 6)
	remind("late", map[string]string{"r1": "quá hạn"})
	remind("late again", nil)
	reply := func(chat, id, text string) string {
		t.Helper()
		out := f.say(t, chat, id, text)
		return out[len(out)-1].Text // after the reminders queued before
	}
	if out := reply("r1", "1", "/traloi"); !strings.Contains(out, "⚠️ Số 1") {
		t.Fatalf("/traloi: %q", out)
	}
	f.registerAs(t, "o2", store.RoleOfficial, "bac-kan/huyen-tung")
	if out := reply("o2", "2", "/stats"); !strings.Contains(out, "Quá hạn 15 ngày: 1 (#1)") {
		t.Fatalf("/stats: %q", out)
	}
	if out := reply("r1", "3", "/traloi 1 Đã rà soát, hộ vẫn là hộ nghèo"); !strings.Contains(out, "Đã trả lời đề nghị số 1") {
		t.Fatalf("answer: %q", out)
	}
	if got, _ := f.db.Request(ctx, req.ID); got.IsOpen() {
		t.Fatalf("request still open: %+v", got)
	}
	remind("answered", nil)
}

// A complaint the commune enters reaches the village's head at once, and
// the head's "1" (or the button) reopens the form it sent back.
func TestComplaintByTheCommuneTellsTheHead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	const village = "bac-kan/huyen-tung/khuoi-pai"
	head := f.registerAs(t, "h1", store.RoleHead, village)
	f.registerAs(t, "r1", store.RoleReviewer, "bac-kan/huyen-tung")
	if _, err := f.db.OpenRound(ctx, store.Round{Name: "Định kỳ 2023", Kind: store.RoundAnnual, AreaID: "bac-kan/huyen-tung",
		From: "2023-06-01", To: "2023-06-30", Opened: f.now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hhs, _ := f.db.HouseholdsIn(ctx, village)
	a, err := f.db.Apply(ctx, store.Change{At: f.now, Submission: &store.Submission{Form: "household", AreaID: village, HouseholdID: hhs[0].ID,
		SubmittedBy: "x", SubmittedAt: f.now, Class: "poor", Answers: map[string]string{"class": "poor"}, Members: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "x", At: f.now}, nil); err != nil {
		t.Fatal(err)
	}
	o := &office.Office{Store: f.db}
	if _, err := o.OpenMeeting(ctx, head, office.MeetingOpening{Village: village, Day: "2023-06-15", Present: 10, Chair: "A", Secretary: "B", Front: "C"}, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RecordVote(ctx, head, office.VoteEntry{Village: village, Household: hhs[0].ID, Agreed: 9}, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.CloseMeeting(ctx, head, village, 0, f.now); err != nil {
		t.Fatal(err)
	}
	if out := f.say(t, "r1", "1", "/niemyet khuoi pai hôm nay"); !strings.Contains(out[0].Text, "từ 15/06/2023 đến hết 19/06/2023") {
		t.Fatalf("posting: %q", out[0].Text)
	}
	f.say(t, "r1", "2", "/khieunai khuoi pai")
	f.say(t, "r1", "3", "1")
	f.say(t, "r1", "4", "Bế Văn Tuấn")
	out := f.say(t, "r1", "5", "Hộ có xe ô tô")
	var toHead, toReviewer string
	for _, m := range out {
		switch m.ChatID {
		case "h1":
			toHead = m.Text
		case "r1":
			toReviewer = m.Text
		}
	}
	if !strings.Contains(toReviewer, "Đã ghi khiếu nại của Bế Văn Tuấn") || !strings.Contains(toHead, "Khiếu nại khi niêm yết, của Bế Văn Tuấn: Hộ có xe ô tô") {
		t.Fatalf("to the reviewer %q, to the head %q", toReviewer, toHead)
	}
	if out := f.say(t, "h1", "6", "1"); !strings.Contains(out[len(out)-1].Text, "Mở lại phiếu số 1") {
		t.Fatalf("the head's 1 reopens the form: %q", out[len(out)-1].Text)
	}
}
