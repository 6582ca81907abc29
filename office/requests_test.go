package office_test

import (
	"strings"
	"testing"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
)

// A request is entered by the village's head or someone reviewing above
// it, for a household of the village, one open at a time; refusals store
// nothing.
func TestAddRequest(t *testing.T) {
	good := office.RequestEntry{Village: khuoiPai, Household: demo(4), Reason: "Chồng mất, hộ mất nguồn thu nhập chính", Day: "2026-11-19"}
	with := func(f func(*office.RequestEntry)) office.RequestEntry { r := good; f(&r); return r }
	for _, c := range []struct {
		name  string
		actor store.User
		req   office.RequestEntry
		cause error
		key   string
	}{
		{"a revoked head", revokedHead, good, office.ErrNotAllowed, "office.request_not_allowed"},
		{"another village's head", headBanCau, good, office.ErrOutside, "office.outside"},
		{"another ward's reviewer", reviewerXuan, good, office.ErrOutside, "office.outside"},
		{"a ward", officialTung, with(func(r *office.RequestEntry) { r.Village = huyenTung }), office.ErrVillage, "office.review_village"},
		{"a household of another village", officialTung, with(func(r *office.RequestEntry) { r.Village = "bac-kan/huyen-tung/ban-cau" }), store.ErrNotFound, "office.request_household"},
		{"a household unheard of", headKhuoiPai, with(func(r *office.RequestEntry) { r.Household = "nobody" }), store.ErrNotFound, "office.request_household"},
		{"no reason", headKhuoiPai, with(func(r *office.RequestEntry) { r.Reason = " x " }), office.ErrRequestBad, "office.request_bad"},
		{"a day to come", headKhuoiPai, with(func(r *office.RequestEntry) { r.Day = "2026-11-21" }), office.ErrRequestBad, "office.request_bad"},
		{"a day not ISO", headKhuoiPai, with(func(r *office.RequestEntry) { r.Day = "19/11" }), office.ErrRequestBad, "office.request_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			_, err := (&office.Office{Store: db}).AddRequest(ctx, c.actor, c.req, now)
			refusedFor(t, err, c.cause, c.key)
			if all, _ := db.Requests(ctx, "bac-kan"); len(all) != 0 || auditLen(t, db) != 0 {
				t.Fatalf("a refused request was stored: %+v", all)
			}
		})
	}
	t.Run("one open at a time", func(t *testing.T) {
		db := storetest.Open(t)
		o := &office.Office{Store: db}
		r, err := o.AddRequest(ctx, headKhuoiPai, with(func(r *office.RequestEntry) { r.Day = "" }), now)
		if err != nil || r.ID == 0 || r.Day != "2026-11-20" || r.DueOn() != "2026-12-05" || r.RemindOn() != "2026-11-30" {
			t.Fatalf("%+v, %v", r, err)
		}
		_, err = o.AddRequest(ctx, officialTung, good, now)
		refusedFor(t, err, store.ErrRequestOpen, "office.request_open")
		if all, _ := db.Requests(ctx, khuoiPai); len(all) != 1 {
			t.Fatalf("requests: %+v", all)
		}
	})
}

// An answer closes a request of the reviewer's area, once; refusals keep
// it open.
func TestAnswerRequest(t *testing.T) {
	for _, c := range []struct {
		name   string
		actor  store.User
		id     uint64
		answer string
		cause  error
		key    string
	}{
		{"a village head", headKhuoiPai, 1, "Đã rà soát", office.ErrNotAllowed, "office.reviewers_only"},
		{"another ward's reviewer", reviewerXuan, 1, "Đã rà soát", office.ErrOutside, "office.request_gone"},
		{"a request unheard of", reviewerTung, 9, "Đã rà soát", office.ErrOutside, "office.request_gone"},
		{"no answer", reviewerTung, 1, "  ", office.ErrAnswerBad, "office.request_answer_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			o := &office.Office{Store: db}
			if _, err := o.AddRequest(ctx, headKhuoiPai, office.RequestEntry{Village: khuoiPai, Household: demo(4), Reason: "Hộ có người ốm nặng"}, now); err != nil {
				t.Fatal(err)
			}
			_, _, err := o.AnswerRequest(ctx, c.actor, c.id, c.answer, now)
			refusedFor(t, err, c.cause, c.key)
			if r, _ := db.Request(ctx, 1); !r.IsOpen() {
				t.Fatalf("answered by a refusal: %+v", r)
			}
		})
	}
}

