package office

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sothon/store"
	"sothon/tree"
)

// A regular review (thường xuyên) starts from a household's request: the
// head enters it (or the commune does); the household's form is filled and
// reviewed as any other; the commune answers within store.RequestDueDays,
// with a reminder due from store.RequestRemindDays. A request's state
// follows its household's latest form since the request.

// Causes of refusals of requests.
var (
	ErrRequestBad = errors.New("office: a request needs a household, a reason and a day")
	ErrAnswerBad  = errors.New("office: an answer needs its text")
)

// States of a request, from its household's latest form since it was made.
const (
	RequestNoForm       = "no_form"       // no form filled since
	RequestFormPending  = "form_pending"  // the form waits for review
	RequestFormReturned = "form_returned" // the form was returned and not corrected
	RequestFormApproved = "form_approved" // approved: the commune's answer is due
	RequestAnswered     = "answered"
)

// RequestEntry is a household's request the head enters.
type RequestEntry struct {
	Village   string
	Household string
	Reason    string
	Day       string // YYYY-MM-DD the household asked; "" for today
}

// RequestRow is a request with its state on a day.
type RequestRow struct {
	store.ReviewRequest
	State     string
	Form      uint64 // the household's latest form since the request, 0 for none
	RemindDue bool   // open, from its reminder day to its due day
	Late      bool   // open past its due day, or answered after it
}

// AddRequest enters a household's request for a regular review: the
// village's head, or a reviewer, official or admin above it. A household
// has one request open at a time.
func (o *Office) AddRequest(ctx context.Context, actor store.User, req RequestEntry, at time.Time) (store.ReviewRequest, error) {
	village, err := o.villageActor(ctx, actor, req.Village, true, "office.request_not_allowed")
	if err != nil {
		return store.ReviewRequest{}, err
	}
	r := store.ReviewRequest{AreaID: village.ID, Household: req.Household, Reason: clean(req.Reason),
		Day: strings.TrimSpace(req.Day), By: actor.ID, At: at}
	today := at.Format(time.DateOnly)
	if r.Day == "" {
		r.Day = today
	}
	if _, err := time.Parse(time.DateOnly, r.Day); err != nil || r.Day > today || !reasonOK(r.Reason) {
		return store.ReviewRequest{}, refuse(ErrRequestBad, "office.request_bad")
	}
	r, err = o.Store.AddRequest(ctx, r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.ReviewRequest{}, refuse(err, "office.request_household")
	case errors.Is(err, store.ErrRequestOpen):
		return store.ReviewRequest{}, refuse(err, "office.request_open")
	case err != nil:
		return store.ReviewRequest{}, fmt.Errorf("office: request: %w", err)
	}
	return r, nil
}

// reasonOK tells whether typed text is a reason: 3 to 300 characters.
func reasonOK(s string) bool { n := utf8.RuneCountInString(s); return n >= 3 && n <= 300 }

// AnswerRequest closes a request of the reviewer's area with the commune's
// answer, and tells the village's heads in the same commit, each in their
// language on each of their chats: the request came from them. It returns
// the messages queued, for the caller to wake the senders.
func (o *Office) AnswerRequest(ctx context.Context, actor store.User, id uint64, answer string, at time.Time) (store.ReviewRequest, []store.Message, error) {
	if err := reviewer(actor); err != nil {
		return store.ReviewRequest{}, nil, err
	}
	r, err := o.Store.Request(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !tree.Within(r.AreaID, actor.AreaID)):
		return store.ReviewRequest{}, nil, refuse(ErrOutside, "office.request_gone", "id", id)
	case err != nil:
		return store.ReviewRequest{}, nil, fmt.Errorf("office: request %d: %w", id, err)
	}
	answer = clean(answer)
	if !reasonOK(answer) {
		return store.ReviewRequest{}, nil, refuse(ErrAnswerBad, "office.request_answer_bad")
	}
	notice, err := o.answerNotice(ctx, r, answer)
	if err != nil {
		return store.ReviewRequest{}, nil, err
	}
	r, queued, err := o.Store.AnswerRequest(ctx, id, answer, actor.ID, at, notice)
	switch {
	case errors.Is(err, store.ErrAnswered):
		return store.ReviewRequest{}, nil, refuse(err, "office.request_answered", "id", id)
	case err != nil:
		return store.ReviewRequest{}, nil, fmt.Errorf("office: answer request %d: %w", id, err)
	}
	return r, queued, nil
}

