package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"sothon/store"
)

// The village meeting on Zalo, where options are numbered: the day by its
// option's number, the attendance and names typed, a vote by the number
// of "all agreed" (which is those present) and one typed short of half;
// the close says which household goes back, and the store holds it.
func TestZaloVillageMeeting(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zb := withZaloBot(h)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	ctx := context.Background()
	db, err := openTestDB(ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := db.OpenRound(ctx, store.Round{Name: "Rà soát định kỳ", Kind: store.RoundAnnual, AreaID: "bac-kan/huyen-tung",
		From: now.AddDate(0, 0, -10).Format(time.DateOnly), To: now.AddDate(0, 0, 10).Format(time.DateOnly), Opened: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hhs, err := db.HouseholdsIn(ctx, village)
	if err != nil || len(hhs) < 2 {
		t.Fatalf("households: %v %v", hhs, err)
	}
	for _, hh := range hhs[:2] {
		a, err := db.Apply(ctx, store.Change{At: now.Add(-time.Hour), Submission: &store.Submission{Form: "household", AreaID: village, HouseholdID: hh.ID,
			SubmittedBy: "x", SubmittedAt: now.Add(-time.Hour), Class: "poor", Answers: map[string]string{"class": "poor"}, Members: 4}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "x", At: now.Add(-time.Minute)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code := h.invite("head", village)
	h.start()
	const chat = "zhop"
	h.zaloSay(zb, chat, code)
	for _, step := range []struct{ say, want string }{
		{"/hop", "\n1. Hôm nay"},
		{"1", "bao nhiêu người dự họp"},
		{"20", "chủ trì"},
		{"Hoàng Văn Pài", "thư ký"},
		{"Lục Thị Lan", "Mặt trận"},
		{"Triệu Văn Khoa", "\n20. Tất cả đồng ý"},
		{"20", "Hộ 2/2"},
		{"9", "1 hộ chưa được một nửa"},
	} {
		if m := h.zaloSay(zb, chat, step.say); !strings.Contains(m, step.want) {
			t.Fatalf("%q: %q, want %q in it", step.say, m, step.want)
		}
	}
	h.stop()
	db, err = store.Open(h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rounds, _ := db.Rounds(ctx)
	m, err := db.MeetingOf(ctx, rounds[0].ID, village)
	if err != nil || !m.Held() || m.Present != 20 || len(m.Votes) != 2 || m.Front != "Triệu Văn Khoa" {
		t.Fatalf("meeting: %+v %v", m, err)
	}
	returned := 0
	for _, v := range m.Votes {
		if v.Returned {
			returned++
		}
	}
	if returned != 1 {
		t.Fatalf("%d households returned, want 1: %+v", returned, m.Votes)
	}
}