// A regular review from the request to the answer: the request's state
// follows the household's form and review; the reminder is due from day
// 10, the answer late after day 15.
func TestRegularReview(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	rows := func(which office.RequestFilter, on string) []office.RequestRow {
		t.Helper()
		got, err := o.Requests(ctx, reviewerTung, "", which, day(on, 9))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	quick, err := o.AddRequest(ctx, headKhuoiPai, office.RequestEntry{Village: khuoiPai, Household: demo(5), Reason: "Hộ có con nhỏ mồ côi", Day: "2026-11-02"}, day("2026-11-02", 8))
	if err != nil {
		t.Fatal(err)
	}
	late, err := o.AddRequest(ctx, headKhuoiPai, office.RequestEntry{Village: khuoiPai, Household: demo(6), Reason: "Nhà bị lũ cuốn trôi", Day: "2026-11-02"}, day("2026-11-03", 8))
	if err != nil {
		t.Fatal(err)
	}
	if got := rows(office.OpenRequests, "2026-11-03"); len(got) != 2 || got[0].State != office.RequestNoForm || got[0].RemindDue || got[0].Late {
		t.Fatalf("the open requests: %+v", got)
	}

	// A form for each, one approved; the first answered in time.
	approvedForm(t, db, demo(5), "poor", day("2026-11-04", 9))
	sent := sentForm(t, db, demo(6), "near_poor", day("2026-11-05", 9))
	got := rows(office.OpenRequests, "2026-11-06")
	if got[0].State != office.RequestFormApproved || got[1].State != office.RequestFormPending || got[1].Form != sent {
		t.Fatalf("the requests' states: %+v", got)
	}
	answered, _, err := o.AnswerRequest(ctx, officialTung, quick.ID, "Công nhận hộ nghèo từ tháng 12", day("2026-11-06", 10))
	if err != nil || answered.IsOpen() || answered.Class != "poor" || answered.FormState != store.ReviewApproved || answered.Late(day("2026-12-01", 9).Format("2006-01-02")) {
		t.Fatalf("the answer: %+v, %v", answered, err)
	}
	_, _, err = o.AnswerRequest(ctx, officialTung, quick.ID, "Lần nữa", day("2026-11-06", 11))
	refusedFor(t, err, store.ErrAnswered, "office.request_answered")

	// The second: returned, a reminder on day 10, late after day 15.
	if _, _, err := db.Decide(ctx, store.Decision{Submission: sent, Reason: "Thu nhập chưa hợp lý", By: "rv-ht", At: day("2026-11-06", 9)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := rows(office.RequestsToRemind, "2026-11-11"); len(got) != 0 {
		t.Fatalf("a reminder before day 10: %+v", got)
	}
	if got := rows(office.RequestsToRemind, "2026-11-12"); len(got) != 1 || got[0].ID != late.ID || got[0].State != office.RequestFormReturned {
		t.Fatalf("the reminders on day 10: %+v", got)
	}
	if got := rows(office.LateRequests, "2026-11-17"); len(got) != 0 {
		t.Fatalf("late on day 15: %+v", got)
	}
	if got := rows(office.LateRequests, "2026-11-18"); len(got) != 1 || got[0].ID != late.ID || got[0].RemindDue {
		t.Fatalf("late after day 15: %+v", got)
	}
	if got, err := o.Requests(ctx, headKhuoiPai, "", office.AllRequests, day("2026-11-18", 9)); err != nil || len(got) != 2 || got[0].State != office.RequestAnswered {
		t.Fatalf("the head's requests: %+v, %v", got, err)
	}
	if _, err := o.Requests(ctx, headBanCau, khuoiPai, office.AllRequests, now); err == nil {
		t.Fatal("another village's head had the requests")
	}
	done, _, err := o.AnswerRequest(ctx, officialTung, late.ID, "Hộ chưa đủ điều kiện", day("2026-11-19", 9))
	if err != nil || !done.Late("2026-11-19") || done.FormState != store.ReviewReturned {
		t.Fatalf("the late answer: %+v, %v", done, err)
	}
	if got := rows(office.OpenRequests, "2026-11-19"); len(got) != 0 {
		t.Fatalf("open after both answers: %+v", got)
	}
}

// The village's head hears the commune's answer, in their language, on each
// of their chats, in the commit that records it; a refused answer tells
// nobody.
func TestTheHeadHearsTheAnswer(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	head := headKhuoiPai
	head.Lang = "en"
	if _, err := db.Apply(ctx, store.Change{At: now, User: &head,
		Identity: &store.Identity{Channel: "telegram", ChatID: "4242", UserID: head.ID}}); err != nil {
		t.Fatal(err)
	}
	rq, err := o.AddRequest(ctx, head, office.RequestEntry{Village: khuoiPai, Household: demo(4), Reason: "Hộ có người ốm nặng"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, queued, err := o.AnswerRequest(ctx, officialTung, rq.ID, "", now); err == nil || len(queued) != 0 {
		t.Fatalf("an empty answer: %v, %d queued", err, len(queued))
	}
	_, queued, err := o.AnswerRequest(ctx, officialTung, rq.ID, "Công nhận hộ cận nghèo", now)
	if err != nil || len(queued) != 1 {
		t.Fatalf("the answer queued %d: %v", len(queued), err)
	}
	out, err := db.Outbox(ctx, "telegram", 10)
	if err != nil || len(out) != 1 || out[0].ChatID != "4242" ||
		!strings.Contains(out[0].Text, "The commune answered request") || !strings.Contains(out[0].Text, "Công nhận hộ cận nghèo") {
		t.Fatalf("the head's outbox: %+v, %v", out, err)
	}
}