// answerNotice is the word to a village's heads that the commune answered
// a request: read before the commit, so that the commit only writes it.
func (o *Office) answerNotice(ctx context.Context, r store.ReviewRequest, answer string) (func(store.ReviewRequest) []store.Message, error) {
	users, err := o.Store.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("office: heads of %s: %w", r.AreaID, err)
	}
	household := r.Household
	if hh, err := o.Store.Household(ctx, r.Household); err == nil && hh.HeadName != "" {
		household = hh.HeadName
	}
	cat := english() // the whole catalogue: every language
	var msgs []store.Message
	for _, u := range users {
		if u.Role != store.RoleHead || u.AreaID != r.AreaID || u.Revoked {
			continue
		}
		ids, err := o.Store.IdentitiesOf(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("office: chats of %s: %w", u.ID, err)
		}
		text := cat.T(u.Lang, "yeucau.answered", "id", r.ID, "household", household, "answer", answer)
		for _, id := range ids {
			msgs = append(msgs, store.Message{Channel: id.Channel, ChatID: id.ChatID, Text: text})
		}
	}
	return func(store.ReviewRequest) []store.Message { return msgs }, nil
}

// RequestFilter picks requests by their state on a day.
type RequestFilter int

// Filters of Requests.
const (
	AllRequests      RequestFilter = iota // open and answered
	OpenRequests                          // waiting for their answer
	RequestsToRemind                      // open, due a reminder
	LateRequests                          // open, past their due day
)

// Requests lists the requests of an area of the actor's ("" for their
// own) that a filter keeps on the day of today, oldest first: heads see
// their village's, reviewers, officials and admins their area's.
func (o *Office) Requests(ctx context.Context, actor store.User, areaID string, which RequestFilter, today time.Time) ([]RequestRow, error) {
	if actor.Revoked || !(mayReview(actor) || actor.Role == store.RoleHead) {
		return nil, refuse(ErrNotAllowed, "office.request_not_allowed")
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return nil, err
	}
	return RequestsOf(ctx, o.Store, area.ID, which, today)
}

// RequestsOf is Requests without an actor, for the digest and reminders.
func RequestsOf(ctx context.Context, db *store.DB, areaID string, which RequestFilter, today time.Time) ([]RequestRow, error) {
	all, err := db.Requests(ctx, areaID)
	if err != nil {
		return nil, fmt.Errorf("office: requests: %w", err)
	}
	day := today.Format(time.DateOnly)
	var out []RequestRow
	for _, r := range all {
		row := RequestRow{ReviewRequest: r, RemindDue: r.RemindDue(day), Late: r.Late(day)}
		keep := which == AllRequests || (r.IsOpen() && (which == OpenRequests ||
			(which == RequestsToRemind && row.RemindDue) || (which == LateRequests && row.Late)))
		if !keep {
			continue
		}
		if row.State, row.Form, err = requestState(ctx, db, r); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// requestState is a request's state from its household's latest form
// since it was made.
func requestState(ctx context.Context, db *store.DB, r store.ReviewRequest) (string, uint64, error) {
	f, ok, err := db.LatestFormSince(ctx, r.Household, r.Since())
	if err != nil {
		return "", 0, fmt.Errorf("office: request %d: %w", r.ID, err)
	}
	var form uint64
	if ok {
		form = f.ID
	}
	switch {
	case !r.IsOpen():
		return RequestAnswered, form, nil
	case !ok:
		return RequestNoForm, 0, nil
	}
	switch f.Review.State() {
	case store.ReviewApproved:
		return RequestFormApproved, form, nil
	case store.ReviewReturned, store.ReviewResubmitted:
		return RequestFormReturned, form, nil
	}
	return RequestFormPending, form, nil
}
