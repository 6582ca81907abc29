package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
)

// ErrTargetBad means a target's year or number cannot be right.
var ErrTargetBad = errors.New("store: a target needs a year from 2000 to 2100 and a reduction from 0 to 1,000,000 households")

// SetTarget sets an area's poverty-reduction goal for a year (a reduction
// of 0 removes it). It is kept apart from the areas file too, so that the
// next start, which loads the file again, keeps it.
func (db *DB) SetTarget(ctx context.Context, areaID string, t tree.Target, by string, at time.Time) error {
	if t.Year < 2000 || t.Year > 2100 || t.PoorReduction < 0 || t.PoorReduction > 1_000_000 {
		return ErrTargetBad
	}
	defer db.changingAreas()()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var a tree.Area
		if err := getJSON(tx.Bucket(bucketAreas), []byte(areaID), &a); err != nil {
			return err
		}
		a.Targets = withTargets(a.Targets, t)
		if err := putJSON(tx.Bucket(bucketAreas), []byte(areaID), a); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketTargets), targetKey(areaID, t.Year), t); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "target",
			Detail: fmt.Sprintf("%s %d: %d", areaID, t.Year, t.PoorReduction)}})
	})
	if err != nil {
		return fmt.Errorf("store: set target: %w", err)
	}
	return nil
}

func targetKey(areaID string, year int) []byte { return []byte(areaID + "\x00" + strconv.Itoa(year)) }

// setTargets are the targets set in the console for an area.
func setTargets(tx *bolt.Tx, areaID string) []tree.Target {
	var out []tree.Target
	c := tx.Bucket(bucketTargets).Cursor()
	prefix := []byte(areaID + "\x00")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var t tree.Target
		if json.Unmarshal(v, &t) == nil {
			out = append(out, t)
		}
	}
	return out
}

// withTargets puts targets over those of the same year; a reduction of 0
// removes the year's target.
func withTargets(targets []tree.Target, over ...tree.Target) []tree.Target {
	out := slices.Clone(targets)
	for _, t := range over {
		out = slices.DeleteFunc(out, func(old tree.Target) bool { return old.Year == t.Year })
		if t.PoorReduction > 0 {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b tree.Target) int { return a.Year - b.Year })
	return out
}
