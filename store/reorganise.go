package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
)

// A reorganisation merges, renames and moves areas from a date on, as the
// provinces and communes were rearranged on 1/7/2025 (two tiers, no
// district). Area ids are paths, so a village under a new ward has a new
// id: every record that holds an area id follows, in one transaction, and
// the mapping from old ids to new ones is kept (bucket area_moves) so that
// an old id still names its area of today.

// AreaMove is one line of the recorded mapping: the area that was Old is
// New from Effective on.
type AreaMove struct {
	Old       string    `json:"old"`
	New       string    `json:"new"`
	Effective string    `json:"effective"`
	Applied   time.Time `json:"applied"`
	By        string    `json:"by"`
}

// ReorganiseSummary is what a reorganisation changes (or would change, on
// a dry run): the mapping, the tree after it and the records rewritten,
// by kind.
type ReorganiseSummary struct {
	Effective string
	Moves     []AreaMove
	Areas     []tree.Area
	Records   map[string]int // households, users, invites, runs, submissions, rounds, targets, digests
}

// ErrAreasReorganised is an area tree that still names areas a
// reorganisation replaced.
var ErrAreasReorganised = errors.New("store: the area tree names areas that were reorganised")

var errDryRun = errors.New("dry run")

// Reorganise applies a plan to the stored areas and everything that holds
// an area id, in one transaction: the area tree becomes the plan's,
// households, users, invites, runs in progress, submissions and their
// queues, rounds, targets and digest snapshots move to the new ids, the
// counters are recounted, the mapping is recorded and the change goes to
// the audit log. A dry run computes the same summary and keeps nothing.
func (db *DB) Reorganise(ctx context.Context, p tree.Plan, at time.Time, by string, dryRun bool) (sum ReorganiseSummary, err error) {
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db.commits.writers.Add(1)
	defer db.commits.writers.Add(-1)
	defer db.changingAreas()()
	defer db.changingRounds()() // rounds move to the new ids
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		sum = ReorganiseSummary{Effective: p.Effective, Records: map[string]int{}}
		old, err := areasOf(tx)
		if err != nil {
			return err
		}
		areas, mapping, err := p.Apply(old)
		if err != nil {
			return err
		}
		sum.Areas = areas
		for _, a := range old {
			if to := mapping[a.ID]; to != a.ID {
				sum.Moves = append(sum.Moves, AreaMove{Old: a.ID, New: to, Effective: p.Effective, Applied: at.UTC(), By: by})
			}
		}
		if sum.Records["rounds"], err = rewriteRounds(tx, old, areas, mapping); err != nil {
			return err
		}
		if err := openRoundsApart(tx, areas); err != nil {
			return err
		}
		if sum.Records["users"], sum.Records["runs"], err = moveChatAreas(tx, mapping); err != nil {
			return err
		}
		if sum.Records["households"], err = moveAreas(tx.Bucket(bucketHouseholds), mapping, decodeHousehold,
			func(hh *Household) *string { return &hh.AreaID },
			func(b *bolt.Bucket, k []byte, hh *Household) error { return b.Put(k, encodeHousehold(hh)) }); err != nil {
			return fmt.Errorf("households: %w", err)
		}
		for name, b := range map[string][]byte{"invites": bucketInvites,
			"submissions": bucketSubmissions, "meetings": bucketMeetings, "postings": bucketPostings,
			"requests": bucketRequests} {
			n, err := rewriteAreaField(tx.Bucket(b), mapping)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			sum.Records[name] = n
		}
		for _, b := range [][]byte{bucketHHByArea, bucketSubByArea, bucketPending, bucketReturned} {
			if _, err := rewriteAreaKeys(tx.Bucket(b), mapping, nil); err != nil {
				return err
			}
		}
		// Two villages merged in the middle of a round's meetings keep the
		// record of the one moved last under the new id; the audit log
		// keeps what both did.
		for _, b := range [][]byte{bucketMeetings, bucketPostings} {
			if _, err := rewriteAreaKeys(tx.Bucket(b), mapping, nil); err != nil {
				return err
			}
		}
		sum.Records["targets"], err = rewriteAreaKeys(tx.Bucket(bucketTargets), mapping, mergeTargets)
		if err != nil {
			return err
		}
		sum.Records["digests"], err = rewriteAreaKeys(tx.Bucket(bucketDigests), mapping, mergeSnapshots)
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketAreas); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bucketAreas)
		if err != nil {
			return err
		}
		for _, a := range areas {
			if err := putJSON(b, []byte(a.ID), a); err != nil {
				return err
			}
		}
		if err := recordMoves(tx, sum.Moves, mapping); err != nil {
			return err
		}
		if err := rebuildCounters(tx); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s: %s → %s, %d areas moved", p.Effective, p.Top.From, p.Top.ID, len(sum.Moves))
		if err := appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "areas_reorganise", Detail: detail}}); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return sum, nil
	}
	if err != nil {
		if errors.Is(err, tree.ErrPlan) || errors.Is(err, ErrRoundOpen) {
			return ReorganiseSummary{}, err
		}
		return ReorganiseSummary{}, fmt.Errorf("store: reorganise: %w", err)
	}
	return sum, nil
}

