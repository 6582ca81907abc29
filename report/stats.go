package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/flows/poverty"
	"sothon/store"
	"sothon/store/counting"
	"sothon/tree"
)

// Stats are the figures of one area and its subtree, from the counters.
// They have two bases, never mixed in one figure: the official list (the
// register's statuses with the changes reviews made, as shares of the
// area's households) and the open round's progress (households reviewed in
// it, and what the reviews found, as shares of those reviewed).
type Stats struct {
	Area     tree.Area
	Label    string // the area's name, with its parent for a village
	Total    int    // households_total of the area
	Counters store.Counters
	Round    *store.Round
	Week     string    // "2023-W24"
	WeekFrom time.Time // the week's Monday
	Children []Child   // direct sub-areas, for the chart and the breakdown
	// Villages with nothing: in the open round (or, without one, this week),
	// and this week.
	Missing, IdleWeek []Place
	Target            *Target
	// Basis is what the official list and the round's decisions count:
	// approved forms only (over the register's statuses), or every form
	// received and not returned.
	Basis store.Basis
	// Review says where the village reviews and the households' requests
	// stand (progress.Lines, which reads the office's records report
	// cannot reach); whoever shows the digest fills it, or leaves it out.
	Review []string
	// picked are the villages' picks (see picks) the figures read with
	// them; nil when the figures are not the stored counters of now.
	picked *store.CounterSums
}

// VillageRound is a village's counts in Round, read with the figures in
// the same pass over the counters; false when the figures did not read
// them (no round, or a past week's figures, recounted).
func (s Stats) VillageRound(id string) (VillageRound, bool) {
	if s.picked == nil || s.Round == nil {
		return VillageRound{}, false
	}
	if p := s.picked.Picked(id); p != nil {
		return VillageRoundOf(p[1:]), true
	}
	return VillageRound{}, true
}

// VillageRoundAt is VillageRound of t.List[i], found by its index.
func (s Stats) VillageRoundAt(t *store.AreaTree, i int) (VillageRound, bool) {
	if s.picked == nil || s.Round == nil {
		return VillageRound{}, false
	}
	if p := s.picked.PickedAt(t, i); p != nil {
		return VillageRoundOf(p[1:]), true
	}
	return VillageRound{}, true
}

// VillageRound is a village's households in a round and those on its
// lists by their approved forms, from its counters (store.RoundStanding's
// counters, on the village of each household's newest form): a household
// the round counts adds to counting.ReviewedCounter; one on a list is
// classed poor or near-poor, or else left poverty altogether (the classes
// a form gives are poor, near-poor, middle and none), each counted once.
type VillageRound struct {
	Households, Listed int
}

// RoundPicks are the counters VillageRoundOf reads, in its order.
func RoundPicks(round uint64) []string {
	basis := string(store.BasisApproved)
	return []string{counting.ReviewedCounter(round),
		counting.RoundClassCounter(round, basis, poverty.Poor),
		counting.RoundClassCounter(round, basis, poverty.NearPoor),
		counting.RoundEscapedCounter(round, basis)}
}

// VillageRoundOf is a village's counts of RoundPicks, in that order.
func VillageRoundOf(n []int64) VillageRound {
	return VillageRound{Households: int(n[0]), Listed: int(n[1] + n[2] + n[3])}
}

// Approved tells whether the figures count approved forms only.
func (s Stats) Approved() bool { return s.Basis == store.BasisApproved }

// Place is an area as reports name it.
type Place struct {
	ID, Label string
}

// Child is one sub-area's figures.
type Child struct {
	Area     tree.Area
	Label    string
	Counters store.Counters
}

// Target is the area's poverty-reduction goal for the report's year,
// counted from the poor households of the official register.
type Target struct {
	Year, Reduction int
	Baseline        int // poor households in the register the year started from
	Goal            int // poor households left when the goal is met
}

// Count reads a counter.
func (s Stats) Count(name string) int { return int(s.Counters[name]) }

