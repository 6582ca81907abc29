package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A regular review (thường xuyên, QĐ 24/2021/QĐ-TTg) starts from a
// household's request between rounds: the head enters it, the household's
// form is filled and reviewed as any other, and the commune answers
// within RequestDueDays.

// Days of a regular review request, counted in calendar days from its day.
const (
	RequestRemindDays = 10 // from this day on, a reminder is due
	RequestDueDays    = 15 // the answer is due by this day; later is late
)

// ReviewRequest is a household's request for a regular review.
type ReviewRequest struct {
	ID        uint64    `json:"id"`
	AreaID    string    `json:"area_id"` // the household's village
	Household string    `json:"household"`
	Reason    string    `json:"reason"`
	Day       string    `json:"day"` // YYYY-MM-DD, the day it was made
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	// The commune's answer closes it.
	Answer     string    `json:"answer,omitempty"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	Answered   time.Time `json:"answered,omitzero"`
	// Form is the household's form the answer found, with its review
	// state then and the class it gave (0 when none was filled).
	Form      uint64 `json:"form,omitempty"`
	FormState string `json:"form_state,omitempty"`
	Class     string `json:"class,omitempty"`
}

// IsOpen tells whether the request waits for its answer.
func (r ReviewRequest) IsOpen() bool { return r.Answered.IsZero() }

// Since is when the request's forms count from: the start of its day, in
// the time zone it was entered in.
func (r ReviewRequest) Since() time.Time {
	d, err := time.ParseInLocation(time.DateOnly, r.Day, r.At.Location())
	if err != nil || d.After(r.At) {
		return r.At
	}
	return d
}

// day is the request's day, or the zero time when it cannot be read.
func (r ReviewRequest) day() time.Time {
	d, _ := time.Parse(time.DateOnly, r.Day)
	return d
}

// RemindOn is the day (YYYY-MM-DD) from which a reminder is due.
func (r ReviewRequest) RemindOn() string {
	return r.day().AddDate(0, 0, RequestRemindDays).Format(time.DateOnly)
}

// DueOn is the last day (YYYY-MM-DD) of the answer's time.
func (r ReviewRequest) DueOn() string {
	return r.day().AddDate(0, 0, RequestDueDays).Format(time.DateOnly)
}

// RemindDue tells whether an open request is due a reminder on a day
// (YYYY-MM-DD): from RemindOn to DueOn.
func (r ReviewRequest) RemindDue(day string) bool {
	return r.IsOpen() && day >= r.RemindOn() && day <= r.DueOn()
}

// Late tells whether an open request is past its due day on a day, or an
// answered one was answered after it.
func (r ReviewRequest) Late(day string) bool {
	if !r.IsOpen() {
		return r.Answered.Format(time.DateOnly) > r.DueOn()
	}
	return day > r.DueOn()
}

// Request errors.
var (
	ErrRequestOpen = errors.New("store: the household has a request waiting for its answer")
	ErrAnswered    = errors.New("store: the request was answered already")
)

// AddRequest stores a household's request, given an id; a household has
// at most one request open. The household must be in the request's village.
func (db *DB) AddRequest(ctx context.Context, r ReviewRequest) (ReviewRequest, error) {
	r.Answer, r.AnsweredBy, r.Answered, r.Form, r.FormState, r.Class = "", "", time.Time{}, 0, "", ""
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var hh Household
		if err := getHousehold(tx.Bucket(bucketHouseholds), []byte(r.Household), &hh); err != nil {
			return err
		}
		if hh.AreaID != r.AreaID {
			return ErrNotFound
		}
		b := tx.Bucket(bucketRequests)
		err := b.ForEach(func(_, v []byte) error {
			var old ReviewRequest
			if err := json.Unmarshal(v, &old); err != nil {
				return err
			}
			if old.Household == r.Household && old.IsOpen() {
				return fmt.Errorf("%w (%d)", ErrRequestOpen, old.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if r.ID, err = b.NextSequence(); err != nil {
			return err
		}
		if err := putJSON(b, seqKey(r.ID), r); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: r.At, Actor: r.By, Action: "request_add",
			Detail: fmt.Sprintf("%d household %s day %s: %s", r.ID, r.Household, r.Day, r.Reason)}})
	})
	if err != nil {
		return ReviewRequest{}, fmt.Errorf("store: review request: %w", err)
	}
	return r, nil
}

// AnswerRequest closes an open request with the commune's answer, noting
// the household's latest form since the request and its review state, and
// queues, in the same commit, the messages notice gives for it (the word
// to the village's head); it returns them as queued.
func (db *DB) AnswerRequest(ctx context.Context, id uint64, answer, by string, at time.Time, notice func(ReviewRequest) []Message) (ReviewRequest, []Message, error) {
	var r ReviewRequest
	var queued []Message
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketRequests), seqKey(id), &r); err != nil {
			return err
		}
		if !r.IsOpen() {
			return ErrAnswered
		}
		f, ok, err := latestFormSince(tx, r.Household, r.Since())
		if err != nil {
			return err
		}
		if ok {
			r.Form, r.FormState, r.Class = f.ID, f.Review.State(), f.Class
		}
		r.Answer, r.AnsweredBy, r.Answered = answer, by, at
		if err := putJSON(tx.Bucket(bucketRequests), seqKey(id), r); err != nil {
			return err
		}
		if notice != nil {
			if queued, err = enqueue(tx, notice(r), at); err != nil {
				return err
			}
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "request_answer",
			Detail: fmt.Sprintf("%d household %s: %s", id, r.Household, answer)}})
	})
	if err != nil {
		return ReviewRequest{}, nil, fmt.Errorf("store: answer request %d: %w", id, err)
	}
	return r, queued, nil
}

// Request loads one request.
func (db *DB) Request(ctx context.Context, id uint64) (ReviewRequest, error) {
	var r ReviewRequest
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketRequests), seqKey(id), &r) })
	if err != nil {
		return ReviewRequest{}, fmt.Errorf("store: request %d: %w", id, err)
	}
	return r, nil
}

// Requests lists the requests of an area's villages, open and answered,
// oldest first.
func (db *DB) Requests(ctx context.Context, areaID string) ([]ReviewRequest, error) {
	var out []ReviewRequest
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRequests).ForEach(func(_, v []byte) error {
			var r ReviewRequest
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.AreaID == areaID || bytes.HasPrefix([]byte(r.AreaID), []byte(areaID+"/")) {
				out = append(out, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: requests of %s: %w", areaID, err)
	}
	return out, nil
}

// FormSince is a household's form with its review.
type FormSince struct {
	Submission
	Review Review
}

// LatestFormSince is the household's latest form that classifies it,
// submitted at or after a moment, with its review; ok is false when none.
func (db *DB) LatestFormSince(ctx context.Context, household string, since time.Time) (f FormSince, ok bool, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		c, found, err := latestFormSince(tx, household, since)
		if err != nil || !found {
			return err
		}
		ok = true
		if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(c.ID), &f.Submission); err != nil {
			return err
		}
		f.Review = c.Review
		return nil
	})
	if err != nil {
		return FormSince{}, false, fmt.Errorf("store: forms of %s: %w", household, err)
	}
	return f, ok, nil
}

func latestFormSince(tx *bolt.Tx, household string, since time.Time) (classified, bool, error) {
	forms, err := formsOf(tx, household)
	if err != nil {
		return classified{}, false, err
	}
	for i := len(forms) - 1; i >= 0; i-- {
		if !forms[i].SubmittedAt.Before(since) {
			return forms[i], true, nil
		}
	}
	return classified{}, false, nil
}
