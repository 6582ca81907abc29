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
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.yaml.in/yaml/v3"

	"sothon/flows/poverty"
)

// A reorganisation merges, renames and moves areas from a date on, as the
// provinces and communes were rearranged on 1/7/2025 (two tiers, no
// district). Area ids are paths, so a village under a new ward has a new
// id: every record that holds an area id follows, in one transaction, and
// the mapping from old ids to new ones is kept (bucket area_moves) so that
// an old id still names its area of today.

// Plan is a reorganisation as a province writes it (see
// store/areas/plans/bac-kan-2025.yaml).
type Plan struct {
	Effective string     `yaml:"effective"` // YYYY-MM-DD
	Top       PlanTop    `yaml:"top"`
	Units     []PlanUnit `yaml:"units"`
}

// PlanTop is the new top of the tree and the old one it replaces.
type PlanTop struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
	From string `yaml:"from"`
}

// PlanUnit is a ward or commune of the new tree, with what it takes in:
// whole areas of the old tree (all their villages), and villages moved one
// by one or given a new id where two of the same id would meet.
type PlanUnit struct {
	ID       string        `yaml:"id"`
	Name     string        `yaml:"name"`
	Kind     string        `yaml:"kind"`
	From     []string      `yaml:"from"`
	Villages []PlanVillage `yaml:"villages"`
}

// PlanVillage moves one village (From, its old id) into the unit; ID and
// Name, when set, replace its local id and its name; the villages of Merge
// (old ids) join it, as the village mergers of 2026 will do.
type PlanVillage struct {
	From  string   `yaml:"from"`
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name"`
	Merge []string `yaml:"merge"`
}

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
	Areas     []Area
	Records   map[string]int // households, users, invites, runs, submissions, rounds, targets, digests
}

// ErrPlan is a plan that does not fit the areas it is applied to.
var ErrPlan = errors.New("store: reorganisation plan")

// ErrAreasReorganised is an area tree that still names areas a
// reorganisation replaced.
var ErrAreasReorganised = errors.New("store: the area tree names areas that were reorganised")

var errDryRun = errors.New("dry run")

// ParsePlan reads a plan file.
func ParsePlan(data []byte) (Plan, error) {
	var p Plan
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Plan{}, fmt.Errorf("%w: %v", ErrPlan, err)
	}
	if _, err := time.Parse(time.DateOnly, p.Effective); err != nil {
		return Plan{}, fmt.Errorf("%w: effective: a date YYYY-MM-DD", ErrPlan)
	}
	return p, nil
}