func areasOf(tx *bolt.Tx) ([]tree.Area, error) {
	out, err := readAreas(tx)
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, err
}

// openRoundsApart refuses a plan that would bring two open rounds onto
// one village (rounds already moved to the new ids): no two open rounds
// share a village.
func openRoundsApart(tx *bolt.Tx, areas []tree.Area) error {
	rounds, err := allRounds(tx)
	if err != nil {
		return err
	}
	taken := map[string]string{} // village → the open round's name
	for _, r := range rounds {
		if !r.IsOpen() {
			continue
		}
		for _, a := range areas {
			if a.Kind != tree.Village || !r.Holds(a.ID) {
				continue
			}
			if other, ok := taken[a.ID]; ok {
				return fmt.Errorf("%w: rounds %q and %q would both cover %s", ErrRoundOpen, other, r.Name, a.ID)
			}
			taken[a.ID] = r.Name
		}
	}
	return nil
}

// rewriteRounds moves each round to the new id of its area. A round whose
// area was merged with others keeps to its own villages (Round.Villages),
// so that its figures stay what they were.
func rewriteRounds(tx *bolt.Tx, old, areas []tree.Area, mapping map[string]string) (int, error) {
	villagesUnder := func(areas []tree.Area, id string) []string {
		var out []string
		for _, a := range areas {
			if a.Kind == tree.Village && tree.Within(a.ID, id) {
				out = append(out, a.ID)
			}
		}
		slices.Sort(out)
		return out
	}
	return rewriteRecords(tx.Bucket(bucketRounds), func(rec map[string]json.RawMessage) bool {
		var area string
		var villages []string
		json.Unmarshal(rec["area_id"], &area)
		json.Unmarshal(rec["villages"], &villages)
		to, moved := mapping[area]
		if area == "" || !moved || to == area {
			return false
		}
		if len(villages) == 0 {
			villages = villagesUnder(old, area)
		}
		for i, v := range villages {
			if nv, ok := mapping[v]; ok {
				villages[i] = nv
			}
		}
		slices.Sort(villages)
		rec["area_id"], _ = json.Marshal(to)
		delete(rec, "villages")
		if !slices.Equal(villages, villagesUnder(areas, to)) {
			rec["villages"], _ = json.Marshal(villages)
		}
		return true
	})
}

// rewriteAreaField gives each record of b whose area_id the mapping moves
// its new area id, leaving every other field as it is.
func rewriteAreaField(b *bolt.Bucket, mapping map[string]string) (int, error) {
	return rewriteRecords(b, func(rec map[string]json.RawMessage) bool {
		var area string
		if raw, ok := rec["area_id"]; !ok || json.Unmarshal(raw, &area) != nil {
			return false
		}
		to, ok := mapping[area]
		if !ok || to == area {
			return false
		}
		rec["area_id"], _ = json.Marshal(to)
		return true
	})
}

