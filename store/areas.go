package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
)

// SaveAreas replaces the area tree and gives demo villages their demo
// register when it is still empty. Targets set in the console win over the
// file's for their year.
func (db *DB) SaveAreas(ctx context.Context, areas []tree.Area) error {
	defer db.changingAreas()()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		away, err := movedAway(tx)
		if err != nil {
			return err
		}
		for _, a := range areas {
			if m, ok := away[a.ID]; ok {
				return fmt.Errorf("%w: %s is %s since %s (use the tree after the reorganisation, e.g. builtin:thai-nguyen-2025)", ErrAreasReorganised, m.Old, m.New, m.Effective)
			}
		}
		if err := tx.DeleteBucket(bucketAreas); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bucketAreas)
		if err != nil {
			return err
		}
		for _, a := range areas {
			a.Targets = withTargets(a.Targets, setTargets(tx, a.ID)...)
			if err := putJSON(b, []byte(a.ID), a); err != nil {
				return err
			}
			if err := seedDemo(tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save areas: %w", err)
	}
	return nil
}

func seedDemo(tx *bolt.Tx, a tree.Area) error {
	if len(a.Demo) == 0 {
		return nil
	}
	prefix := []byte(a.ID + "\x00")
	if k, _ := tx.Bucket(bucketHHByArea).Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
		return nil
	}
	for i, name := range a.Demo {
		hh := &Household{ID: fmt.Sprintf("demo-%s-%02d", strings.ReplaceAll(a.ID, "/", "-"), i+1), AreaID: a.ID, HeadName: name}
		if err := putHousehold(tx, hh); err != nil {
			return err
		}
	}
	return nil
}

// Areas lists all areas in id order (parents before their sub-areas).
func (db *DB) Areas(ctx context.Context) ([]tree.Area, error) {
	t, err := db.AreaTree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tree.Area, len(t.List))
	for i, a := range t.List {
		out[i] = own(a)
	}
	return out, nil
}

// Area loads one area.
func (db *DB) Area(ctx context.Context, id string) (tree.Area, error) {
	t, err := db.AreaTree(ctx)
	if err != nil {
		return tree.Area{}, err
	}
	a, ok := t.Get(id)
	if !ok {
		return tree.Area{}, fmt.Errorf("store: area %s: %w", id, ErrNotFound)
	}
	return own(a), nil
}

// AreaFullName loads an area and names it as tree.FullName does.
func (db *DB) AreaFullName(ctx context.Context, id string) (tree.Area, string, error) {
	a, err := db.Area(ctx, id)
	if err != nil || a.Parent == "" {
		return a, a.Name, err
	}
	parent, err := db.Area(ctx, a.Parent)
	if err != nil {
		return tree.Area{}, "", err
	}
	return a, tree.FullName(a, parent), nil
}

// UnitOf is the ward or commune an area is in (the area itself when it is
// one), whose people's committee signs its papers; ErrNotFound above them.
func (db *DB) UnitOf(ctx context.Context, id string) (tree.Area, error) {
	for id != "" {
		a, err := db.Area(ctx, id)
		if err != nil {
			return tree.Area{}, err
		}
		if a.Kind == tree.Ward || a.Kind == tree.Commune {
			return a, nil
		}
		id = a.Parent
	}
	return tree.Area{}, ErrNotFound
}

// AreaLabel loads an area and names it as tree.Label does.
func (db *DB) AreaLabel(ctx context.Context, id string) (tree.Area, string, error) {
	a, err := db.Area(ctx, id)
	if err != nil {
		return tree.Area{}, "", err
	}
	if a.Parent == "" {
		return a, a.Name, nil
	}
	parent, err := db.Area(ctx, a.Parent)
	if err != nil {
		return tree.Area{}, "", err
	}
	return a, tree.Label(a, parent), nil
}