// Apply computes the tree after the plan from the tree before it, and the
// new id of every old area. Each old village goes to exactly one new unit;
// an area above villages goes to the smallest new area holding all of its
// villages (the top when they went to several units).
func (p Plan) Apply(old []Area) ([]Area, map[string]string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrPlan, fmt.Sprintf(format, args...))
	}
	byID := map[string]Area{}
	for _, a := range old {
		byID[a.ID] = a
	}
	top, ok := byID[p.Top.From]
	if !ok || top.Parent != "" {
		return nil, nil, bad("top.from %q is not the top of the tree", p.Top.From)
	}
	if !slugPattern.MatchString(p.Top.ID) || strings.TrimSpace(p.Top.Name) == "" || !kinds[p.Top.Kind] || p.Top.Kind == KindVillage {
		return nil, nil, bad("top: needs an id, a name and a kind")
	}
	newTop := Area{ID: p.Top.ID, Name: p.Top.Name, Kind: p.Top.Kind, Setting: top.Setting}
	out := []Area{newTop}
	mapping := map[string]string{top.ID: newTop.ID}
	placed := map[string]string{} // old village → new village
	// Villages a unit names on their own, outside the areas it takes in
	// whole, and those merged into another village, are left out of the
	// whole areas they were in.
	claimed := map[string]bool{}
	for _, u := range p.Units {
		for _, pv := range u.Villages {
			if !slices.ContainsFunc(u.From, func(f string) bool { return Within(pv.From, f) }) {
				claimed[pv.From] = true
			}
			for _, m := range pv.Merge {
				claimed[m] = true
			}
		}
	}
	units := map[string]bool{}
	for _, u := range p.Units {
		if !slugPattern.MatchString(u.ID) || strings.TrimSpace(u.Name) == "" || (u.Kind != KindWard && u.Kind != KindCommune) {
			return nil, nil, bad("unit %q: needs an id (lowercase letters, digits, -), a name and a kind (ward or commune)", u.ID)
		}
		if units[u.ID] {
			return nil, nil, bad("unit %q twice", u.ID)
		}
		units[u.ID] = true
		uid := newTop.ID + "/" + u.ID
		setting := kindSetting(u.Kind)
		out = append(out, Area{ID: uid, Name: u.Name, Kind: u.Kind, Setting: setting, Parent: newTop.ID})
		local := map[string]string{} // local id → old village, to catch two of one id
		place := func(v Area, pv PlanVillage) error {
			if _, done := placed[v.ID]; done {
				return bad("village %s is placed twice", v.ID)
			}
			id := pv.ID
			if id == "" {
				id = v.ID[strings.LastIndex(v.ID, "/")+1:]
			}
			if !slugPattern.MatchString(id) {
				return bad("village %s: id %q: use lowercase ASCII letters, digits and -", v.ID, id)
			}
			if other, clash := local[id]; clash {
				return bad("%s and %s would both be %s/%s: give one an id under villages", other, v.ID, uid, id)
			}
			local[id] = v.ID
			nv := v
			nv.ID, nv.Parent, nv.Setting = uid+"/"+id, uid, setting
			if pv.Name != "" {
				nv.Name = pv.Name
			}
			placed[v.ID] = nv.ID
			for _, m := range pv.Merge {
				mv, ok := byID[m]
				if _, done := placed[m]; done || !ok || mv.Kind != KindVillage {
					return bad("village %s: merge %q is no village of the tree left to merge", v.ID, m)
				}
				placed[m] = nv.ID
				nv.HouseholdsTotal += mv.HouseholdsTotal
				nv.Demo = append(slices.Clone(nv.Demo), mv.Demo...)
			}
			out = append(out, nv)
			return nil
		}
		mine := map[string]PlanVillage{}
		for _, pv := range u.Villages {
			mine[pv.From] = pv
		}
		for _, from := range u.From {
			a, ok := byID[from]
			if !ok || a.Kind == KindVillage || from == top.ID {
				return nil, nil, bad("unit %s: from %q is no ward, commune or district of the tree", u.ID, from)
			}
			mapping[from] = uid
			for _, v := range old {
				if v.Kind != KindVillage || !Within(v.ID, from) {
					continue
				}
				pv, listed := mine[v.ID]
				if !listed && claimed[v.ID] {
					continue // moved on its own, or merged into another village
				}
				if err := place(v, pv); err != nil {
					return nil, nil, err
				}
			}
		}
		for _, pv := range u.Villages {
			if to, done := placed[pv.From]; done && strings.HasPrefix(to, uid+"/") {
				continue // taken in with its unit
			}
			v, ok := byID[pv.From]
			if !ok || v.Kind != KindVillage {
				return nil, nil, bad("unit %s: village %q is not in the tree", u.ID, pv.From)
			}
			if err := place(v, pv); err != nil {
				return nil, nil, err
			}
		}
	}
	var missing []string
	for _, a := range old {
		if a.Kind == KindVillage {
			if _, ok := placed[a.ID]; !ok {
				missing = append(missing, a.ID)
			}
		}
	}
	if len(missing) > 0 {
		return nil, nil, bad("no unit takes in %s", strings.Join(missing, ", "))
	}
	for old, nv := range placed {
		mapping[old] = nv
	}
	// Areas above villages not taken whole: the smallest new area that
	// holds all their villages.
	for _, a := range old {
		if _, ok := mapping[a.ID]; ok {
			continue
		}
		to := ""
		for v, nv := range placed {
			if !Within(v, a.ID) {
				continue
			}
			parent := nv[:strings.LastIndex(nv, "/")]
			if to == "" || to == parent {
				to = parent
			} else {
				to = newTop.ID
			}
		}
		if to == "" {
			to = newTop.ID
		}
		mapping[a.ID] = to
	}
	// Targets follow their areas, added up by year where areas merged;
	// households totals are added up again.
	targets := map[string]map[int]int{}
	for _, a := range old {
		for _, t := range a.Targets {
			to := mapping[a.ID]
			if targets[to] == nil {
				targets[to] = map[int]int{}
			}
			targets[to][t.Year] += t.PoorReduction
		}
	}
	index := map[string]int{}
	for i := range out {
		out[i].Order = i
		out[i].Targets = nil
		for year, n := range targets[out[i].ID] {
			out[i].Targets = append(out[i].Targets, Target{Year: year, PoorReduction: n})
		}
		slices.SortFunc(out[i].Targets, func(a, b Target) int { return a.Year - b.Year })
		index[out[i].ID] = i
		if out[i].Kind != KindVillage {
			out[i].HouseholdsTotal = 0
		}
	}
	for _, a := range slices.Backward(out) {
		if a.Parent != "" {
			out[index[a.Parent]].HouseholdsTotal += a.HouseholdsTotal
		}
	}
	return out, mapping, nil
}

// kindSetting is the poverty line a ward (urban) or commune (rural) uses.
func kindSetting(kind string) poverty.Kind {
	if kind == KindCommune {
		return poverty.Rural
	}
	return poverty.Urban
}

// Reorganise applies a plan to the stored areas and everything that holds
// an area id, in one transaction: the area tree becomes the plan's,
// households, users, invites, runs in progress, submissions and their
// queues, rounds, targets and digest snapshots move to the new ids, the
// counters are recounted, the mapping is recorded and the change goes to
// the audit log. A dry run computes the same summary and keeps nothing.
func (db *DB) Reorganise(ctx context.Context, p Plan, at time.Time, by string, dryRun bool) (sum ReorganiseSummary, err error) {
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db.writers.Add(1)
	defer db.writers.Add(-1)
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
		for name, b := range map[string][]byte{"households": bucketHouseholds, "users": bucketUsers, "invites": bucketInvites,
			"runs": bucketRuns, "submissions": bucketSubmissions} {
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
		if errors.Is(err, ErrPlan) || errors.Is(err, ErrRoundOpen) {
			return ReorganiseSummary{}, err
		}
		return ReorganiseSummary{}, fmt.Errorf("store: reorganise: %w", err)
	}
	return sum, nil
}

func areasOf(tx *bolt.Tx) ([]Area, error) {
	var out []Area
	err := tx.Bucket(bucketAreas).ForEach(func(_, v []byte) error {
		var a Area
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, err
}

// openRoundsApart refuses a plan that would bring two open rounds onto
// one village (rounds already moved to the new ids): no two open rounds
// share a village.
func openRoundsApart(tx *bolt.Tx, areas []Area) error {
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
			if a.Kind != KindVillage || !r.Holds(a.ID) {
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
func rewriteRounds(tx *bolt.Tx, old, areas []Area, mapping map[string]string) (int, error) {
	villagesUnder := func(tree []Area, id string) []string {
		var out []string
		for _, a := range tree {
			if a.Kind == KindVillage && Within(a.ID, id) {
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
	var x, y Target
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
