package lists

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// The minutes of a village's meeting (biên bản họp thôn): the households
// it voted on, on the lists they were put on, with how many of those
// present agreed with each, and the people who sign them.

// ErrNoMeeting means the village has not opened its meeting in the round.
var ErrNoMeeting = errors.New("lists: the village has no meeting in that round")

// Minutes are a village's meeting in a round with the households it voted
// on: Lists holds the one village, its entries those of the votes (the
// forms voted on, by the lists they gave), whatever happened to the forms
// after the meeting.
type Minutes struct {
	Lists   Lists
	Meeting store.Meeting
	Place   string // the village's short name, for the date line
}

// Village is the village the meeting was held in.
func (m Minutes) Village() Village { return m.Lists.Villages[0] }

// Backed tells whether the meeting backed a household: at least half of
// those present agreed (false when it has no vote yet).
func (m Minutes) Backed(household string) bool {
	v, ok := m.Meeting.VoteOf(household)
	return ok && v.Passes(m.Meeting.Present)
}

// Tally counts the households voted on: backed, and sent back for review
// (or to be, while the meeting goes on).
func (m Minutes) Tally() (backed, back int) {
	for _, v := range m.Meeting.Votes {
		if v.Passes(m.Meeting.Present) {
			backed++
		} else {
			back++
		}
	}
	return backed, back
}

// BuildMinutes gathers the minutes of a village's meeting in a round (0:
// the open round holding the village, or the latest), worded in lang.
func BuildMinutes(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, villageID string, roundID uint64, lang string) (Minutes, error) {
	round, err := db.RoundOf(ctx, villageID, roundID)
	if err != nil {
		return Minutes{}, err
	}
	m, err := db.MeetingOf(ctx, round.ID, villageID)
	if errors.Is(err, store.ErrNotFound) {
		return Minutes{}, fmt.Errorf("%w: %s, round %d", ErrNoMeeting, villageID, round.ID)
	}
	if err != nil {
		return Minutes{}, err
	}
	area, label, err := db.AreaLabel(ctx, villageID)
	if err != nil {
		return Minutes{}, err
	}
	unit, _ := db.UnitOf(ctx, villageID)
	day, _ := time.Parse(time.DateOnly, m.Day)
	v := Village{Place: report.Place{ID: area.ID, Label: label}, Unit: unit, Lists: map[string][]Entry{}}
	out := Minutes{Meeting: m, Place: tree.ShortName(area),
		Lists: Lists{Area: v.Place, Kind: unit.Kind, Round: round, Lang: lang, Date: day, Basis: store.BasisApproved}}
	standings, err := db.RoundStandings(ctx, villageID, round.ID)
	if err != nil {
		return Minutes{}, err
	}
	byHousehold := map[string]store.Standing{}
	for _, st := range standings {
		byHousehold[st.Household.ID] = st
	}
	for _, vote := range m.Votes {
		st, ok := byHousehold[vote.Household]
		if !ok { // moved out of the village since
			if st.Household, err = db.Household(ctx, vote.Household); err != nil {
				return Minutes{}, err
			}
		}
		e, err := listEntry(ctx, db, forms, cat, lang, st, store.BasisApproved, store.Outcome{Form: vote.Form, Class: vote.Class})
		if err != nil {
			return Minutes{}, err
		}
		rs, _ := st.In(round.ID)
		e.Village, e.Before = label, rs.Approved.Baseline
		for _, kind := range store.ListKinds(e.Before, vote.Class) {
			v.Lists[kind] = append(v.Lists[kind], e)
		}
	}
	sortEntries(v)
	out.Lists.Villages = []Village{v}
	return out, nil
}
