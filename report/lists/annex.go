package lists

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/report"
	"sothon/store"
)

// The annex of the commune's decision: beside the lists themselves, the
// summary table offices send up, per village and for the commune.

// AnnexRow is one area's line of the summary table.
type AnnexRow struct {
	Place report.Place
	// Households are all the area's households (the area tree's
	// households_total), which the rates divide by.
	Households     int
	Poor, NearPoor int
	// Newly poor and near-poor: on the list, and not so before the round.
	NewlyPoor, NewlyNearPoor int
	// Left: on the lists of those leaving poverty and near-poverty.
	LeftPoor, LeftNearPoor int
	// Escaped left poverty altogether: poor or near-poor before, neither now.
	Escaped int
	// Lacking counts, for each indicator, the poor and the near-poor
	// households lacking it.
	LackingPoor, LackingNearPoor map[poverty.Indicator]int
}

// PoorRate is the share of the area's households that are poor (0 when
// the area's households are not known).
func (r AnnexRow) PoorRate() float64 { return share(r.Poor, r.Households) }

// NearPoorRate is the share of the area's households that are near-poor.
func (r AnnexRow) NearPoorRate() float64 { return share(r.NearPoor, r.Households) }

func share(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Indicators lists the indicators lacking in the row, by id.
func (r AnnexRow) Indicators() []poverty.Indicator {
	var out []poverty.Indicator
	for ind := range r.LackingPoor {
		out = append(out, ind)
	}
	for ind := range r.LackingNearPoor {
		if !slices.Contains(out, ind) {
			out = append(out, ind)
		}
	}
	slices.Sort(out)
	return out
}

// add counts a list entry in the row, for each list it is on.
func (r *AnnexRow) add(kind string, e Entry) {
	switch kind {
	case ListPoor:
		r.Poor++
		if e.Before != string(poverty.Poor) {
			r.NewlyPoor++
		}
		for _, ind := range e.Indicators {
			r.LackingPoor[ind]++
		}
	case ListNearPoor:
		r.NearPoor++
		if e.Before != string(poverty.NearPoor) {
			r.NewlyNearPoor++
		}
		for _, ind := range e.Indicators {
			r.LackingNearPoor[ind]++
		}
	case ListLeftPoor:
		r.LeftPoor++
	case ListLeftNearPoor:
		r.LeftNearPoor++
	}
	if kind == ListLeftPoor || kind == ListLeftNearPoor {
		if store.Escaped(e.Before, e.Class) {
			r.Escaped++
		}
	}
}

// The list kinds, as the store names them.
const (
	ListPoor         = store.ListPoor
	ListNearPoor     = store.ListNearPoor
	ListLeftPoor     = store.ListLeftPoor
	ListLeftNearPoor = store.ListLeftNearPoor
)

// Annex is what the commune's decision on a round carries: its lists by
// village and the summary table.
type Annex struct {
	Lists Lists
	// Decision is the round's decision, nil until it is recorded (a draft).
	Decision *store.RoundDecision
	Villages []AnnexRow // one per village with households on the lists, in the lists' order
	Total    AnnexRow   // the area's
}

// BuildAnnex gathers the decision's annex for an area and a round (0: as
// Build picks it), from the round's lists: once the decision closed the
// round, the lists as decided.
func BuildAnnex(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, areaID string, roundID uint64, lang string, now time.Time) (Annex, error) {
	l, err := Build(ctx, db, forms, cat, areaID, roundID, lang, now)
	if err != nil {
		return Annex{}, err
	}
	a := Annex{Lists: l, Decision: l.Round.Decision}
	total, err := db.Area(ctx, areaID)
	if err != nil {
		return Annex{}, fmt.Errorf("lists: annex of %s: %w", areaID, err)
	}
	a.Total = newRow(l.Area, total.HouseholdsTotal)
	for _, v := range l.Villages {
		area, err := db.Area(ctx, v.ID)
		if err != nil {
			return Annex{}, fmt.Errorf("lists: annex of %s: %w", v.ID, err)
		}
		row := newRow(v.Place, area.HouseholdsTotal)
		for _, kind := range store.ListKindsAll {
			for _, e := range v.Lists[kind] {
				row.add(kind, e)
				a.Total.add(kind, e)
			}
		}
		a.Villages = append(a.Villages, row)
	}
	return a, nil
}

func newRow(p report.Place, households int) AnnexRow {
	return AnnexRow{Place: p, Households: households, LackingPoor: map[poverty.Indicator]int{}, LackingNearPoor: map[poverty.Indicator]int{}}
}
