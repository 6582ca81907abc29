package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
)

// AreaTree is the area tree as stored, read once and kept in memory until
// the areas change: every figure of a province needs all of its areas, and
// decoding 10,000 of them on each call was half of a /stats. It is shared:
// callers read it and never change it (Areas gives a copy to change).
type AreaTree struct {
	List []tree.Area        // in file order, parents before their sub-areas
	ByID map[string]int     // index in List
	kids map[string][]int32 // direct sub-areas' indexes in List, by parent id
	size []int32            // by index in List: the areas at and below it

	labelsOnce sync.Once
	labels     []string // by index in List
}

// Get is the area with id, if there is one.
func (t *AreaTree) Get(id string) (tree.Area, bool) {
	i, ok := t.ByID[id]
	if !ok {
		return tree.Area{}, false
	}
	return t.List[i], true
}

// Children are the direct sub-areas of id, in file order.
func (t *AreaTree) Children(id string) []tree.Area {
	out := make([]tree.Area, len(t.kids[id]))
	for i, k := range t.kids[id] {
		out[i] = t.List[k]
	}
	return out
}

// index is id's index in List; a nil tree has none.
func (t *AreaTree) index(id string) (int, bool) {
	if t == nil {
		return 0, false
	}
	i, ok := t.ByID[id]
	return i, ok
}

// Size counts the areas at and below id ("" for all).
func (t *AreaTree) Size(id string) int {
	if id == "" {
		return len(t.List)
	}
	if i, ok := t.ByID[id]; ok {
		return int(t.size[i])
	}
	return 0
}

// Label names an area as tree.Label does. The tree's own areas' labels are
// made once, on the first call: a province's figures name 10,000 villages.
func (t *AreaTree) Label(a tree.Area) string {
	if i, ok := t.ByID[a.ID]; ok && t.List[i].Name == a.Name && t.List[i].Parent == a.Parent && t.List[i].Kind == a.Kind {
		t.labelsOnce.Do(func() {
			t.labels = make([]string, len(t.List))
			for j, b := range t.List {
				parent, _ := t.Get(b.Parent)
				t.labels[j] = tree.Label(b, parent)
			}
		})
		return t.labels[i]
	}
	parent, _ := t.Get(a.Parent)
	return tree.Label(a, parent)
}

func newAreaTree(list []tree.Area) *AreaTree {
	sort.SliceStable(list, func(i, j int) bool { return list[i].Order < list[j].Order })
	t := &AreaTree{List: list, ByID: make(map[string]int, len(list)), kids: map[string][]int32{}}
	for i, a := range list {
		t.ByID[a.ID] = i
		t.kids[a.Parent] = append(t.kids[a.Parent], int32(i))
	}
	t.size = make([]int32, len(list))
	for _, a := range list {
		// Each area counts in its own size and its ancestors'; a parent
		// missing from the list ends the climb.
		for id, seen := a.ID, 0; seen <= len(list); seen++ {
			i, ok := t.ByID[id]
			if !ok {
				break
			}
			t.size[i]++
			if id = list[i].Parent; id == "" {
				break
			}
		}
	}
	return t
}

// changingAreas marks the areas as changing; call the result when the
// write is over (committed or not).
func (db *DB) changingAreas() func() { return db.areas.changing() }

// AreaTree is the stored area tree, read from the file only when the
// areas changed since the last call.
func (db *DB) AreaTree(ctx context.Context) (*AreaTree, error) {
	return db.areas.get(func() (*AreaTree, error) {
		var list []tree.Area
		err := db.view(ctx, func(tx *bolt.Tx) error {
			var err error
			list, err = readAreas(tx)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("store: areas: %w", err)
		}
		return newAreaTree(list), nil
	})
}

func readAreas(tx *bolt.Tx) ([]tree.Area, error) {
	var out []tree.Area
	err := tx.Bucket(bucketAreas).ForEach(func(_, v []byte) error {
		var a tree.Area
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// own gives a caller an area it may change without changing the cache's.
func own(a tree.Area) tree.Area {
	a.Targets = slices.Clone(a.Targets)
	return a
}
