package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// The lists a review round publishes, as offices post them in the village
// and at the commune before the chairman approves them: per village, the
// households classified poor and near-poor, and those leaving poverty and
// near-poverty in the round.

// List kinds, in the order they are posted.
var listKinds = []string{"poor", "near_poor", "left_poor", "left_near_poor"}

// ListEntry is one household of a list.
type ListEntry struct {
	HeadName, Village string
	Members           int
	Class             string   // the class the round's review gave
	Lacking           []string // the deprivation indicators lacking, named in the lists' language
}

// VillageLists are one village's lists, by kind.
type VillageLists struct {
	Place
	Lists map[string][]ListEntry
}

// Lists are a round's lists for an area.
type Lists struct {
	Area     Place
	Kind     string // the area's kind (commune or ward), for the signature
	Round    store.Round
	Lang     string
	Date     time.Time
	Approved bool // only approved forms count (once any form of the round was reviewed)
	Villages []VillageLists
}

// ErrNoRound means there is no round to make lists of.
var ErrNoRound = errors.New("report: no review round holds that area")

// BuildLists gathers a round's lists for an area (a commune, a ward or a
// village): for each household, the latest household form of the round
// that counts, compared with its status before the round. Once any form of
// the round in the area was approved or returned, only approved forms
// count; until then, every form received.
func BuildLists(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, areaID string, roundID uint64, lang string, now time.Time) (Lists, error) {
	round, err := listRound(ctx, db, areaID, roundID)
	if err != nil {
		return Lists{}, err
	}
	area, label, err := db.AreaLabel(ctx, areaID)
	if err != nil {
		return Lists{}, err
	}
	out := Lists{Area: Place{ID: area.ID, Label: label}, Kind: area.Kind, Round: round, Lang: lang, Date: now}
	latest, first, decided, err := roundForms(ctx, db, areaID, round)
	if err != nil {
		return Lists{}, err
	}
	basis, err := db.Setting(ctx, store.SettingCountBasis)
	if err != nil {
		return Lists{}, err
	}
	// The same rule as the official list's (SOTHON_COUNT).
	out.Approved = basis == store.CountApproved || basis != store.CountAll && decided
	byVillage := map[string]*VillageLists{}
	for hhID, f := range latest {
		if out.Approved && f.state != store.ReviewApproved {
			continue
		}
		hh, err := db.Household(ctx, hhID)
		if err != nil {
			return Lists{}, err
		}
		entry := ListEntry{HeadName: cmp.Or(hh.HeadName, f.sub.HouseholdName), Members: cmp.Or(f.sub.Members, hh.Members), Class: f.sub.Class}
		if form := forms.Form(f.sub.Form); form != nil {
			for _, ind := range form.Lacking(f.sub.Answers) {
				entry.Lacking = append(entry.Lacking, cat.T(lang, "lists.indicator."+string(ind)))
			}
		}
		v := byVillage[hh.AreaID]
		if v == nil {
			_, vlabel, _ := db.AreaLabel(ctx, hh.AreaID)
			v = &VillageLists{Place: Place{ID: hh.AreaID, Label: vlabel}, Lists: map[string][]ListEntry{}}
			byVillage[hh.AreaID] = v
		}
		entry.Village = v.Label
		for _, kind := range kindsOf(store.StatusBefore(hh, first[hhID]), f.sub.Class) {
			v.Lists[kind] = append(v.Lists[kind], entry)
		}
	}
	for _, v := range byVillage {
		for _, entries := range v.Lists {
			slices.SortFunc(entries, func(a, b ListEntry) int { return cmp.Compare(flows.Fold(a.HeadName), flows.Fold(b.HeadName)) })
		}
		out.Villages = append(out.Villages, *v)
	}
	slices.SortFunc(out.Villages, func(a, b VillageLists) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// kindsOf are the lists a household goes on: its class now, and leaving
// poverty or near-poverty when it was there before the round.
func kindsOf(before, class string) []string {
	var kinds []string
	switch class {
	case "poor", "near_poor":
		kinds = append(kinds, class)
	}
	switch {
	case before == "poor" && class != "poor":
		kinds = append(kinds, "left_poor")
	case before == "near_poor" && class != "poor" && class != "near_poor":
		kinds = append(kinds, "left_near_poor")
	}
	return kinds
}

// reviewed is a form with its review state.
type reviewed struct {
	sub   store.Submission
	state string
}

// roundForms finds, per household of the area, the latest household form
// the round counts (a returned or replaced one does not stand) and the id
// of the first, before which the household's status was its baseline;
// decided tells whether any form of the round was approved or returned.
func roundForms(ctx context.Context, db *store.DB, areaID string, round store.Round) (latest map[string]reviewed, first map[string]uint64, decided bool, err error) {
	latest, first = map[string]reviewed{}, map[string]uint64{}
	err = db.Submissions(ctx, store.SubmissionFilter{AreaID: areaID}, func(s store.Submission) error {
		if !round.Counts(s.AreaID, s.Class, s.SubmittedAt) || s.HouseholdID == "" {
			return nil
		}
		if id, ok := first[s.HouseholdID]; !ok || s.ID < id {
			first[s.HouseholdID] = s.ID
		}
		rv, err := db.ReviewOf(ctx, s.ID)
		if err != nil {
			return err
		}
		state := rv.State()
		decided = decided || state != store.ReviewReceived
		if state == store.ReviewReturned || state == store.ReviewResubmitted {
			return nil
		}
		if prev, ok := latest[s.HouseholdID]; !ok || prev.sub.ID < s.ID {
			latest[s.HouseholdID] = reviewed{sub: s, state: state}
		}
		return nil
	})
	return latest, first, decided, err
}

// listRound is the round asked for, or else the open round holding the
// area, or else the latest that holds it.
func listRound(ctx context.Context, db *store.DB, areaID string, id uint64) (store.Round, error) {
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return store.Round{}, err
	}
	var found *store.Round
	for i, r := range rounds {
		if !r.Holds(areaID) && !store.Within(r.AreaID, areaID) {
			continue
		}
		switch {
		case id != 0 && r.ID == id:
			return r, nil
		case id == 0 && (found == nil || r.IsOpen() || !found.IsOpen()):
			found = &rounds[i]
		}
	}
	if found == nil || id != 0 {
		return store.Round{}, fmt.Errorf("%w: %s", ErrNoRound, areaID)
	}
	return *found, nil
}
