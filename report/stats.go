package report

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sothon/store"
)

// Stats are the figures of one area and its subtree, from the counters.
type Stats struct {
	Area     store.Area
	Total    int // households_total of the area
	Counters store.Counters
	Round    *store.Round
	Week     string
	Children []Child // direct sub-areas, for the chart and the breakdown
	// Villages with nothing: in the open round (or, without one, this week),
	// and this week.
	Missing, IdleWeek []store.Area
	Target            *Target
}

// Child is one sub-area's figures.
type Child struct {
	Area     store.Area
	Counters store.Counters
}

// Target is the area's poverty-reduction goal for the year.
type Target struct {
	Year, Reduction, Baseline, Poor int
}

// Count reads a counter.
func (s Stats) Count(name string) int { return int(s.Counters[name]) }

// Rate is count as a share of the area's households_total.
func (s Stats) Rate(count int) float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(count) / float64(s.Total)
}

// RoundCount reads a counter of the open round ("reviewed", "escaped").
func (s Stats) RoundCount(name string) int {
	if s.Round == nil {
		return 0
	}
	return s.Count(name + ":" + strconv.FormatUint(s.Round.ID, 10))
}

// Compute gathers the stats of areaID's subtree. It reads the counters of
// the subtree's villages, never the submissions.
func Compute(ctx context.Context, db *store.DB, areaID string, now time.Time) (Stats, error) {
	areas, err := db.Areas(ctx)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	byID := map[string]store.Area{}
	for _, a := range areas {
		byID[a.ID] = a
	}
	area, ok := byID[areaID]
	if !ok {
		return Stats{}, fmt.Errorf("report: unknown area %q", areaID)
	}
	st.Area, st.Total, st.Week = area, area.HouseholdsTotal, store.ISOWeek(now)
	if st.Round, err = db.CurrentRound(ctx); err != nil {
		return Stats{}, err
	}
	counters, err := db.CountersIn(ctx, areaID)
	if err != nil {
		return Stats{}, err
	}
	st.Counters = store.Counters{}
	children := map[string]*Child{}
	for _, a := range areas {
		if a.Parent == areaID {
			children[a.ID] = &Child{Area: a, Counters: store.Counters{}}
		}
	}
	for id, c := range counters {
		st.Counters.Add(c)
		if child := children[childOf(id, areaID)]; child != nil {
			child.Counters.Add(c)
		}
	}
	for _, a := range areas {
		if c := children[a.ID]; c != nil {
			st.Children = append(st.Children, *c)
		}
		if a.Kind != store.KindVillage || (a.ID != areaID && !strings.HasPrefix(a.ID, areaID+"/")) {
			continue
		}
		if idle(st, counters[a.ID]) {
			st.Missing = append(st.Missing, a)
		}
		if counters[a.ID]["week:"+st.Week] == 0 {
			st.IdleWeek = append(st.IdleWeek, a)
		}
	}
	st.Target = target(area, st.Count("register:poor"), now)
	return st, nil
}

// childOf is the direct child of parent on the way to id.
func childOf(id, parent string) string {
	rest, ok := strings.CutPrefix(id, parent+"/")
	if !ok {
		return ""
	}
	first, _, _ := strings.Cut(rest, "/")
	return parent + "/" + first
}

// idle: a village with nothing in the open round, or this week when no
// round is open.
func idle(st Stats, c store.Counters) bool {
	if st.Round != nil {
		return c["reviewed:"+strconv.FormatUint(st.Round.ID, 10)] == 0
	}
	return c["week:"+st.Week] == 0
}

// target finds this year's goal of the area and the poor count it means,
// counted from the official register's poor households.
func target(a store.Area, registerPoor int, now time.Time) *Target {
	i := slices.IndexFunc(a.Targets, func(t store.Target) bool { return t.Year == now.Year() })
	if i < 0 && len(a.Targets) > 0 {
		i = len(a.Targets) - 1 // the latest goal, until a new one is set
	}
	if i < 0 {
		return nil
	}
	t := a.Targets[i]
	return &Target{Year: t.Year, Reduction: t.PoorReduction, Baseline: registerPoor, Poor: max(registerPoor-t.PoorReduction, 0)}
}