// rewriteRecords passes each JSON record of b to edit, as a map of its
// fields so that the fields it does not touch stay as they were, and
// stores those it changed; it returns how many.
func rewriteRecords(b *bolt.Bucket, edit func(rec map[string]json.RawMessage) (changed bool)) (int, error) {
	type change struct{ key, value []byte }
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if !edit(rec) {
			return nil
		}
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		changes = append(changes, change{bytes.Clone(k), data})
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, c := range changes {
		if err := b.Put(c.key, c.value); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// rewriteAreaKeys moves the keys of b that start with a moved area id
// (area, NUL, the rest) to the new id; merge joins two values that meet
// under one key (nil when keys cannot meet).
func rewriteAreaKeys(b *bolt.Bucket, mapping map[string]string, merge func(a, b []byte) ([]byte, error)) (int, error) {
	type change struct{ from, to, value []byte }
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		area, rest, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return nil
		}
		to, moved := mapping[string(area)]
		if !moved || to == string(area) {
			return nil
		}
		changes = append(changes, change{bytes.Clone(k), append([]byte(to+"\x00"), rest...), bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, c := range changes {
		if err := b.Delete(c.from); err != nil {
			return 0, err
		}
	}
	for _, c := range changes {
		value := c.value
		if there := b.Get(c.to); there != nil && merge != nil {
			if value, err = merge(there, value); err != nil {
				return 0, err
			}
		}
		if err := b.Put(c.to, value); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// mergeTargets adds up the goals of two areas merged into one.
func mergeTargets(a, b []byte) ([]byte, error) {
	var x, y tree.Target
	if err := errors.Join(json.Unmarshal(a, &x), json.Unmarshal(b, &y)); err != nil {
		return nil, err
	}
	x.PoorReduction += y.PoorReduction
	return json.Marshal(x)
}

// mergeSnapshots adds up what two digests reported for one week, so that
// the next digest of the merged area shows its change against both.
func mergeSnapshots(a, b []byte) ([]byte, error) {
	var x, y Snapshot
	if err := errors.Join(json.Unmarshal(a, &x), json.Unmarshal(b, &y)); err != nil {
		return nil, err
	}
	x.Poor, x.NearPoor, x.Middle = x.Poor+y.Poor, x.NearPoor+y.NearPoor, x.Middle+y.Middle
	return json.Marshal(x)
}

// recordMoves keeps the new moves, and brings those of earlier
// reorganisations to today's ids.
func recordMoves(tx *bolt.Tx, moves []AreaMove, mapping map[string]string) error {
	b := tx.Bucket(bucketAreaMoves)
	var earlier [][2][]byte
	err := b.ForEach(func(k, v []byte) error {
		earlier = append(earlier, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, kv := range earlier {
		var m AreaMove
		if err := json.Unmarshal(kv[1], &m); err != nil {
			return err
		}
		if to, ok := mapping[m.New]; ok && to != m.New {
			m.New = to
			if err := putJSON(b, kv[0], m); err != nil {
				return err
			}
		}
	}
	for _, m := range moves {
		if err := putJSON(b, []byte(m.Effective+"\x00"+m.Old), m); err != nil {
			return err
		}
	}
	return nil
}

func movesOf(tx *bolt.Tx) ([]AreaMove, error) {
	var out []AreaMove
	err := tx.Bucket(bucketAreaMoves).ForEach(func(_, v []byte) error {
		var m AreaMove
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// AreaMoves lists the recorded mapping of reorganisations, oldest first:
// each old id with the id of its area today.
func (db *DB) AreaMoves(ctx context.Context) ([]AreaMove, error) {
	var out []AreaMove
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = movesOf(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: area moves: %w", err)
	}
	return out, nil
}

// movedAway are the ids a reorganisation replaced and no area has today.
func movedAway(tx *bolt.Tx) (map[string]AreaMove, error) {
	moves, err := movesOf(tx)
	if err != nil {
		return nil, err
	}
	out := map[string]AreaMove{}
	for _, m := range moves {
		out[m.Old] = m
	}
	for _, m := range moves {
		delete(out, m.New)
	}
	return out, nil
}
