package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sothon/locales"
	"sothon/store"
	"sothon/tree"
)

// The posting (niêm yết) of a village's lists after its meeting: the
// commune records its first day; it lasts the working days of the setting
// store.SettingPostingDays; a complaint made meanwhile sends the household
// back for review. The list is final once the window is over with no
// complaint open: a state read from the day, not a timer.

// Causes of refusals of postings and complaints, beside the store's.
var (
	ErrPostingBad   = errors.New("office: a posting needs its first day")
	ErrComplaintBad = errors.New("office: a complaint needs who makes it and what it says")
	ErrWindowClosed = errors.New("office: the posting's window is not open")
)

// PostingEntry is a village's posting the commune records.
type PostingEntry struct {
	Village string
	Round   uint64 // 0: the open round holding the village
	Start   string // YYYY-MM-DD, the first day the lists are up
}

// ComplaintEntry is a complaint about a household during a posting.
type ComplaintEntry struct {
	Village   string
	Round     uint64 // 0: the open round holding the village
	Household string
	From      string // who complains
	Text      string // what
}

// ComplaintView is a complaint with its outcome: open until the household
// has a form approved after the one the complaint sent back.
type ComplaintView struct {
	store.Complaint
	Open bool
	// Outcome is the household's decision in the round now that it was
	// reviewed again (zero while open).
	Outcome store.Outcome
}

// RecordPosting records when a village's lists went up, once its meeting
// was held: a reviewer, official or admin above the village.
func (o *Office) RecordPosting(ctx context.Context, actor store.User, req PostingEntry, at time.Time) (store.Posting, error) {
	village, err := o.villageActor(ctx, actor, req.Village, false, "office.posting_not_allowed")
	if err != nil {
		return store.Posting{}, err
	}
	round, err := o.openRoundOf(ctx, village, req.Round)
	if err != nil {
		return store.Posting{}, err
	}
	start, err := time.Parse(time.DateOnly, strings.TrimSpace(req.Start))
	if err != nil {
		return store.Posting{}, refuse(ErrPostingBad, "office.posting_bad")
	}
	days, holidays, err := o.postingCalendar(ctx)
	if err != nil {
		return store.Posting{}, fmt.Errorf("office: posting: %w", err)
	}
	p := store.Posting{Round: round.ID, AreaID: village.ID, Start: start.Format(time.DateOnly), Days: days,
		End: PostingEnd(start, days, holidays).Format(time.DateOnly), By: actor.ID, At: at}
	p, err = o.Store.RecordPosting(ctx, p)
	switch {
	case errors.Is(err, store.ErrMeetingNotHeld):
		return store.Posting{}, refuse(err, "office.posting_no_meeting")
	case errors.Is(err, store.ErrPosted):
		old, _ := o.Store.PostingOf(ctx, round.ID, village.ID)
		return store.Posting{}, refuse(err, "office.posting_exists", "start", dayMonthYear(old.Start))
	case err != nil:
		return store.Posting{}, fmt.Errorf("office: posting: %w", err)
	}
	return p, nil
}

// AddComplaint enters a complaint about a household on a posted village's
// lists, on a day of its window: its head, or a reviewer, official or
// admin above it. The household's approved form in the round goes back for
// review with the complaint as its reason.
func (o *Office) AddComplaint(ctx context.Context, actor store.User, req ComplaintEntry, at time.Time) (store.Complaint, error) {
	village, err := o.villageActor(ctx, actor, req.Village, true, "office.complaint_not_allowed")
	if err != nil {
		return store.Complaint{}, err
	}
	round, err := o.openRoundOf(ctx, village, req.Round)
	if err != nil {
		return store.Complaint{}, err
	}
	c := store.Complaint{Household: req.Household, From: clean(req.From), Text: clean(req.Text), Day: at.Format(time.DateOnly), By: actor.ID, At: at}
	if n := utf8.RuneCountInString(c.Text); !nameOK(c.From) || n < 3 || n > 300 {
		return store.Complaint{}, refuse(ErrComplaintBad, "office.complaint_bad")
	}
	p, err := o.Store.PostingOf(ctx, round.ID, village.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Complaint{}, refuse(store.ErrNotPosted, "office.complaint_not_posted")
	case err != nil:
		return store.Complaint{}, fmt.Errorf("office: complaint: %w", err)
	}
	if !p.Open(c.Day) {
		return store.Complaint{}, refuse(ErrWindowClosed, "office.complaint_window", "start", dayMonthYear(p.Start), "end", dayMonthYear(p.End))
	}
	form, class, err := o.approvedIn(ctx, round, village, req.Household)
	if err != nil {
		return store.Complaint{}, err
	}
	c.Form, c.Class = form, class
	reason := english().T(cmp.Or(actor.Lang, locales.Default), "office.complaint_reason", "from", c.From, "text", c.Text)
	if _, err := o.Store.AddComplaint(ctx, round.ID, village.ID, c, reason); err != nil {
		switch {
		case errors.Is(err, store.ErrNotApproved):
			return store.Complaint{}, refuse(err, "office.complaint_not_approved")
		case errors.Is(err, store.ErrNotPosted):
			return store.Complaint{}, refuse(err, "office.complaint_not_posted")
		}
		return store.Complaint{}, fmt.Errorf("office: complaint: %w", err)
	}
	return c, nil
}

// approvedIn is the approved form a household of a village stands at in a
// round, refused when it has none there.
func (o *Office) approvedIn(ctx context.Context, round store.Round, village tree.Area, household string) (uint64, string, error) {
	st, err := o.Store.HouseholdStanding(ctx, household)
	if errors.Is(err, store.ErrNotFound) {
		return 0, "", refuse(store.ErrNotApproved, "office.complaint_not_approved")
	}
	if err != nil {
		return 0, "", fmt.Errorf("office: household %s: %w", household, err)
	}
	rs, ok := st.In(round.ID)
	if !ok || rs.Area != village.ID || rs.Approved.Decision.Form == 0 {
		return 0, "", refuse(store.ErrNotApproved, "office.complaint_not_approved")
	}
	return rs.Approved.Decision.Form, rs.Approved.Decision.Class, nil
}

// Posting is a village's posting with its complaints and their outcomes;
// an error matching store.ErrNotFound when the lists were not posted.
func (o *Office) Posting(ctx context.Context, actor store.User, village string, round uint64) (store.Posting, []ComplaintView, error) {
	area, err := o.villageActor(ctx, actor, village, true, "office.complaint_not_allowed")
	if err != nil {
		return store.Posting{}, nil, err
	}
	r, err := o.roundOf(ctx, area.ID, round)
	if err != nil {
		return store.Posting{}, nil, err
	}
	p, err := o.Store.PostingOf(ctx, r.ID, area.ID)
	if err != nil {
		return store.Posting{}, nil, fmt.Errorf("office: posting: %w", err)
	}
	views, err := complaintViews(ctx, o.Store, p)
	return p, views, err
}

// complaintViews gives each complaint of a posting its outcome.
func complaintViews(ctx context.Context, db *store.DB, p store.Posting) ([]ComplaintView, error) {
	var out []ComplaintView
	for _, c := range p.Complaints {
		st, err := db.HouseholdStanding(ctx, c.Household)
		if err != nil {
			return nil, fmt.Errorf("office: complaint about %s: %w", c.Household, err)
		}
		v := ComplaintView{Complaint: c, Open: true}
		if rs, ok := st.In(p.Round); ok && rs.Approved.Decision.Form > c.Form {
			v.Open, v.Outcome = false, rs.Approved.Decision
		}
		out = append(out, v)
	}
	return out, nil
}