// Rate is count as a share of the area's households_total.
func (s Stats) Rate(count int) float64 { return share(count, s.Total) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Poor counts the official list's poor households (current status).
func (s Stats) Poor() int { return s.Count(counting.StatusCounter(poverty.Poor)) }

// NearPoor counts the official list's near-poor households.
func (s Stats) NearPoor() int { return s.Count(counting.StatusCounter(poverty.NearPoor)) }

// Middle counts the official list's middle-income households.
func (s Stats) Middle() int { return s.Count(counting.StatusCounter(poverty.Middle)) }

// RegisterImported tells whether an official register was imported for the
// area: without it there is no baseline to count a target from.
func (s Stats) RegisterImported() bool {
	for name, n := range s.Counters {
		if n > 0 && counting.IsRegisterCounter(name) {
			return true
		}
	}
	return false
}

// Reviewed counts the households reviewed in the open round: those with
// any form it counts.
func (s Stats) Reviewed() int { return s.Counters.Reviewed(s.Round) }

// ReviewStates counts by review state: in the open round, households
// approved (with a decision in the round), pending (a form waits; of them,
// PendingChange would change the class they were approved with) and
// returned; without a round, all of the area's forms.
type ReviewStates struct {
	Pending       int `json:"pending"`
	PendingChange int `json:"pending_change"`
	Approved      int `json:"approved"`
	Returned      int `json:"returned"`
}

// Reviews counts the area's households (in the open round) or forms by
// review state.
func (s Stats) Reviews() ReviewStates {
	if r := s.Round; r != nil {
		return ReviewStates{Pending: s.Count(counting.RoundStateCounter(r.ID, store.RoundPending)),
			PendingChange: s.Count(counting.RoundStateCounter(r.ID, counting.RoundPendingChange)),
			Approved:      s.Count(counting.RoundStateCounter(r.ID, store.RoundApproved)),
			Returned:      s.Count(counting.RoundStateCounter(r.ID, store.RoundReturned))}
	}
	return ReviewStates{Pending: s.Count(counting.ReviewCounter(store.ReviewReceived)), Approved: s.Count(counting.ReviewCounter(store.ReviewApproved)),
		Returned: s.Count(counting.ReviewCounter(store.ReviewReturned))}
}

// ReviewedAs counts the households the open round's decisions put in class.
func (s Stats) ReviewedAs(class poverty.Class) int {
	if s.Round == nil {
		return 0
	}
	return s.Count(counting.RoundClassCounter(s.Round.ID, string(s.Basis), class))
}

// Listed counts the households on one of the open round's lists.
func (s Stats) Listed(kind string) int {
	if s.Round == nil {
		return 0
	}
	return s.Count(counting.RoundListCounter(s.Round.ID, string(s.Basis), kind))
}

// Escaped counts the households that left poverty in the open round.
func (s Stats) Escaped() int {
	if s.Round == nil {
		return 0
	}
	return s.Count(counting.RoundEscapedCounter(s.Round.ID, string(s.Basis)))
}

// useApprovedStatuses makes the official list's counters those counted
// from approved reviews.
func useApprovedStatuses(c store.Counters) {
	for _, status := range poverty.Statuses {
		if n := c[counting.ApprovedStatusCounter(status)]; n != 0 {
			c[counting.StatusCounter(status)] = n
		} else {
			delete(c, counting.StatusCounter(status))
		}
	}
}

// Compute gathers the stats of areaID's subtree as of now. It reads the
// counters of the subtree's villages, never the submissions.
func Compute(ctx context.Context, db *store.DB, areaID string, now time.Time) (Stats, error) {
	round, err := db.RoundFor(ctx, areaID)
	if err != nil {
		return Stats{}, err
	}
	sums, err := db.SumCounters(ctx, areaID, picks(round, now)...)
	if err != nil {
		return Stats{}, err
	}
	return compute(ctx, db, areaID, now, round, sums)
}

// ComputeRound gathers the stats of areaID's subtree as of now, with a
// given round's progress (open or closed) in place of the open round's.
func ComputeRound(ctx context.Context, db *store.DB, areaID string, round *store.Round, now time.Time) (Stats, error) {
	sums, err := db.SumCounters(ctx, areaID, picks(round, now)...)
	if err != nil {
		return Stats{}, err
	}
	return compute(ctx, db, areaID, now, round, sums)
}

// picks are the counts of each village that tell whether it is idle: this
// week's forms, and its households reviewed in the round (the first of
// RoundPicks, whose counts give Stats.VillageRound).
func picks(round *store.Round, now time.Time) []string {
	names := []string{counting.WeekCounter(store.ISOWeek(now))}
	if round != nil {
		names = append(names, RoundPicks(round.ID)...)
	}
	return names
}

// ComputeWeek gathers the stats of a week: this week's as Compute does,
// a past week's as they stood at its end, with the round whose days it
// falls in. The past is recounted from the records, which takes a scan.
func ComputeWeek(ctx context.Context, db *store.DB, areaID string, day, now time.Time) (Stats, error) {
	end := monday(day).AddDate(0, 0, 7).Add(-time.Nanosecond)
	if !end.Before(now) {
		return Compute(ctx, db, areaID, now)
	}
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return Stats{}, err
	}
	var round *store.Round
	for _, r := range rounds {
		if r.Holds(areaID) && (r.Covers(end) || r.Covers(monday(day))) {
			round = &r
		}
	}
	counters, err := db.CountersAsOf(ctx, areaID, end)
	if err != nil {
		return Stats{}, err
	}
	st, err := compute(ctx, db, areaID, day, round, store.Sum(counters, areaID, picks(round, day)...))
	st.picked = nil // the week's, not where the villages stand
	return st, err
}

