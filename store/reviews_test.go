package store_test

import (
	"errors"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/counting"
	"sothon/store/storetest"
)

// A submission waits, is returned with a reason, is corrected, and the
// correction is approved: each state counted in its village, the queue in
// time order, every step in the audit log, and nothing decided twice.
func TestReviewStates(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	if _, err := db.OpenRound(ctx, store.Round{Name: "R", AreaID: "bac-kan", From: "2023-06-01", To: "2023-06-30", Opened: t0}); err != nil {
		t.Fatal(err)
	}
	submit := func(name string, at time.Time, replaces uint64) (uint64, error) {
		s := &store.Submission{Form: "household", AreaID: village, HouseholdName: name, SubmittedBy: "h1", SubmittedAt: at,
			Answers: map[string]string{"class": "poor"}, Class: "poor", Replaces: replaces}
		applied, err := db.Apply(ctx, store.Change{At: at, Submission: s})
		return applied.SubmissionID, err
	}
	first, _ := submit("Nông Văn Tý", t0, 0)
	second, _ := submit("Hà Văn Sơn", t0.Add(time.Minute), 0)
	if next, waiting, err := db.NextPending(ctx, "bac-kan/huyen-tung", 0); err != nil || next.ID != first || waiting != 2 {
		t.Fatalf("first in the queue: %d of %d, %v", next.ID, waiting, err)
	}
	if next, _, _ := db.NextPending(ctx, "bac-kan/huyen-tung", first); next.ID != second {
		t.Fatalf("after skipping the first: %d", next.ID)
	}
	if _, _, err := db.NextPending(ctx, "bac-kan/duc-xuan", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another ward's queue: %v", err)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: first, By: "o1", At: t0}, nil); !errors.Is(err, store.ErrNoReason) {
		t.Fatalf("a return without a reason: %v", err)
	}
	if _, err := submit("Nông Văn Tý", t0.Add(2*time.Minute), second); !errors.Is(err, store.ErrNotReturned) {
		t.Fatalf("a correction of a form not returned: %v", err)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: first, Reason: "Thu nhập chưa đúng", By: "o1", At: t0.Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: first, Approve: true, By: "o1", At: t0.Add(time.Hour)}, nil); !errors.Is(err, store.ErrNotPending) {
		t.Fatalf("deciding a returned form again: %v", err)
	}
	fixed, err := submit("Nông Văn Tý", t0.Add(2*time.Hour), first)
	if err != nil {
		t.Fatal(err)
	}
	if rv, _ := db.ReviewOf(ctx, first); rv.State() != store.ReviewResubmitted || rv.Last().ReplacedBy != fixed || rv.StateAt(t0.Add(90*time.Minute)) != store.ReviewReturned {
		t.Fatalf("the returned form: %+v", rv)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: fixed, Approve: true, By: "o1", At: t0.Add(3 * time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	counters, _ := db.CountersIn(ctx, village)
	c := counters[village]
	for name, want := range map[string]int64{counting.ReviewCounter(store.ReviewReceived): 1, counting.ReviewCounter(store.ReviewApproved): 1,
		counting.ReviewCounter(store.ReviewResubmitted): 1, counting.ReviewCounter(store.ReviewReturned): 0, counting.RoundStateCounter(1, store.RoundApproved): 1} {
		if c[name] != want {
			t.Errorf("%s = %d, want %d", name, c[name], want)
		}
	}
	entries, _ := db.RecentAudit(ctx, 10, func(e store.AuditEntry) bool { return e.Actor == "o1" || e.Action == "review_resubmitted" })
	if len(entries) != 3 || entries[0].Action != "review_approved" || entries[1].Action != "review_resubmitted" || entries[1].Actor != "h1" ||
		entries[1].Detail != "1 → 3" || entries[2].Action != "review_returned" {
		t.Errorf("audit: %+v", entries)
	}
}

// A decision after the round closed moves the area's counts but not the
// closed round's: its figures stay as they were at the close.
func TestClosedRoundFiguresStay(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	r, err := db.OpenRound(ctx, store.Round{Name: "R", AreaID: "bac-kan", From: "2023-06-01", To: "2023-06-30", Opened: t0})
	if err != nil {
		t.Fatal(err)
	}
	s := &store.Submission{Form: "household", AreaID: village, SubmittedAt: t0, Class: "poor", Answers: map[string]string{}}
	applied, err := db.Apply(ctx, store.Change{At: t0, Submission: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseRound(ctx, "bac-kan", t0.Add(time.Hour), "a1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: applied.SubmissionID, Approve: true, By: "o1", At: t0.Add(2 * time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	c, _ := db.CountersIn(ctx, village)
	for name, want := range map[string]int64{counting.RoundStateCounter(r.ID, store.RoundPending): 1, counting.RoundStateCounter(r.ID, store.RoundApproved): 0,
		counting.ReviewCounter(store.ReviewApproved): 1, counting.ReviewCounter(store.ReviewReceived): 0} {
		if got := c[village][name]; got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

// A household's second form that classifies it supersedes the first one
// waiting; two people's training wishes of one household stand side by
// side, both current.
func TestOnlyClassifyingFormsSupersede(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village, hh = "bac-kan/huyen-tung/khuoi-pai", "demo-bac-kan-huyen-tung-khuoi-pai-01"
	submit := func(form, class string) uint64 {
		t.Helper()
		s := &store.Submission{Form: form, AreaID: village, HouseholdID: hh, SubmittedAt: t0, Class: class, Answers: map[string]string{}}
		a, err := db.Apply(ctx, store.Change{At: t0, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		return a.SubmissionID
	}
	first, second := submit("training", ""), submit("training", "")
	older, newer := submit("household", "poor"), submit("household", "near_poor")
	states := map[uint64]string{}
	current := map[uint64]bool{}
	err := db.SubmissionsReviewed(ctx, store.SubmissionFilter{AreaID: village}, store.BasisAll, func(s store.Submission, rv store.FormReview) error {
		states[s.ID], current[s.ID] = rv.State, rv.Current
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint64]string{first: store.ReviewReceived, second: store.ReviewReceived, older: store.ReviewSuperseded, newer: store.ReviewReceived}
	for id, state := range want {
		if states[id] != state {
			t.Errorf("form %d: %s, want %s", id, states[id], state)
		}
	}
	if !current[first] || !current[second] || current[older] || !current[newer] {
		t.Errorf("current: %v", current)
	}
}
