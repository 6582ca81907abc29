package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows/poverty"
	"sothon/store/counting"
)

// The counters are kept up to date one record at a time. A recount derives
// them afresh from what they count — the households with their history, the
// submissions with the contributions they brought, the rounds — so that `sothon
// check` and the test helper can prove the two agree.

// CounterDiff is one counter that differs from its recount.
type CounterDiff struct {
	Area, Name      string
	Stored, Recount int64
}

func (d CounterDiff) String() string {
	return fmt.Sprintf("%s: %s is %d, recount gives %d", d.Area, d.Name, d.Stored, d.Recount)
}

// CheckCounters recounts every village counter and lists those that
// differ, by area and name.
func (db *DB) CheckCounters(ctx context.Context) ([]CounterDiff, error) {
	var diffs []CounterDiff
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, want, err := recount(tx, time.Time{}, "")
		if err != nil {
			return err
		}
		have := map[string]Counters{}
		in := names{}
		err = tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
			c, err := decodeCounters(v, in)
			if err != nil {
				return fmt.Errorf("counters of %s: %w", k, err)
			}
			have[string(k)] = c
			return nil
		})
		if err != nil {
			return err
		}
		diffs = compareCounters(have, want)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: check counters: %w", err)
	}
	return diffs, nil
}

func compareCounters(have, want map[string]Counters) []CounterDiff {
	var diffs []CounterDiff
	for _, area := range unionKeys(have, want) {
		h, w := have[area], want[area]
		for _, name := range unionKeys(h, w) {
			if h[name] != w[name] {
				diffs = append(diffs, CounterDiff{Area: area, Name: name, Stored: h[name], Recount: w[name]})
			}
		}
	}
	return diffs
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// CountersAsOf recounts the counters of areaID's subtree as they stood at
// a moment past: statuses from the households' history, reviews and contributions
// from the submissions received by then. Week counters are the same as the
// kept ones; the rest are what a digest of that week would have shown.
func (db *DB) CountersAsOf(ctx context.Context, areaID string, at time.Time) (map[string]Counters, error) {
	var out map[string]Counters
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		_, out, err = recount(tx, at, areaID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: counters of %s as of %s: %w", areaID, at.Format(time.DateOnly), err)
	}
	return out, nil
}

// recount derives every contribution and the counters they add up to, as of a
// moment (zero: now) and within an area's subtree (empty: everywhere).
func recount(tx *bolt.Tx, asOf time.Time, scope string) (map[string]storedContribution, map[string]Counters, error) {
	within := func(area string) bool {
		return scope == "" || area == scope || strings.HasPrefix(area, scope+"/")
	}
	facts := map[string]storedContribution{}
	households := map[string]*Household{}
	err := tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
		hh := &Household{}
		if err := decodeHousehold(v, hh); err != nil {
			return fmt.Errorf("household %s: %w", k, err)
		}
		if within(hh.AreaID) {
			households[hh.ID] = hh
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rounds, err := allRounds(tx)
	if err != nil {
		return nil, nil, err
	}
	counters := map[string]Counters{}
	forms := map[string][]classified{} // each household's classified forms, oldest first
	err = tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
		var s counted
		if err := json.Unmarshal(v, &s); err != nil {
			if id, kerr := seqOf(k); kerr == nil {
				return fmt.Errorf("submission %d: %w", id, err)
			}
			return fmt.Errorf("submission %x: %w", k, err)
		}
		if !within(s.AreaID) || (!asOf.IsZero() && s.SubmittedAt.After(asOf)) {
			return nil
		}
		countRecords(counters, facts, s)
		rv, err := reviewOf(tx, s.ID)
		if err != nil {
			return err
		}
		if s.Class != "" && households[s.HouseholdID] != nil {
			forms[s.HouseholdID] = append(forms[s.HouseholdID], classified{counted: s, Review: rv})
		}
		facts[string(contributionKey("review", strconv.FormatUint(s.ID, 10)))] = storedContribution{Area: s.AreaID,
			Names: []string{counting.ReviewCounter(rv.StateAt(asOf))}}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, hh := range households {
		standingFacts(facts, standingOf(*hh, forms[hh.ID], rounds, asOf), asOf)
	}
	for _, f := range facts {
		bump(counters, f.Area, 1, f.Names...)
	}
	return facts, counters, nil
}

// standingFacts are what a household's standing counts: the same facts
// restand keeps, and the register's status.
func standingFacts(facts map[string]storedContribution, st Standing, asOf time.Time) {
	hh := st.Household
	names := []string{counting.HouseholdsCounter}
	if st.All.Class != "" {
		names = append(names, counting.StatusCounter(poverty.Class(st.All.Class)))
	}
	facts[string(contributionKey("status", hh.ID))] = storedContribution{Area: hh.AreaID, Names: names}
	if reg, ok := registerStatus(hh, asOf); ok {
		facts[string(contributionKey("register", hh.ID))] = storedContribution{Area: hh.AreaID, Names: []string{counting.RegisterCounter(poverty.Class(reg))}}
	}
	if c := approvedContribution(hh.ID, st.Approved.Class); len(c.Names) > 0 {
		facts[string(contributionKey(c.Kind, c.Key))] = storedContribution{Area: hh.AreaID, Names: c.Names}
	}
	for _, r := range st.Rounds {
		facts[string(contributionKey(roundKind(r.Round), hh.ID))] = storedContribution{Area: r.Area, Names: r.names()}
	}
}

// counted is what the counters take from a submission: decoding only this
// leaves its answers unread, which makes a recount several times faster.
type counted struct {
	ID            uint64                  `json:"id"`
	Form          string                  `json:"form"`
	AreaID        string                  `json:"area_id"`
	HouseholdID   string                  `json:"household_id"`
	SubmittedAt   time.Time               `json:"submitted_at"`
	Class         string                  `json:"class"`
	Contributions []counting.Contribution `json:"contributions"`
	Counted       map[string]string       `json:"counted"`
}

// countRecords adds what one submission counts itself: its week and its
// contributions.
func countRecords(counters map[string]Counters, facts map[string]storedContribution, s counted) {
	week := ISOWeek(s.SubmittedAt)
	bump(counters, s.AreaID, 1, counting.WeekCounter(week), counting.WeekFormCounter(week, s.Form))
	for _, f := range submissionContributions(s.Contributions, s.Counted) {
		facts[string(contributionKey(f.Kind, s.HouseholdID+"\x00"+f.Key))] = storedContribution{Area: s.AreaID, Names: f.Names}
	}
}

func bump(counters map[string]Counters, area string, delta int64, names ...string) {
	if len(names) == 0 {
		return
	}
	c := counters[area]
	if c == nil {
		c = Counters{}
		counters[area] = c
	}
	for _, n := range names {
		c[n] += delta
	}
}

// registerStatus is the status a household had in the latest register
// imported (by asOf, unless it is zero): the newest change of its history
// that no submission made.
func registerStatus(hh Household, asOf time.Time) (string, bool) {
	for _, ch := range slices.Backward(hh.History) {
		if ch.Submission == 0 && (asOf.IsZero() || !ch.At.After(asOf)) {
			return ch.Status, true
		}
	}
	return "", false
}

// Counts reports whether a round counts a submission: a review (it gave a
// class) of a village of its area, dated on one of its days and received
// by its close.
func (r Round) Counts(area, class string, at time.Time) bool {
	return class != "" && r.Holds(area) && r.Covers(at) && (r.IsOpen() || !at.After(r.Closed))
}

func allRounds(tx *bolt.Tx) ([]Round, error) {
	var out []Round
	err := tx.Bucket(bucketRounds).ForEach(func(_, v []byte) error {
		var r Round
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// rebuildCounters replaces the facts and counters with a recount.
func rebuildCounters(tx *bolt.Tx) error {
	facts, counters, err := recount(tx, time.Time{}, "")
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketFacts, bucketCounters} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	// In key order: a put in random order moves every key after it in the
	// node, and one transaction's node only splits at the commit, so a
	// large recount would be quadratic.
	b := tx.Bucket(bucketFacts)
	for _, key := range slices.Sorted(maps.Keys(facts)) {
		if err := b.Put([]byte(key), encodeContribution(facts[key])); err != nil {
			return err
		}
	}
	b = tx.Bucket(bucketCounters)
	for _, area := range slices.Sorted(maps.Keys(counters)) {
		c := counters[area]
		for name, n := range c {
			if n == 0 {
				delete(c, name)
			}
		}
		if err := b.Put([]byte(area), encodeCounters(c)); err != nil {
			return err
		}
	}
	return nil
}
