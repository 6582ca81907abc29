// Package lists builds the lists a review round posts (the poor and
// near-poor households of each village, and those leaving), with the
// documents around them (a village meeting's minutes, the decision's
// annex), writes them as PDF and XLSX, and checks that the lists agree
// with the round's figures.
package lists

import (
	"cmp"
	"context"
	"slices"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// The lists are posted as offices post them, in the village and at the
// commune, before the chairman approves them.

// Entry is one household of a list.
type Entry struct {
	HouseholdID       string
	HeadName, Village string
	Members           int
	Class             string              // the class the round's decision gave
	Form              uint64              // the form the decision rests on
	Lacking           []string            // the deprivation indicators lacking, named in the lists' language
	Indicators        []poverty.Indicator // the same, by id
	Before            string              // the household's class before the round (the list's baseline)
	Status            string              // the household's class on the official list now, on the lists' basis
	Newer             bool                // the official list has it by something newer than the decision
}

// Village are one village's lists, by kind.
type Village struct {
	report.Place
	Unit  tree.Area // the commune or ward the village is in, whose committee posts its lists
	Lists map[string][]Entry
}

// Lists are a round's lists for an area.
type Lists struct {
	Area     report.Place
	Kind     string // the area's kind (commune or ward), for the signature
	Round    store.Round
	Lang     string
	Date     time.Time
	Basis    store.Basis // what the decisions count (store.BasisFor)
	Villages []Village
}

// Approved tells whether the lists count approved forms only.
func (l Lists) Approved() bool { return l.Basis == store.BasisApproved }

// Count is how many households of the area are on a list.
func (l Lists) Count(kind string) int {
	n := 0
	for _, v := range l.Villages {
		n += len(v.Lists[kind])
	}
	return n
}

// ErrNoRound means there is no round to make lists of: store.ErrNoRound.
var ErrNoRound = store.ErrNoRound

// Build gathers a round's lists for an area (a commune, a ward or a
// village) from the households' standings: each household, on the basis in
// force (store.BasisFor), at its decision in the round, compared with its
// status before the round. A household without a decision is on none.
func Build(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, areaID string, roundID uint64, lang string, now time.Time) (Lists, error) {
	round, err := db.RoundOf(ctx, areaID, roundID)
	if err != nil {
		return Lists{}, err
	}
	area, label, err := db.AreaLabel(ctx, areaID)
	if err != nil {
		return Lists{}, err
	}
	out := Lists{Area: report.Place{ID: area.ID, Label: label}, Kind: area.Kind, Round: round, Lang: lang, Date: now}
	if out.Basis, err = db.EffectiveBasis(ctx, areaID, &round); err != nil {
		return Lists{}, err
	}
	standings, err := db.RoundStandings(ctx, areaID, round.ID)
	if err != nil {
		return Lists{}, err
	}
	byVillage := map[string]*Village{}
	for _, st := range standings {
		rs, _ := st.In(round.ID)
		kinds := listsOf(rs, out.Basis)
		if len(kinds) == 0 {
			continue
		}
		entry, err := listEntry(ctx, db, forms, cat, lang, st, out.Basis, rs.By(out.Basis).Decision)
		if err != nil {
			return Lists{}, err
		}
		v := byVillage[rs.Area]
		if v == nil {
			_, vlabel, _ := db.AreaLabel(ctx, rs.Area)
			unit, _ := db.UnitOf(ctx, rs.Area)
			v = &Village{Place: report.Place{ID: rs.Area, Label: vlabel}, Unit: unit, Lists: map[string][]Entry{}}
			byVillage[rs.Area] = v
		}
		entry.Village = v.Label
		entry.Before = rs.By(out.Basis).Baseline
		for _, kind := range kinds {
			v.Lists[kind] = append(v.Lists[kind], entry)
		}
	}
	for _, v := range byVillage {
		sortEntries(*v)
		out.Villages = append(out.Villages, *v)
	}
	slices.SortFunc(out.Villages, func(a, b Village) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// sortEntries sorts a village's lists by the heads' names.
func sortEntries(v Village) {
	for _, entries := range v.Lists {
		slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(flows.Fold(a.HeadName), flows.Fold(b.HeadName)) })
	}
}

// listsOf are the lists a household goes on in a round, on a basis: none
// without a decision there.
func listsOf(rs store.RoundStanding, basis store.Basis) []string {
	stand := rs.By(basis)
	if stand.Decision.Form == 0 {
		return nil
	}
	return store.ListKinds(stand.Baseline, stand.Decision.Class)
}

// listEntry is a household's line on a list, from the form its decision
// rests on.
func listEntry(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, lang string, st store.Standing, basis store.Basis, d store.Outcome) (Entry, error) {
	s, err := db.Submission(ctx, d.Form)
	if err != nil {
		return Entry{}, err
	}
	hh := st.Household
	entry := Entry{HouseholdID: hh.ID, HeadName: cmp.Or(hh.HeadName, s.HouseholdName), Members: cmp.Or(s.Members, hh.Members),
		Class: d.Class, Form: d.Form, Status: hh.Status, Newer: st.Status(basis).Form != d.Form}
	if basis == store.BasisApproved {
		entry.Status = hh.Approved
	}
	if form := forms.Form(s.Form); form != nil {
		for _, ind := range form.Lacking(s.Answers, report.StandardOf(s)) {
			entry.Lacking = append(entry.Lacking, cat.T(lang, "lists.indicator."+string(ind)))
			entry.Indicators = append(entry.Indicators, ind)
		}
	}
	return entry, nil
}
