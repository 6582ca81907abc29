package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows/poverty"
	"sothon/store/counting"
)

// Review states of a submission. Every submission is received; an official
// approves it or returns it with a reason; a returned one is resubmitted
// when its correction arrives. Submissions themselves never change: the
// states are kept beside them, step by step.
const (
	ReviewReceived    = "received"
	ReviewApproved    = "approved"
	ReviewReturned    = "returned"
	ReviewResubmitted = "resubmitted"
	// ReviewSuperseded: a newer form of the same questionnaire for the
	// household came while this one waited (or was returned, and another
	// form corrected it); it stands nowhere and leaves the queue.
	ReviewSuperseded = "superseded"
)

// RoleReviewer checks submissions of an area, without the officials' other
// commands.
const RoleReviewer = "reviewer"

// ReviewStep is one change of a submission's state.
type ReviewStep struct {
	State  string    `json:"state"`
	Reason string    `json:"reason,omitempty"` // why it was returned
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// ReplacedBy is the correction of a resubmitted one.
	ReplacedBy uint64 `json:"replaced_by,omitempty"`
	// Focus is the question a return is about, when the reason names one.
	Focus string `json:"focus,omitempty"`
}

// Review is a submission's way through review; no steps means received.
type Review struct {
	Steps []ReviewStep `json:"steps"`
}

// State is the review state now.
func (r Review) State() string { return r.StateAt(time.Time{}) }

// StateAt is the state at a moment (zero: now).
func (r Review) StateAt(at time.Time) string {
	state := ReviewReceived
	for _, s := range r.Steps {
		if !at.IsZero() && s.At.After(at) {
			break
		}
		state = s.State
	}
	return state
}

// Returned is the step that returned the submission, if one did.
func (r Review) Returned() ReviewStep {
	for _, s := range slices.Backward(r.Steps) {
		if s.State == ReviewReturned {
			return s
		}
	}
	return ReviewStep{}
}

// Last is the latest step, or a zero step for a submission only received.
func (r Review) Last() ReviewStep {
	if len(r.Steps) == 0 {
		return ReviewStep{State: ReviewReceived}
	}
	return r.Steps[len(r.Steps)-1]
}

// Review errors.
var (
	ErrNotPending  = errors.New("store: that submission is not waiting for review")
	ErrNoReason    = errors.New("store: a returned submission needs a reason")
	ErrNotReturned = errors.New("store: only a returned submission can be corrected")
)

// Decision is an official's word on a waiting submission.
type Decision struct {
	Submission uint64
	Approve    bool
	Reason     string // for a return
	Focus      string // the question the return is about, if one
	By         string
	At         time.Time
	// AwaitUser's next typed answer goes to AwaitQuestion (the head's
	// "fix this form" on a channel without buttons); "" for none.
	AwaitUser, AwaitQuestion string
}

// Decide approves or returns a waiting submission, with its audit entry.
// Replies, when set, are queued in the same commit (the word to the head).
func (db *DB) Decide(ctx context.Context, d Decision, replies func(Submission) []Message) (Submission, []Message, error) {
	var s Submission
	var queued []Message
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(d.Submission), &s); err != nil {
			return err
		}
		rv, err := reviewOf(tx, s.ID)
		if err != nil {
			return err
		}
		if rv.State() != ReviewReceived {
			return ErrNotPending
		}
		step := ReviewStep{State: ReviewApproved, By: d.By, At: d.At}
		if !d.Approve {
			if d.Reason == "" {
				return ErrNoReason
			}
			step.State, step.Reason, step.Focus = ReviewReturned, d.Reason, d.Focus
		}
		if err := setReview(tx, s, rv, step); err != nil {
			return err
		}
		if err := restandID(tx, s.HouseholdID); err != nil {
			return err
		}
		if replies != nil {
			if queued, err = enqueue(tx, replies(s), d.At); err != nil {
				return err
			}
		}
		if err := setAwaiting(tx, d.AwaitUser, d.AwaitQuestion); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: d.At, Actor: d.By, Action: "review_" + step.State,
			Detail: fmt.Sprintf("%d %s", s.ID, step.Reason)}})
	})
	if err != nil {
		return Submission{}, nil, fmt.Errorf("store: review %d: %w", d.Submission, err)
	}
	return s, queued, nil
}

func approvedContribution(household, status string) counting.Contribution {
	var names []string
	if status != "" {
		names = []string{counting.ApprovedStatusCounter(poverty.Class(status))}
	}
	return counting.Contribution{Kind: "approved", Key: household, Names: names}
}

func setAwaiting(tx *bolt.Tx, userID, question string) error {
	if userID == "" {
		return nil
	}
	var u User
	if err := getUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
		return err
	}
	u.Awaiting = question
	return putUser(tx.Bucket(bucketUsers), []byte(userID), &u)
}