func compute(ctx context.Context, db *store.DB, areaID string, now time.Time, round *store.Round, sums store.CounterSums) (Stats, error) {
	t, err := db.AreaTree(ctx)
	if err != nil {
		return Stats{}, err
	}
	area, ok := t.Get(areaID)
	if !ok {
		return Stats{}, fmt.Errorf("report: unknown area %q", areaID)
	}
	st := Stats{Area: area, Label: t.Label(area), Total: area.HouseholdsTotal, Week: store.ISOWeek(now), WeekFrom: monday(now),
		Round: round, Counters: sums.All}
	if round != nil {
		st.picked = &sums
	}
	for _, a := range t.Children(areaID) {
		c := sums.ByChild[a.ID]
		if c == nil {
			c = store.Counters{}
		}
		st.Children = append(st.Children, Child{Area: a, Label: t.Label(a), Counters: c})
	}
	below := areaID + "/"
	for i, a := range t.List {
		if a.Kind != tree.Village || (a.ID != areaID && !strings.HasPrefix(a.ID, below)) {
			continue
		}
		// picks: this week's forms, then the round's RoundPicks.
		var week, reviewed int64
		if p := sums.PickedAt(t, i); p != nil {
			week = p[0]
			if round != nil {
				reviewed = p[1]
			}
		}
		// Idle: nothing in the open round, or this week when none is open.
		idle := (round != nil && reviewed == 0) || (round == nil && week == 0)
		if idle || week == 0 {
			place := Place{ID: a.ID, Label: t.Label(a)}
			if idle {
				st.Missing = append(st.Missing, place)
			}
			if week == 0 {
				st.IdleWeek = append(st.IdleWeek, place)
			}
		}
	}
	setting, err := db.Setting(ctx, store.SettingCountBasis)
	if err != nil {
		return Stats{}, err
	}
	st.Basis = store.BasisFor(setting, round, st.Counters)
	if st.Approved() {
		useApprovedStatuses(st.Counters)
		for i := range st.Children {
			useApprovedStatuses(st.Children[i].Counters)
		}
	}
	st.Target = target(st, now.Year())
	return st, nil
}

// monday is the first day of t's ISO week.
func monday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// target is the area's goal for year, counted from the official register's
// poor households. Without a goal for that very year, or without a
// register to count from, there is none.
func target(st Stats, year int) *Target {
	i := slices.IndexFunc(st.Area.Targets, func(t tree.Target) bool { return t.Year == year })
	if i < 0 || !st.RegisterImported() {
		return nil
	}
	t := st.Area.Targets[i]
	base := st.Count(counting.RegisterCounter(poverty.Poor))
	return &Target{Year: t.Year, Reduction: t.PoorReduction, Baseline: base, Goal: max(base-t.PoorReduction, 0)}
}

// Breakdown is one sub-area's line: its coverage in the open round and its
// official list's poor and near-poor shares.
type Breakdown struct {
	Place
	Households, Reviewed, Poor, NearPoor int
	ReviewedRate, PoorRate, NearPoorRate float64
	LastWeek                             string // the last week with a questionnaire ("2023-W25"), "" for none
	// Projection is the sub-area's figures by the new standard, nil for none.
	Projection *Projection
}

// Breakdown lists the sub-areas, least covered in the open round first.
func (s Stats) Breakdown() []Breakdown {
	out := make([]Breakdown, len(s.Children))
	for i, c := range s.Children {
		total := c.Area.HouseholdsTotal
		b := Breakdown{Place: Place{ID: c.Area.ID, Label: c.Label}, Households: total,
			Reviewed: c.Counters.Reviewed(s.Round), Poor: int(c.Counters[counting.StatusCounter(poverty.Poor)]),
			NearPoor: int(c.Counters[counting.StatusCounter(poverty.NearPoor)])}
		b.ReviewedRate, b.PoorRate, b.NearPoorRate = share(b.Reviewed, total), share(b.Poor, total), share(b.NearPoor, total)
		b.LastWeek = c.Counters.LastWeek()
		if p, ok := ProjectionOf(c.Counters); ok {
			b.Projection = &p
		}
		out[i] = b
	}
	slices.SortStableFunc(out, func(a, b Breakdown) int { return cmp.Compare(a.ReviewedRate, b.ReviewedRate) })
	return out
}
