package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sothon/flows"
	"sothon/locales"
	"sothon/report/lists"
	"sothon/store"
	"sothon/tree"
)

// The commune's decision (quyết định công nhận) ends an annual review:
// its number and date are recorded and the round closes with it. The
// round's standings are then those at its close (store.Round), so its
// lists are the decided ones; a form decided later moves the official
// list, and the lists mark such a household as newer (lists.Entry.Newer).

// Causes of refusals of a decision.
var (
	ErrDecisionBad  = errors.New("office: a decision needs its number and date")
	ErrDecisionArea = errors.New("office: the decision is recorded for the round's own area")
)

// DecisionEntry is the commune's decision an official records.
type DecisionEntry struct {
	AreaID string // the commune or ward; "" for the actor's own
	Round  uint64 // 0: the open round holding the area
	Number string // as written on it ("125/QĐ-UBND")
	Day    string // YYYY-MM-DD, the day it was signed
}

// Deciders record the commune's decision: officials and admins record
// what the chairman signed.
var Deciders = []string{store.RoleOfficial, store.RoleAdmin}

// decider refuses an actor who may not record a decision.
func decider(actor store.User) error {
	if actor.Revoked || !slices.Contains(Deciders, actor.Role) {
		return refuse(ErrNotAllowed, "office.decision_officials_only")
	}
	return nil
}

// RecordDecision records the decision for the open round of a commune or
// ward of the actor's (the round opened for that very area) and closes the
// round with it, once every village with households in the round has its
// list final (ReviewProgress).
func (o *Office) RecordDecision(ctx context.Context, actor store.User, req DecisionEntry, at time.Time) (store.Round, error) {
	if err := decider(actor); err != nil {
		return store.Round{}, err
	}
	area, err := o.areaOf(ctx, actor, req.AreaID)
	if err != nil {
		return store.Round{}, err
	}
	if area.Kind == tree.Village {
		return store.Round{}, refuse(ErrVillage, "office.decision_village")
	}
	round, err := o.decisionRound(ctx, area, req.Round)
	if err != nil {
		return store.Round{}, err
	}
	d := store.RoundDecision{Number: clean(req.Number), Day: strings.TrimSpace(req.Day), By: actor.ID, At: at}
	if _, err := time.Parse(time.DateOnly, d.Day); err != nil || utf8.RuneCountInString(d.Number) < 1 || utf8.RuneCountInString(d.Number) > 60 {
		return store.Round{}, refuse(ErrDecisionBad, "office.decision_bad")
	}
	p, err := ProgressOf(ctx, o.Store, area, round, at)
	if err != nil {
		return store.Round{}, err
	}
	if err := errNotFinal(p); err != nil {
		return store.Round{}, err
	}
	r, err := o.Store.DecideRound(ctx, round.ID, d)
	switch {
	case errors.Is(err, store.ErrNoOpenRound):
		return store.Round{}, refuse(err, "round.none_open")
	case err != nil:
		return store.Round{}, fmt.Errorf("office: decision: %w", err)
	}
	return r, nil
}

// decisionRound is the open round a decision closes: opened for the area
// itself (a round of the whole tree, for its top).
func (o *Office) decisionRound(ctx context.Context, area tree.Area, id uint64) (store.Round, error) {
	var r store.Round
	if id == 0 {
		open, err := o.Store.RoundFor(ctx, area.ID)
		if err != nil {
			return store.Round{}, fmt.Errorf("office: round of %s: %w", area.ID, err)
		}
		if open == nil {
			return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
		}
		r = *open
	} else {
		var err error
		r, err = o.Store.Round(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && (!r.IsOpen() || !r.Holds(area.ID))):
			return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
		case err != nil:
			return store.Round{}, fmt.Errorf("office: round %d: %w", id, err)
		}
	}
	if r.AreaID != area.ID && !(r.AreaID == "" && area.Parent == "") {
		label := r.AreaID
		if _, name, err := o.Store.AreaLabel(ctx, r.AreaID); err == nil {
			label = name
		}
		return store.Round{}, refuse(ErrDecisionArea, "office.decision_round_area", "area", label)
	}
	return r, nil
}

// Annex gathers the decision's annex (lists.BuildAnnex) for an area of the
// actor's ("" for their own) and a round (0: the open one, or the latest):
// a draft until the decision is recorded. Whoever may have the lists may
// have it.
func (o *Office) Annex(ctx context.Context, actor store.User, areaID string, roundID uint64, forms *flows.Set, cat *locales.Catalog, lang string, at time.Time) (lists.Annex, error) {
	if !mayReview(actor) {
		return lists.Annex{}, refuse(ErrNotAllowed, "office.lists_reviewers_only")
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return lists.Annex{}, err
	}
	a, err := lists.BuildAnnex(ctx, o.Store, forms, cat, area.ID, roundID, lang, at)
	if err := o.listsRefusal(ctx, area, "annex", err); err != nil {
		return lists.Annex{}, err
	}
	return a, nil
}