// ReturnedIn lists the returned submissions of a village not corrected yet,
// oldest first: what its head has to fix. It reads their index, not the
// village's submissions.
func (db *DB) ReturnedIn(ctx context.Context, areaID string) ([]Submission, error) {
	var out []Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketReturned).Cursor()
		prefix := []byte(areaID + "\x00")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var s Submission
			if err := getJSON(tx.Bucket(bucketSubmissions), k[len(k)-8:], &s); err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// ReviewOf is a submission's review.
func (db *DB) ReviewOf(ctx context.Context, id uint64) (Review, error) {
	var rv Review
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		rv, err = reviewOf(tx, id)
		return err
	})
	return rv, err
}

// NextPending is the oldest submission of an area (and below) waiting for
// review, after the one given (0: from the start); ErrNotFound when none
// is left. It reads the queue's index, not the submissions.
func (db *DB) NextPending(ctx context.Context, areaID string, after uint64) (Submission, int, error) {
	var s Submission
	waiting := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var found []byte
		passed := after == 0
		c := tx.Bucket(bucketPending).Cursor()
		for _, prefix := range [][]byte{[]byte(areaID + "\x00"), []byte(areaID + "/")} {
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				waiting++
				id := k[len(k)-8:]
				if found == nil && passed {
					found = bytes.Clone(id)
				}
				passed = passed || binary.BigEndian.Uint64(id) == after
			}
		}
		if found == nil {
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bucketSubmissions), found, &s)
	})
	return s, waiting, err
}

// PendingIn lists the waiting submissions of an area (and below), oldest
// first, up to limit.
func (db *DB) PendingIn(ctx context.Context, areaID string, limit int) ([]Submission, error) {
	var out []Submission
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPending).Cursor()
		for _, prefix := range [][]byte{[]byte(areaID + "\x00"), []byte(areaID + "/")} {
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
				var s Submission
				if err := getJSON(tx.Bucket(bucketSubmissions), k[len(k)-8:], &s); err != nil {
					return err
				}
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}

func reviewOf(tx *bolt.Tx, id uint64) (Review, error) {
	var rv Review
	if err := getJSON(tx.Bucket(bucketReviews), seqKey(id), &rv); err != nil && !errors.Is(err, ErrNotFound) {
		return Review{}, err
	}
	return rv, nil
}

// setReview adds a step to a submission's review and moves its count: out
// of the queue once decided.
func setReview(tx *bolt.Tx, s Submission, rv Review, step ReviewStep) error {
	rv.Steps = append(rv.Steps, step)
	if err := putJSON(tx.Bucket(bucketReviews), seqKey(s.ID), rv); err != nil {
		return err
	}
	key := subAreaKey(s.AreaID, s.SubmittedAt, s.ID)
	if err := tx.Bucket(bucketPending).Delete(key); err != nil {
		return err
	}
	returned := tx.Bucket(bucketReturned).Delete
	if step.State == ReviewReturned {
		returned = func(k []byte) error { return tx.Bucket(bucketReturned).Put(k, nil) }
	}
	if err := returned(key); err != nil {
		return err
	}
	return setContribution(tx, s.AreaID, reviewContribution(s.ID, rv))
}

// setState is setReview for a form by id, with its audit entry.
func setState(tx *bolt.Tx, id uint64, step ReviewStep) error {
	var s Submission
	if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(id), &s); err != nil {
		return err
	}
	rv, err := reviewOf(tx, id)
	if err != nil {
		return err
	}
	if err := setReview(tx, s, rv, step); err != nil {
		return err
	}
	return appendAudit(tx, []AuditEntry{{At: step.At, Actor: step.By, Action: "review_" + step.State,
		Detail: fmt.Sprintf("%d → %d", id, step.ReplacedBy)}})
}

// reviewContribution counts a form in its review state, in its village.
func reviewContribution(id uint64, rv Review) counting.Contribution {
	return counting.Contribution{Kind: "review", Key: strconv.FormatUint(id, 10), Names: []string{counting.ReviewCounter(rv.State())}}
}

// receive puts a new submission in the queue; a correction marks the
// returned one it replaces as resubmitted.
func receive(tx *bolt.Tx, s *Submission) error {
	if err := tx.Bucket(bucketPending).Put(subAreaKey(s.AreaID, s.SubmittedAt, s.ID), nil); err != nil {
		return err
	}
	if err := setContribution(tx, s.AreaID, reviewContribution(s.ID, Review{})); err != nil {
		return err
	}
	if s.Replaces == 0 {
		return nil
	}
	var old Submission
	if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(s.Replaces), &old); err != nil {
		return fmt.Errorf("%w: %d", ErrNotReturned, s.Replaces)
	}
	rv, err := reviewOf(tx, old.ID)
	if err != nil {
		return err
	}
	if rv.State() != ReviewReturned {
		return fmt.Errorf("%w: %d", ErrNotReturned, old.ID)
	}
	return setState(tx, old.ID, ReviewStep{State: ReviewResubmitted, By: s.SubmittedBy, At: s.SubmittedAt, ReplacedBy: s.ID})
}
