package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// The posted lists are the legal output of a review; the figures beside
// them must tell the same story. Agreement checks it for every round and
// every area the round's households are in: the lists (built from the
// households' standings) against the round's figures (summed from the
// counters kept as forms come and are decided) and, for an open round,
// against the official list.

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
func Agreement(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, now time.Time) ([]Disagreement, error) {
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	var out []Disagreement
	for _, r := range rounds {
		areas, err := roundAreas(ctx, db, r)
		if err != nil {
			return nil, err
		}
		for _, area := range areas {
			d, err := agreeIn(ctx, db, forms, cat, r, area, now)
			if err != nil {
				return nil, err
			}
			out = append(out, d...)
		}
	}
	return out, nil
}

// roundAreas are the areas whose lists a round can post: those of its
// households' villages and every area above them, up to the round's own.
func roundAreas(ctx context.Context, db *store.DB, r store.Round) ([]string, error) {
	all, err := db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	for _, a := range all {
		parent[a.ID] = a.Parent
	}
	var top []string
	for _, a := range all {
		if a.Parent == "" && r.Holds(a.ID) {
			top = append(top, a.ID)
		}
	}
	var out []string
	for _, t := range top {
		standings, err := db.RoundStandings(ctx, t, r.ID)
		if err != nil {
			return nil, err
		}
		for _, st := range standings {
			rs, _ := st.In(r.ID)
			for a := rs.Area; a != "" && r.Holds(a); a = parent[a] {
				if !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// agreeIn compares one area's lists of a round with its figures.
func agreeIn(ctx context.Context, db *store.DB, forms *flows.Set, cat *locales.Catalog, r store.Round, area string, now time.Time) ([]Disagreement, error) {
	lists, err := BuildLists(ctx, db, forms, cat, area, r.ID, "vi", now)
	if err != nil {
		return nil, err
	}
	st, err := ComputeRound(ctx, db, area, &r, now)
	if err != nil {
		return nil, err
	}
	var out []Disagreement
	differ := func(what string, lists, figure int) {
		if lists != figure {
			out = append(out, Disagreement{Round: r.ID, Area: area, What: what, Lists: lists, Figure: figure})
		}
	}
	if lists.Basis != st.Basis {
		out = append(out, Disagreement{Round: r.ID, Area: area, What: fmt.Sprintf("basis (lists %s, figures %s)", lists.Basis, st.Basis)})
	}
	for _, kind := range store.ListKindsAll {
		differ("households on the list "+kind, lists.Count(kind), st.Listed(kind))
	}
	differ("households the round found poor", lists.Count(store.ListPoor), st.ReviewedAs("poor"))
	differ("households the round found near-poor", lists.Count(store.ListNearPoor), st.ReviewedAs("near_poor"))
	escaped := 0
	for _, v := range lists.Villages {
		for _, kind := range []string{store.ListLeftPoor, store.ListLeftNearPoor} {
			for _, e := range v.Lists[kind] {
				if e.Class == "middle" || e.Class == "none" {
					escaped++
				}
			}
		}
	}
	differ("households leaving poverty", escaped, st.Escaped())
	if r.IsOpen() {
		// Every household listed stands on the official list as the round
		// decided, unless something newer than its decision moved it.
		for _, v := range lists.Villages {
			for _, kind := range []string{store.ListPoor, store.ListNearPoor} {
				moved := 0
				for _, e := range v.Lists[kind] {
					if e.Status != e.Class && !e.Newer {
						moved++
					}
				}
				differ("households of "+v.ID+" on the list "+kind+" not so on the official list", 0, moved)
			}
		}
	}
	return out, nil
}
