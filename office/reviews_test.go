package office_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
)

const khuoiPai = "bac-kan/huyen-tung/khuoi-pai"

var (
	reviewerTung = store.User{ID: "rv-ht", Role: store.RoleReviewer, AreaID: "bac-kan/huyen-tung"}
	reviewerXuan = store.User{ID: "rv-dx", Role: store.RoleReviewer, AreaID: "bac-kan/duc-xuan"}
	revokedTung  = store.User{ID: "rv-gone", Role: store.RoleReviewer, AreaID: "bac-kan/huyen-tung", Revoked: true}
	headKhuoiPai = store.User{ID: "h-kp", Role: store.RoleHead, AreaID: khuoiPai}
)

// sent stores a form of a village, waiting for review, and gives its id.
func sent(t *testing.T, db *store.DB, village string) uint64 {
	t.Helper()
	waiting, err := db.PendingIn(ctx, "bac-kan", 100)
	if err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Duration(len(waiting)) * time.Minute) // one after another
	s := &store.Submission{Form: "household", AreaID: village, HouseholdName: "Hộ " + village, SubmittedBy: "h1", SubmittedAt: at,
		Answers: map[string]string{"class": "poor"}, Class: "poor"}
	applied, err := db.Apply(ctx, store.Change{At: at, Submission: s})
	if err != nil {
		t.Fatal(err)
	}
	return applied.SubmissionID
}

// The next form to review is one of the reviewer's area, in order;
// a role that does not review, or an area not theirs, is refused.
func TestNext(t *testing.T) {
	for _, c := range []struct {
		name  string
		actor store.User
		area  string
		cause error
		key   string
	}{
		{"a village head", headKhuoiPai, khuoiPai, office.ErrNotAllowed, "office.reviewers_only"},
		{"a revoked reviewer", revokedTung, "", office.ErrNotAllowed, "office.reviewers_only"},
		{"another ward", reviewerTung, "bac-kan/duc-xuan", office.ErrOutside, "office.outside"},
		{"the area above", reviewerTung, "bac-kan", office.ErrOutside, "office.outside"},
		{"no such area", reviewerTung, "bac-kan/huyen-tung/nowhere", office.ErrOutside, "office.outside"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			sent(t, db, khuoiPai)
			_, _, err := (&office.Office{Store: db}).Next(ctx, c.actor, c.area, 0)
			refusedFor(t, err, c.cause, c.key)
		})
	}
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	// Villages come in the order of their ids, each's forms in the order sent.
	second, first := sent(t, db, khuoiPai), sent(t, db, "bac-kan/huyen-tung/ban-cau")
	if s, waiting, err := o.Next(ctx, reviewerTung, "", 0); err != nil || s.ID != first || waiting != 2 {
		t.Fatalf("the ward's first: %d of %d, %v", s.ID, waiting, err)
	}
	if s, _, err := o.Next(ctx, reviewerTung, "", first); err != nil || s.ID != second {
		t.Fatalf("after the first: %d, %v", s.ID, err)
	}
	if s, waiting, err := o.Next(ctx, reviewerTung, khuoiPai, 0); err != nil || s.ID != second || waiting != 1 {
		t.Fatalf("a village's first: %d of %d, %v", s.ID, waiting, err)
	}
	if _, _, err := o.Next(ctx, reviewerXuan, "", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a ward with nothing waiting: %v", err)
	}
}

// A form is approved or returned by a reviewer of its area while it waits;
// a return needs a reason. Every refusal leaves the form waiting.
func TestDecide(t *testing.T) {
	approve := office.Verdict{Form: 1, Approve: true}
	for _, c := range []struct {
		name    string
		actor   store.User
		verdict office.Verdict
		cause   error
		key     string
	}{
		{"a village head", headKhuoiPai, approve, office.ErrNotAllowed, "office.reviewers_only"},
		{"a revoked reviewer", revokedTung, approve, office.ErrNotAllowed, "office.reviewers_only"},
		{"another ward's reviewer", reviewerXuan, approve, office.ErrOutside, "review.gone"},
		{"no such form", reviewerTung, office.Verdict{Form: 99, Approve: true}, office.ErrOutside, "review.gone"},
		{"a return without a reason", reviewerTung, office.Verdict{Form: 1}, office.ErrNoReason, "review.why_again"},
		{"a reason too short", reviewerTung, office.Verdict{Form: 1, Reason: "  ok  "}, office.ErrNoReason, "review.why_again"},
		{"a reason too long", reviewerTung, office.Verdict{Form: 1, Reason: strings.Repeat("ă", 301)}, office.ErrNoReason, "review.why_again"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			sent(t, db, khuoiPai)
			_, _, err := (&office.Office{Store: db}).Decide(ctx, c.actor, c.verdict, nil, now, nil)
			refusedFor(t, err, c.cause, c.key)
			if rv, _ := db.ReviewOf(ctx, 1); rv.State() != store.ReviewReceived {
				t.Fatalf("a refused decision was taken: %+v", rv)
			}
		})
	}
	t.Run("decided already", func(t *testing.T) {
		db := storetest.Open(t)
		o := &office.Office{Store: db}
		sent(t, db, khuoiPai)
		if _, _, err := o.Decide(ctx, reviewerTung, approve, nil, now, nil); err != nil {
			t.Fatal(err)
		}
		_, _, err := o.Decide(ctx, adminTung, office.Verdict{Form: 1, Reason: "thu nhập chưa đúng"}, nil, now, nil)
		refusedFor(t, err, store.ErrNotPending, "review.decided_already")
		if rv, _ := db.ReviewOf(ctx, 1); rv.State() != store.ReviewApproved {
			t.Fatalf("an approved form returned: %+v", rv)
		}
	})
}

