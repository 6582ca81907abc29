package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows/poverty"
	"sothon/store/counting"
)

// HouseholdBatch is a batch of register entries made ready to store by
// PrepareHouseholds, outside the writer's transaction: an import prepares
// a batch while the one before is being stored, so that the records'
// encoding and sorting take another core than the writing.
type HouseholdBatch struct {
	hhs []Household
	// fresh is what the batch writes when none of its households is in
	// the file yet (as a register's first import): nil when a household
	// comes twice.
	fresh *freshHouseholds
}

// freshHouseholds are the puts of households new to the file, each
// bucket's in key order, and the changes to the counters.
type freshHouseholds struct {
	households, facts, byArea []keyValue
	deltas                    counterDeltas
}

// PrepareHouseholds makes a batch ready for StoreHouseholds.
func PrepareHouseholds(hhs []Household) *HouseholdBatch {
	b := &HouseholdBatch{hhs: hhs}
	if !distinctIDs(hhs) {
		return b
	}
	f := &freshHouseholds{deltas: counterDeltas{}, households: make([]keyValue, 0, len(hhs)), byArea: make([]keyValue, 0, len(hhs))}
	// The facts of one kind sort apart from another's ("approved\x00…"
	// before "register\x00…" before "status\x00…").
	approved, register, status := make([]keyValue, 0, len(hhs)), make([]keyValue, 0, len(hhs)), make([]keyValue, 0, len(hhs))
	// The keys and records share a few large arrays, not a few small
	// ones each: a batch's puts, and the counters' names, once per status.
	var arena []byte
	take := func(start int) []byte { return arena[start:len(arena):len(arena)] }
	facts := map[string][3]counting.Contribution{}
	for i := range hhs {
		hh := hhs[i]
		if cap(arena)-len(arena) < 1024 {
			arena = make([]byte, 0, 256<<10)
		}
		kinds, ok := facts[hh.Status]
		if !ok {
			probe := hh
			kinds = newHousehold(&probe)
			facts[hh.Status] = kinds
		}
		newStanding(&hh)
		start := len(arena)
		arena = appendHousehold(arena, &hh)
		value := take(start)
		start = len(arena)
		arena = append(arena, hh.ID...)
		f.households = append(f.households, keyValue{take(start), value})
		start = len(arena)
		arena = append(append(append(arena, hh.AreaID...), 0), hh.ID...)
		key := take(start)
		start = len(arena)
		arena = append(arena, hh.HeadName...)
		f.byArea = append(f.byArea, keyValue{key, take(start)})
		for j, to := range []*[]keyValue{&register, &status, &approved} {
			c := kinds[j]
			f.deltas.bump(hh.AreaID, c.Names, 1)
			start = len(arena)
			arena = append(append(append(arena, c.Kind...), 0), hh.ID...)
			key := take(start)
			start = len(arena)
			arena = appendContribution(arena, storedContribution{Area: hh.AreaID, Names: c.Names})
			*to = append(*to, keyValue{key, take(start)})
		}
	}
	for _, kvs := range [][]keyValue{f.households, f.byArea, approved, register, status} {
		inKeyOrder(kvs)
	}
	f.facts = slices.Concat(approved, register, status)
	b.fresh = f
	return b
}

func inKeyOrder(kvs []keyValue) {
	byKey := func(x, y keyValue) int { return bytes.Compare(x.key, y.key) }
	if !slices.IsSortedFunc(kvs, byKey) {
		slices.SortFunc(kvs, byKey)
	}
}

// newHousehold derives the standing of a household new to the file, which
// has no forms (a form stores its household), from its register entry,
// and gives its facts: register, status and approved. They depend on its
// status alone (and its id, their key).
func newHousehold(hh *Household) [3]counting.Contribution {
	newStanding(hh)
	return [3]counting.Contribution{registerContribution(*hh), statusContribution(hh), approvedContribution(hh.ID, hh.Approved)}
}

// registerContribution is what a household's register entries count: the
// list of the status its register last gave it (registerStatus, as a
// recount reads it), none when no register gave one.
func registerContribution(hh Household) counting.Contribution {
	c := counting.Contribution{Kind: "register", Key: hh.ID}
	if status, ok := registerStatus(hh, time.Time{}); ok {
		c.Names = []string{counting.RegisterCounter(poverty.Class(status))}
	}
	return c
}

// newStanding is newHousehold's standing alone.
func newStanding(hh *Household) {
	if hh.Status != "" {
		hh.History = append(slices.Clip(hh.History), StatusChange{At: hh.StatusAt, Status: hh.Status})
	}
	approved, all := officialStatus(*hh, nil, time.Time{}, time.Time{}, 0)
	hh.Status, hh.StatusAt, hh.Approved = all.Class, all.At, approved.Class
}

