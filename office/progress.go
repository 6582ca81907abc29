package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// States of a village's posting on a day.
const (
	PostingNone      = ""          // not posted
	PostingScheduled = "scheduled" // its first day is still to come
	PostingOpen      = "open"      // on a day of its window: complaints are taken
	PostingEnded     = "ended"     // the window is over
)

// VillageProgress is where a village's review stands in a round on a day.
type VillageProgress struct {
	Village    tree.Area
	Households int // the households the round counts in the village
	Listed     int // those on its lists, by their approved forms
	Meeting    string
	MeetingDay string
	Returned   int // households the meeting sent back
	Posting    string
	PostStart  string // YYYY-MM-DD
	PostEnd    string
	Complaints int
	// OpenComplaints are complaints whose household was not approved again yet.
	OpenComplaints int
	// Final: the meeting was held, and the posting is over with no
	// complaint open.
	Final bool
}

// Pending tells whether the village has households in the round and its
// list is not final: what keeps the commune from its decision.
func (v VillageProgress) Pending() bool { return v.Households > 0 && !v.Final }

// Progress is where an area's villages stand in a round on a day.
type Progress struct {
	Round    store.Round
	Area     tree.Area
	Day      string // YYYY-MM-DD
	Villages []VillageProgress
}

// Decided tells whether the commune's decision closed the round.
func (p Progress) Decided() bool { return p.Round.Decided() }

// NotFinal lists the villages with households in the round whose lists are
// not final.
func (p Progress) NotFinal() []VillageProgress {
	var out []VillageProgress
	for _, v := range p.Villages {
		if v.Pending() {
			out = append(out, v)
		}
	}
	return out
}

// CountNotFinal is len(NotFinal()) without the copies.
func (p Progress) CountNotFinal() int {
	n := 0
	for _, v := range p.Villages {
		if v.Pending() {
			n++
		}
	}
	return n
}

// ReviewProgress is where each village of an area of the actor's ("" for
// their own) stands in a round (0: the open round holding the area, or the
// latest) on the day of today: the meeting, the posting, the complaints,
// whether its list is final; the round says whether it was decided. Heads
// see their village's; reviewers, officials and admins their area's.
func (o *Office) ReviewProgress(ctx context.Context, actor store.User, areaID string, round uint64, today time.Time) (Progress, error) {
	if actor.Revoked || !(mayReview(actor) || actor.Role == store.RoleHead) {
		return Progress{}, refuse(ErrNotAllowed, "office.progress_not_allowed")
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return Progress{}, err
	}
	r, err := o.roundOf(ctx, area.ID, round)
	if err != nil {
		return Progress{}, err
	}
	return ProgressOf(ctx, o.Store, area, r, today)
}

// roundOf is the round a question about an area means (store.RoundOf),
// none being a refusal.
func (o *Office) roundOf(ctx context.Context, areaID string, id uint64) (store.Round, error) {
	r, err := o.Store.RoundOf(ctx, areaID, id)
	switch {
	case errors.Is(err, store.ErrNoRound):
		return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
	case err != nil:
		return store.Round{}, fmt.Errorf("office: rounds: %w", err)
	}
	return r, nil
}

// ProgressOf is ReviewProgress without an actor, for the digest and the
// reminders that speak for the program.
func ProgressOf(ctx context.Context, db *store.DB, area tree.Area, r store.Round, today time.Time) (Progress, error) {
	return progressOf(ctx, db, area, r, today, nil)
}

// ProgressOfFigures is ProgressOf for the figures' area and round, with
// the villages' counts the figures read with them (report.Stats.VillageRound)
// rather than reading every village's counters again.
func ProgressOfFigures(ctx context.Context, db *store.DB, st report.Stats, today time.Time) (Progress, error) {
	if st.Round == nil {
		return Progress{}, fmt.Errorf("office: progress of %s: no round", st.Area.ID)
	}
	count := func(t *store.AreaTree, i int) report.VillageRound {
		n, _ := st.VillageRoundAt(t, i)
		return n
	}
	if _, ok := st.VillageRound(st.Area.ID); !ok {
		count = nil
	}
	return progressOf(ctx, db, st.Area, *st.Round, today, count)
}

