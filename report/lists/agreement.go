package lists

import (
	"context"
	"fmt"
	"slices"

	"sothon/flows/poverty"
	"sothon/report"
	"sothon/store"
)

// The posted lists are the legal output of a review; the figures beside
// them must tell the same story. Agreement checks it for every round and
// every area its households are in: the lists (the households' standings,
// each on the lists listsOf gives on the area's basis, as Build
// makes them) against the round's figures (the counters kept as forms
// come and are decided, read by the Stats methods /stats uses) and, for an
// open round, against the official list on the household records.

// Disagreement is one figure that tells another story than the lists.
type Disagreement struct {
	Round      uint64
	Area, What string
	Lists      int // as the posted lists have it
	Figure     int // as the figures have it
}

func (d Disagreement) String() string {
	return fmt.Sprintf("round %d, %s: %s: the lists give %d, the figures %d", d.Round, d.Area, d.What, d.Lists, d.Figure)
}

// Agreement lists every disagreement between the lists and the figures.
// The standings are derived once per round and the counters read once, so
// that a province's check takes seconds.
func Agreement(ctx context.Context, db *store.DB) ([]Disagreement, error) {
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	setting, err := db.Setting(ctx, store.SettingCountBasis)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	for _, a := range areas {
		parent[a.ID] = a.Parent
	}
	var out []Disagreement
	for _, r := range rounds {
		for _, top := range areas {
			if top.Parent != "" || !r.Holds(top.ID) {
				continue
			}
			d, err := agreeUnder(ctx, db, r, top.ID, parent, setting)
			if err != nil {
				return nil, err
			}
			out = append(out, d...)
		}
	}
	return out, nil
}

// agreeUnder checks a round in every area of a top area's tree that holds
// any of the round's households.
func agreeUnder(ctx context.Context, db *store.DB, r store.Round, top string, parent map[string]string, setting string) ([]Disagreement, error) {
	standings, err := db.RoundStandings(ctx, top, r.ID)
	if err != nil {
		return nil, err
	}
	counters, err := db.CountersIn(ctx, top)
	if err != nil {
		return nil, err
	}
	under := map[string][]store.Standing{} // each area's households, with every area above them
	for _, st := range standings {
		rs, _ := st.In(r.ID)
		for a := rs.Area; a != "" && r.Holds(a); a = parent[a] {
			under[a] = append(under[a], st)
		}
	}
	names := make([]string, 0, len(under))
	for a := range under {
		names = append(names, a)
	}
	slices.Sort(names)
	sums := map[string]store.Counters{} // each area's counters: its villages' added up the tree
	for id, c := range counters {
		for a := id; a != ""; a = parent[a] {
			if under[a] == nil {
				continue
			}
			if sums[a] == nil {
				sums[a] = store.Counters{}
			}
			sums[a].Add(c)
		}
	}
	var out []Disagreement
	for _, area := range names {
		sum := sums[area]
		if sum == nil {
			sum = store.Counters{}
		}
		figures := report.Stats{Round: &r, Counters: sum, Basis: store.BasisFor(setting, &r, sum)}
		out = append(out, agreeIn(r, area, under[area], figures)...)
	}
	return out, nil
}

// agreeIn compares one area's lists of a round with its figures.
func agreeIn(r store.Round, area string, standings []store.Standing, figures report.Stats) []Disagreement {
	var out []Disagreement
	differ := func(what string, lists, figure int) {
		if lists != figure {
			out = append(out, Disagreement{Round: r.ID, Area: area, What: what, Lists: lists, Figure: figure})
		}
	}
	listed := map[string]int{}
	classes := map[poverty.Class]int{}
	escaped, moved := 0, 0
	for _, st := range standings {
		rs, _ := st.In(r.ID)
		kinds := listsOf(rs, figures.Basis)
		for _, kind := range kinds {
			listed[kind]++
		}
		if len(kinds) == 0 {
			continue
		}
		d := rs.By(figures.Basis)
		classes[poverty.Class(d.Decision.Class)]++
		if store.Escaped(d.Baseline, d.Decision.Class) {
			escaped++
		}
		// The official list has the household as the round decided,
		// unless something newer than the decision moved it.
		record := st.Household.Status
		if figures.Basis == store.BasisApproved {
			record = st.Household.Approved
		}
		if r.IsOpen() && st.Status(figures.Basis).Form == d.Decision.Form && record != d.Decision.Class {
			moved++
		}
	}
	for _, kind := range store.ListKindsAll {
		differ("households on the list "+kind, listed[kind], figures.Listed(kind))
	}
	differ("households the round found poor", classes[poverty.Poor], figures.ReviewedAs(poverty.Poor))
	differ("households the round found near-poor", classes[poverty.NearPoor], figures.ReviewedAs(poverty.NearPoor))
	differ("households leaving poverty", escaped, figures.Escaped())
	differ("households listed that the official list has otherwise", moved, 0)
	return out
}