// A returned form reopens at the question its reason is about: a common
// reason picked, or a typed one naming it; a reason naming nothing reopens
// at the summary. The village is told with the decision.
func TestDecideReturn(t *testing.T) {
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	household := forms.Form("household")
	for _, c := range []struct {
		name    string
		verdict office.Verdict
		focus   string
	}{
		{"a common reason", office.Verdict{Reason: "Số nhân khẩu chưa đúng", Common: "review.reason.members"}, household.ByRole(flows.RoleMembers).ID},
		{"a typed reason naming one", office.Verdict{Reason: " thu nhap   chua dung "}, household.ByRole(flows.RoleIncome).ID},
		{"a typed reason naming none", office.Verdict{Reason: "ghi chú chưa rõ"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			c.verdict.Form = sent(t, db, khuoiPai)
			told := 0
			notice := func(s store.Submission) []store.Message {
				told++
				return nil
			}
			s, _, err := (&office.Office{Store: db}).Decide(ctx, reviewerTung, c.verdict, forms, now, notice)
			if err != nil || s.ID != c.verdict.Form || told != 1 {
				t.Fatalf("returned %d (notice built %d times): %v", s.ID, told, err)
			}
			rv, _ := db.ReviewOf(ctx, s.ID)
			back := rv.Returned()
			if rv.State() != store.ReviewReturned || back.Focus != c.focus || back.By != reviewerTung.ID ||
				back.Reason != strings.Join(strings.Fields(c.verdict.Reason), " ") {
				t.Fatalf("the return: %+v, want focus %q", back, c.focus)
			}
		})
	}
}

// A village's waiting forms are approved at once by a reviewer of its area,
// and only a village's; forms of the village's neighbours stay waiting.
func TestApproveAll(t *testing.T) {
	for _, c := range []struct {
		name    string
		actor   store.User
		village string
		cause   error
		key     string
	}{
		{"a village head", headKhuoiPai, khuoiPai, office.ErrNotAllowed, "office.reviewers_only"},
		{"a revoked reviewer", revokedTung, khuoiPai, office.ErrNotAllowed, "office.reviewers_only"},
		{"another ward's village", reviewerXuan, khuoiPai, office.ErrOutside, "office.outside"},
		{"no such village", reviewerTung, "bac-kan/huyen-tung/nowhere", office.ErrOutside, "office.outside"},
		{"a ward", reviewerTung, "bac-kan/huyen-tung", office.ErrVillage, "office.approve_village"},
		{"the reviewer's own area", reviewerTung, "", office.ErrVillage, "office.approve_village"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			o := &office.Office{Store: db}
			sent(t, db, khuoiPai)
			_, err := o.Waiting(ctx, c.actor, c.village)
			refusedFor(t, err, c.cause, c.key)
			n, err := o.ApproveAll(ctx, c.actor, c.village, now)
			refusedFor(t, err, c.cause, c.key)
			if rv, _ := db.ReviewOf(ctx, 1); n != 0 || rv.State() != store.ReviewReceived {
				t.Fatalf("a refused approval approved %d: %+v", n, rv)
			}
		})
	}
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	one, two, neighbour := sent(t, db, khuoiPai), sent(t, db, khuoiPai), sent(t, db, "bac-kan/huyen-tung/ban-cau")
	if _, _, err := o.Decide(ctx, reviewerTung, office.Verdict{Form: two, Approve: true}, nil, now, nil); err != nil {
		t.Fatal(err)
	}
	if waiting, err := o.Waiting(ctx, reviewerTung, khuoiPai); err != nil || len(waiting) != 1 || waiting[0].ID != one {
		t.Fatalf("waiting in the village: %+v, %v", waiting, err)
	}
	if n, err := o.ApproveAll(ctx, reviewerTung, khuoiPai, now); err != nil || n != 1 {
		t.Fatalf("approved %d, %v", n, err)
	}
	for id, want := range map[uint64]string{one: store.ReviewApproved, two: store.ReviewApproved, neighbour: store.ReviewReceived} {
		if rv, _ := db.ReviewOf(ctx, id); rv.State() != want {
			t.Errorf("form %d is %q, want %q", id, rv.State(), want)
		}
	}
	if n, err := o.ApproveAll(ctx, reviewerTung, khuoiPai, now); err != nil || n != 0 {
		t.Fatalf("approved again: %d, %v", n, err)
	}
}