// progressOf is ProgressOf with each village's counts in the round (the
// village being t.List[i]), nil to read them.
func progressOf(ctx context.Context, db *store.DB, area tree.Area, r store.Round, today time.Time, count func(t *store.AreaTree, i int) report.VillageRound) (Progress, error) {
	day := today.Format(time.DateOnly)
	p := Progress{Round: r, Area: area, Day: day}
	t, err := db.AreaTree(ctx)
	if err != nil {
		return Progress{}, fmt.Errorf("office: progress: %w", err)
	}
	if count == nil {
		counts, err := countVillages(ctx, db, area.ID, r.ID)
		if err != nil {
			return Progress{}, err
		}
		count = func(t *store.AreaTree, i int) report.VillageRound { return counts[t.List[i].ID] }
	}
	p.Villages = make([]VillageProgress, 0, t.Size(area.ID))
	at := make([]int32, len(t.List)) // by the tree's index: 1 + the village's in p.Villages, 0 for none
	for i, a := range t.List {
		if a.Kind == tree.Village && tree.Within(a.ID, area.ID) && r.Holds(a.ID) {
			a.Targets = slices.Clone(a.Targets) // the tree is shared
			n := count(t, i)
			p.Villages = append(p.Villages, VillageProgress{Village: a, Households: n.Households, Listed: n.Listed})
			at[i] = int32(len(p.Villages))
		}
	}
	byVillage := func(id string) *VillageProgress {
		if i, ok := t.ByID[id]; ok && at[i] > 0 {
			return &p.Villages[at[i]-1]
		}
		return nil
	}
	meetings, err := db.Meetings(ctx, r.ID)
	if err != nil {
		return Progress{}, fmt.Errorf("office: progress: %w", err)
	}
	for _, m := range meetings {
		if v := byVillage(m.AreaID); v != nil {
			v.Meeting, v.MeetingDay = m.State(), m.Day
			for _, vote := range m.Votes {
				if vote.Returned {
					v.Returned++
				}
			}
		}
	}
	postings, err := db.Postings(ctx, r.ID)
	if err != nil {
		return Progress{}, fmt.Errorf("office: progress: %w", err)
	}
	for _, post := range postings {
		v := byVillage(post.AreaID)
		if v == nil {
			continue
		}
		v.PostStart, v.PostEnd, v.Complaints = post.Start, post.End, len(post.Complaints)
		switch {
		case post.Ended(day):
			v.Posting = PostingEnded
		case post.Open(day):
			v.Posting = PostingOpen
		default:
			v.Posting = PostingScheduled
		}
		views, err := complaintViews(ctx, db, post)
		if err != nil {
			return Progress{}, err
		}
		for _, c := range views {
			if c.Open {
				v.OpenComplaints++
			}
		}
	}
	for i := range p.Villages {
		v := &p.Villages[i]
		v.Final = v.Meeting == store.MeetingHeld && v.Posting == PostingEnded && v.OpenComplaints == 0
	}
	slices.SortStableFunc(p.Villages, func(a, b VillageProgress) int { return cmp.Compare(a.Village.Order, b.Village.Order) })
	return p, nil
}

// countVillages reads each village's households in the round and those on
// its lists from the villages' counters (report.VillageRound): a
// province's 1,000,000 households are not read.
func countVillages(ctx context.Context, db *store.DB, areaID string, round uint64) (map[string]report.VillageRound, error) {
	picked, err := db.PickCounters(ctx, areaID, report.RoundPicks(round)...)
	if err != nil {
		return nil, fmt.Errorf("office: progress: %w", err)
	}
	out := make(map[string]report.VillageRound, len(picked))
	for id, n := range picked {
		out[id] = report.VillageRoundOf(n)
	}
	return out, nil
}

// errNotFinal is the refusal of a decision while villages' lists are not final.
func errNotFinal(p Progress) error {
	pending := p.NotFinal()
	if len(pending) == 0 {
		return nil
	}
	names := make([]string, len(pending))
	for i, v := range pending {
		names[i] = v.Village.Name
	}
	return refuse(ErrNotFinal, "office.decision_not_final", "count", len(pending), "villages", strings.Join(names, ", "))
}

// ErrNotFinal: some villages' lists are not final.
var ErrNotFinal = errors.New("office: villages' lists are not final")
