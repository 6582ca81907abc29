package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/tree"
)

// Reviewers are the roles that may check the forms of their area.
var Reviewers = []string{store.RoleReviewer, store.RoleOfficial, store.RoleAdmin}

// ReasonKeys are the common reasons for returning a form, as locale keys:
// the chat offers them as options; any other is typed.
var ReasonKeys = []string{"review.reason.income", "review.reason.indicators", "review.reason.members", "review.reason.household"}

// reasonFocus is the question a common reason is about, by the role it
// plays in the form: the correction reopens there.
var reasonFocus = map[string]string{"review.reason.income": flows.RoleIncome, "review.reason.members": flows.RoleMembers}

// MaxApproveAll bounds the forms one bulk approval decides: a village's list.
const MaxApproveAll = 1000

// ErrNoReason: a form is returned without a reason its village can act on
// (3 to 300 characters).
var ErrNoReason = errors.New("office: a return needs a reason")

// reviewer refuses an actor who may not review forms.
func reviewer(actor store.User) error {
	if !mayReview(actor) {
		return refuse(ErrNotAllowed, "office.reviewers_only")
	}
	return nil
}

// mayReview tells an actor who reviews forms, and so has the lists they
// make.
func mayReview(actor store.User) bool {
	return !actor.Revoked && slices.Contains(Reviewers, actor.Role)
}

// Next is the oldest form of an area of the reviewer's ("" for their own)
// waiting for a decision after one (0: the first), and how many wait; an
// error matching store.ErrNotFound when none waits.
func (o *Office) Next(ctx context.Context, actor store.User, areaID string, after uint64) (store.Submission, int, error) {
	if err := reviewer(actor); err != nil {
		return store.Submission{}, 0, err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return store.Submission{}, 0, err
	}
	s, waiting, err := o.Store.NextPending(ctx, area.ID, after)
	if err != nil {
		return store.Submission{}, 0, fmt.Errorf("office: next form: %w", err)
	}
	return s, waiting, nil
}

// Form is a form the reviewer may decide: one of their area's. Another
// area's is said to be gone, as one that is not there.
func (o *Office) Form(ctx context.Context, actor store.User, id uint64) (store.Submission, error) {
	if err := reviewer(actor); err != nil {
		return store.Submission{}, err
	}
	s, err := o.Store.Submission(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !tree.Within(s.AreaID, actor.AreaID)):
		return store.Submission{}, refuse(ErrOutside, "review.gone")
	case err != nil:
		return store.Submission{}, fmt.Errorf("office: form %d: %w", id, err)
	}
	return s, nil
}

// Verdict is a reviewer's decision on a form.
type Verdict struct {
	Form    uint64
	Approve bool
	// Reason says why a form is returned: typed, or a common reason's text.
	Reason string
	// Common is the common reason picked (a key of ReasonKeys), or "": a
	// typed reason that names one is taken as it.
	Common string
	// AwaitUser answers AwaitQuestion to correct the returned form (the
	// village's head and the chat's question), when there is one.
	AwaitUser, AwaitQuestion string
}

// Decide approves or returns a form of the reviewer's area that waits for a
// decision. A return reopens, for the correction, at the question its
// reason is about (when forms is given and the reason names one); notice
// gives the messages to queue with the decision, as store.Decide takes it.
func (o *Office) Decide(ctx context.Context, actor store.User, v Verdict, forms *flows.Set, at time.Time,
	notice func(store.Submission) []store.Message) (store.Submission, []store.Message, error) {
	s, err := o.Form(ctx, actor, v.Form)
	if err != nil {
		return store.Submission{}, nil, err
	}
	d := store.Decision{Submission: s.ID, Approve: v.Approve, By: actor.ID, At: at}
	if !v.Approve {
		d.Reason = strings.Join(strings.Fields(v.Reason), " ")
		if n := len([]rune(d.Reason)); n < 3 || n > 300 {
			return store.Submission{}, nil, refuse(ErrNoReason, "review.why_again")
		}
		key := v.Common
		if key == "" {
			key = reasonNamed(d.Reason)
		}
		d.Focus = focusOf(forms, s.Form, key)
		d.AwaitUser, d.AwaitQuestion = v.AwaitUser, v.AwaitQuestion
	}
	s, queued, err := o.Store.Decide(ctx, d, notice)
	switch {
	case errors.Is(err, store.ErrNotPending):
		return store.Submission{}, nil, refuse(err, "review.decided_already", "id", v.Form)
	case err != nil:
		return store.Submission{}, nil, fmt.Errorf("office: decide: %w", err)
	}
	return s, queued, nil
}

// focusOf is the question of a form a common reason is about, or "".
func focusOf(forms *flows.Set, formID, reasonKey string) string {
	if forms == nil || reasonFocus[reasonKey] == "" {
		return ""
	}
	if form := forms.Form(formID); form != nil {
		if q := form.ByRole(reasonFocus[reasonKey]); q != nil {
			return q.ID
		}
	}
	return ""
}

// Waiting are the forms of a village of the reviewer's waiting for a
// decision, at most MaxApproveAll: what ApproveAll would approve.
func (o *Office) Waiting(ctx context.Context, actor store.User, village string) ([]store.Submission, error) {
	area, err := o.village(ctx, actor, village, mayReview(actor), "office.reviewers_only", "office.approve_village")
	if err != nil {
		return nil, err
	}
	pending, err := o.Store.PendingIn(ctx, area.ID, MaxApproveAll)
	if err != nil {
		return nil, fmt.Errorf("office: waiting: %w", err)
	}
	return pending, nil
}

// ApproveAll approves every waiting form of a village of the reviewer's at
// once (its list checked on paper, say) and counts them; a form decided
// meanwhile by someone else is left as it is.
func (o *Office) ApproveAll(ctx context.Context, actor store.User, village string, at time.Time) (int, error) {
	pending, err := o.Waiting(ctx, actor, village)
	if err != nil {
		return 0, err
	}
	approved := 0
	for _, s := range pending {
		_, _, err := o.Store.Decide(ctx, store.Decision{Submission: s.ID, Approve: true, By: actor.ID, At: at}, nil)
		switch {
		case errors.Is(err, store.ErrNotPending):
		case err != nil:
			return approved, fmt.Errorf("office: approve all: %w", err)
		default:
			approved++
		}
	}
	return approved, nil
}

// village is a village within the actor's area, for an action the actor
// may take (else refused with notAllowed); another kind of area is refused
// with notVillage.
func (o *Office) village(ctx context.Context, actor store.User, id string, may bool, notAllowed, notVillage string) (tree.Area, error) {
	if !may {
		return tree.Area{}, refuse(ErrNotAllowed, notAllowed)
	}
	area, err := o.areaOf(ctx, actor, id)
	if err != nil {
		return tree.Area{}, err
	}
	if area.Kind != tree.Village {
		return tree.Area{}, refuse(ErrVillage, notVillage)
	}
	return area, nil
}
