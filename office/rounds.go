package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// RoundOpening is a round an admin asks to open.
type RoundOpening struct {
	Name, From, To string // dates YYYY-MM-DD
	Kind           string // store.RoundAnnual or store.RoundRegular; "" is regular
	AreaID         string // "" for the actor's own area
}

// OpenRound opens a review round. An admin opens one for their own area or
// any area below it that is not a village: a round is a commune's, a
// ward's or a whole tree's work, and its villages answer in it.
func (o *Office) OpenRound(ctx context.Context, actor store.User, req RoundOpening, at time.Time) (store.Round, error) {
	if err := admin(actor); err != nil {
		return store.Round{}, err
	}
	area, err := o.areaOf(ctx, actor, req.AreaID)
	if err != nil {
		return store.Round{}, err
	}
	if area.Kind == tree.Village {
		return store.Round{}, refuse(ErrVillage, "office.round_village")
	}
	r, err := o.Store.OpenRound(ctx, store.Round{Name: req.Name, From: req.From, To: req.To, Kind: req.Kind,
		AreaID: area.ID, Opened: at, OpenedBy: actor.ID})
	switch {
	case errors.Is(err, store.ErrRoundBad):
		return store.Round{}, refuse(err, "office.round_bad")
	case errors.Is(err, store.ErrRoundOpen):
		return store.Round{}, refuse(err, "office.round_open")
	case err != nil:
		return store.Round{}, fmt.Errorf("office: open round: %w", err)
	}
	return r, nil
}

// RoundRow is a round as an admin sees it in the list.
type RoundRow struct {
	store.Round
	Closable bool // open, and the admin's to close
}

// Rounds lists, newest first, the rounds an admin sees: those of their
// area and below, and those above that cover it.
func (o *Office) Rounds(ctx context.Context, actor store.User) ([]RoundRow, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	all, err := o.Store.Rounds(ctx)
	if err != nil {
		return nil, fmt.Errorf("office: rounds: %w", err)
	}
	top, err := o.atTop(ctx, actor)
	if err != nil {
		return nil, err
	}
	var rows []RoundRow
	for _, r := range slices.Backward(all) {
		ours := ownRound(r, actor, top)
		if ours || r.Holds(actor.AreaID) {
			rows = append(rows, RoundRow{Round: r, Closable: ours && r.IsOpen()})
		}
	}
	return rows, nil
}

// ownRound tells whether a round is the actor's: opened for their area or
// one below it; a round for everywhere is the top admin's.
func ownRound(r store.Round, actor store.User, top bool) bool {
	if r.AreaID == "" {
		return top
	}
	return tree.Within(r.AreaID, actor.AreaID)
}

// atTop tells whether the actor's area is the top of the tree.
func (o *Office) atTop(ctx context.Context, actor store.User) (bool, error) {
	a, err := o.Store.Area(ctx, actor.AreaID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // an area reorganised away is the top of nothing
	}
	return err == nil && a.Parent == "", err
}

// CurrentRound is the open round covering the actor's area, nil if none.
func (o *Office) CurrentRound(ctx context.Context, actor store.User) (*store.Round, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	return o.Store.RoundFor(ctx, actor.AreaID)
}

// Unfinished is what closing a round leaves behind: forms still waiting for
// review or returned and not corrected, which keep their state.
type Unfinished struct {
	Round             store.Round
	Pending, Returned int
	Waiting           []store.Submission // the first forms waiting, up to the number asked
}

// Left reports whether closing would leave forms unfinished.
func (u Unfinished) Left() bool { return u.Pending+u.Returned > 0 }

// BeforeClosing tells what closing the open round of an area would leave
// unfinished, with up to listed forms still waiting, for the question asked
// before closing it over them.
func (o *Office) BeforeClosing(ctx context.Context, actor store.User, areaID string, at time.Time, listed int) (Unfinished, error) {
	if err := admin(actor); err != nil {
		return Unfinished{}, err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return Unfinished{}, err
	}
	st, err := report.Compute(ctx, o.Store, area.ID, at)
	if err != nil {
		return Unfinished{}, fmt.Errorf("office: before closing: %w", err)
	}
	if st.Round == nil {
		return Unfinished{}, refuse(store.ErrNoOpenRound, "round.none_open")
	}
	rv := st.Reviews()
	u := Unfinished{Round: *st.Round, Pending: rv.Pending, Returned: rv.Returned}
	if !u.Left() || listed <= 0 {
		return u, nil
	}
	waiting, err := o.Store.PendingIn(ctx, area.ID, 20*listed)
	if err != nil {
		return Unfinished{}, fmt.Errorf("office: before closing: %w", err)
	}
	for _, s := range waiting {
		if st.Round.Counts(s.AreaID, s.Class, s.SubmittedAt) && len(u.Waiting) < listed {
			u.Waiting = append(u.Waiting, s)
		}
	}
	return u, nil
}

// CloseRound closes the open round opened for an area of the admin's ("" for
// their own); forms sent later count in no round until the next is opened.
func (o *Office) CloseRound(ctx context.Context, actor store.User, areaID string, at time.Time) (store.Round, error) {
	if err := admin(actor); err != nil {
		return store.Round{}, err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return store.Round{}, err
	}
	// A round for everywhere is the top admin's to close.
	if open, err := o.Store.RoundFor(ctx, area.ID); err == nil && open != nil && open.AreaID == "" {
		if top, err := o.atTop(ctx, actor); err != nil || !top {
			return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
		}
	}
	r, err := o.Store.CloseRound(ctx, area.ID, at, actor.ID)
	switch {
	case errors.Is(err, store.ErrNoOpenRound):
		return store.Round{}, refuse(err, "round.none_open")
	case err != nil:
		return store.Round{}, fmt.Errorf("office: close round: %w", err)
	}
	return r, nil
}