// ImportHouseholds adds or replaces register entries in one transaction.
// Their status is also the official list's ("register:poor" …), the
// baseline that poverty-reduction targets count from.
func (db *DB) ImportHouseholds(ctx context.Context, hhs []Household) error {
	return db.StoreHouseholds(ctx, PrepareHouseholds(hhs))
}

// StoreHouseholds is ImportHouseholds of a batch made ready.
func (db *DB) StoreHouseholds(ctx context.Context, b *HouseholdBatch) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		// A register in id order comes as thousands of new households a
		// commit, each after the last: their pages filled whole as they
		// split keep the file near its data (half-empty pages were half of
		// a province's file). Households that go between others keep
		// bbolt's half-filled pages, or each would split a full one.
		// Households after every one stored are none of them stored yet.
		households := tx.Bucket(bucketHouseholds)
		fresh := appends(households, b.hhs)
		if fresh {
			for _, name := range [][]byte{bucketHouseholds, bucketHHByArea, bucketFacts} {
				tx.Bucket(name).FillPercent = denseFill
			}
		}
		if b.fresh != nil && (fresh || noneStored(households, b.hhs)) {
			return b.fresh.store(tx)
		}
		return importHouseholds(tx, b.hhs, fresh)
	})
	if err != nil {
		return fmt.Errorf("store: import households: %w", err)
	}
	return nil
}

// store writes the households, their facts and the area index, each in
// key order, and the counters.
func (f *freshHouseholds) store(tx *bolt.Tx) error {
	for _, p := range []struct {
		bucket []byte
		kvs    []keyValue
	}{{bucketHouseholds, f.households}, {bucketFacts, f.facts}, {bucketHHByArea, f.byArea}} {
		b := tx.Bucket(p.bucket)
		for _, kv := range p.kvs {
			if err := b.Put(kv.key, kv.value); err != nil {
				return err
			}
		}
	}
	return f.deltas.flush(tx)
}

// noneStored tells whether none of the households is in the file.
func noneStored(b *bolt.Bucket, hhs []Household) bool {
	c := b.Cursor() // one cursor, reused: a new one grows its stack afresh
	for _, hh := range hhs {
		if k, _ := c.Seek([]byte(hh.ID)); k != nil && string(k) == hh.ID {
			return false
		}
	}
	return true
}

// importHouseholds stores households some of which may be in the file.
func importHouseholds(tx *bolt.Tx, hhs []Household, fresh bool) error {
	deltas := counterDeltas{}
	// The facts and the area index are written in key order at the end,
	// when no household comes twice (a second would read what the first
	// wrote).
	put, sorted := putter(putNow), &sortedPuts{}
	if distinctIDs(hhs) {
		put = sorted.put
	}
	rounds, err := allRounds(tx)
	if err != nil {
		return err
	}
	households := tx.Bucket(bucketHouseholds).Cursor()
	for i := range hhs {
		hh := hhs[i] // a batched commit may run this again
		stored := false
		if !fresh {
			var old Household
			k, v := households.Seek([]byte(hh.ID))
			if stored = k != nil && string(k) == hh.ID; stored {
				if err := decodeHousehold(v, &old); err != nil {
					return fmt.Errorf("household %s: %w", hh.ID, err)
				}
				if old.AreaID != hh.AreaID {
					if err := tx.Bucket(bucketHHByArea).Delete(hhAreaKey(old.AreaID, old.ID)); err != nil {
						return err
					}
				}
				hh.History, hh.LastSubmission = old.History, old.LastSubmission
			}
		}
		if !stored {
			if err := standNew(tx, &hh, deltas.bump, put); err != nil {
				return err
			}
			continue
		}
		if hh.Status != "" {
			hh.History = append(hh.History, StatusChange{At: hh.StatusAt, Status: hh.Status})
		}
		if err := putContribution(tx, hh.AreaID, registerContribution(hh), deltas.bump, put); err != nil {
			return err
		}
		if _, err := restand(tx, &hh, rounds, deltas.bump, put); err != nil {
			return err
		}
	}
	if err := sorted.flush(); err != nil {
		return err
	}
	return deltas.flush(tx)
}

// distinctIDs tells whether no household comes twice.
func distinctIDs(hhs []Household) bool {
	seen := make(map[string]bool, len(hhs))
	for _, hh := range hhs {
		if seen[hh.ID] {
			return false
		}
		seen[hh.ID] = true
	}
	return true
}

// appends tells whether households come in id order after every one
// stored.
func appends(b *bolt.Bucket, hhs []Household) bool {
	last, _ := b.Cursor().Last()
	for _, hh := range hhs {
		if hh.ID <= string(last) {
			return false
		}
		last = []byte(hh.ID)
	}
	return true
}
