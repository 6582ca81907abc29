package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// CounterSums are the counters of an area's subtree added up: the whole,
// each direct sub-area's subtree, and a few named counts of each area that
// has counters (those the caller picked, in its order). A province's
// figures are sums over its 10,000 villages' counters: adding them by
// index, not through a map per village, keeps that to milliseconds.
type CounterSums struct {
	All     Counters
	ByChild map[string]Counters // direct sub-area id → its subtree's counters
	// The picked names' counts (see Picked): by the area tree's index in
	// flat, or by id for an area outside the tree.
	picked map[string][]int64
	tree   *AreaTree
	flat   []int64
	npick  int
}

// Picked are the picked names' counts of the area id, in the caller's
// order; nil when all are zero or the area has no counters.
func (c CounterSums) Picked(id string) []int64 {
	if i, ok := c.tree.index(id); ok && c.flat != nil {
		return c.PickedAt(c.tree, i)
	}
	return c.picked[id]
}

// PickedAt is Picked of t.List[i], found by its index when the sums kept
// the picks by t's (a province's figures look up 10,000 villages).
func (c CounterSums) PickedAt(t *AreaTree, i int) []int64 {
	if c.flat == nil || c.tree != t {
		return c.Picked(t.List[i].ID)
	}
	p := c.flat[i*c.npick : (i+1)*c.npick]
	for _, n := range p {
		if n != 0 {
			return p
		}
	}
	return nil
}

// summer adds counters up by name index.
type summer struct {
	area    string
	index   map[string]int // name → position in the sums
	names   []string
	all     []int64
	child   map[string]int // direct sub-area → its row in byChild
	kids    []string
	last    int // the row of the last record's sub-area
	byChild [][]int64
	pick    map[string]int // name → position among the picked
	pickOf  []int          // by name position: its position among the picked, or -1
	npick   int
	picked  map[string][]int64
	spare   []int64   // room for the next areas' picked counts
	tree    *AreaTree // when not nil, the areas' picked counts are kept in flat, by its index
	flat    []int64
	inFlat  bool // this record's picks are in flat
	// prev and cur are the name positions of the last record and of this
	// one, in order: villages mostly have the same names, and a record
	// keeps its names sorted, so a name is first sought in the last
	// record's from where the one before it was found, then in the index.
	prev, cur []int
	at        int // the position in prev the next name is sought from
}

// newSummer sums areaID's subtree, keeping the picked counts of the
// areas of t (nil for none) by its index and of others by id.
func newSummer(areaID string, pick []string, t *AreaTree) *summer {
	s := &summer{area: areaID, index: map[string]int{}, child: map[string]int{}, pick: map[string]int{}, npick: len(pick), picked: map[string][]int64{}}
	for i, n := range pick {
		s.pick[n] = i
	}
	if t != nil && len(pick) > 0 {
		s.tree, s.flat = t, make([]int64, len(t.List)*len(pick))
	}
	return s
}

// row is the sums of the direct sub-area area lies in, nil for the area
// itself. The records come in key order, a sub-area's together: the last
// one found is tried first.
func (s *summer) row(area []byte) *[]int64 {
	if len(s.kids) > 0 {
		if kid := s.kids[s.last]; bytes.HasPrefix(area, []byte(kid)) && (len(area) == len(kid) || area[len(kid)] == '/') {
			return &s.byChild[s.last]
		}
	}
	rest, ok := bytes.CutPrefix(area, []byte(s.area+"/"))
	if s.area == "" {
		rest, ok = area, len(area) > 0
	}
	if !ok {
		return nil
	}
	first, _, _ := bytes.Cut(rest, []byte("/"))
	id := len(area) - len(rest) + len(first)
	i, seen := s.child[string(area[:id])]
	if !seen {
		i = len(s.kids)
		s.child[string(area[:id])] = i
		s.kids = append(s.kids, string(area[:id]))
		s.byChild = append(s.byChild, nil)
	}
	s.last = i
	return &s.byChild[i]
}

// find is name's position in the sums, added when it is new.
func (s *summer) find(name []byte) int {
	for ; s.at < len(s.prev); s.at++ {
		known := s.names[s.prev[s.at]]
		if known == string(name) {
			s.at++
			return s.prev[s.at-1]
		}
		if known > string(name) {
			break
		}
	}
	if i, ok := s.index[string(name)]; ok {
		return i
	}
	i := len(s.names)
	s.index[string(name)] = i
	s.names = append(s.names, string(name))
	s.all = append(s.all, 0)
	p, ok := s.pick[string(name)]
	if !ok {
		p = -1
	}
	s.pickOf = append(s.pickOf, p)
	return i
}

// add counts one name of one area.
func (s *summer) add(row *[]int64, picked []int64, name []byte, n int64) {
	i := s.find(name)
	s.cur = append(s.cur, i)
	s.all[i] += n
	if row != nil {
		for len(*row) <= i {
			*row = append(*row, 0)
		}
		(*row)[i] += n
	}
	if p := s.pickOf[i]; p >= 0 {
		picked[p] = n
	}
}

// begin starts an area's record: its row and room for its picked counts.
func (s *summer) begin(area []byte) (*[]int64, []int64) {
	s.cur, s.at = s.cur[:0], 0
	s.inFlat = false
	if i, ok := s.tree.index(string(area)); ok && s.flat != nil {
		s.inFlat = true
		return s.row(area), s.flat[i*s.npick : (i+1)*s.npick : (i+1)*s.npick]
	}
	if len(s.spare) < s.npick {
		s.spare = make([]int64, 256*s.npick)
	}
	return s.row(area), s.spare[:s.npick:s.npick]
}

// end keeps an area's picked counts, unless all are zero or they are
// kept by the tree's index.
func (s *summer) end(area []byte, picked []int64) {
	s.prev, s.cur = s.cur, s.prev
	if s.inFlat {
		return
	}
	for _, n := range picked {
		if n != 0 {
			s.picked[string(area)] = picked
			s.spare = s.spare[s.npick:]
			return
		}
	}
}

// record adds one area's stored record. It reads the record in place,
// each varint of one byte (nearly all: names are short, counts small)
// without a call: this loop is most of a province's figures.
func (s *summer) record(area, v []byte) error {
	row, picked := s.begin(area)
	if len(v) == 0 || v[0] != compactTag { // written before schema 14
		c, err := decodeCounters(v, nil)
		if err != nil {
			return err
		}
		s.addAll(row, picked, c)
		s.end(area, picked)
		return nil
	}
	data := v[1:]
	n, w := binary.Uvarint(data)
	if w <= 0 || n > uint64(len(data)) {
		return errCompact
	}
	data = data[w:]
	for range n {
		var size uint64
		if len(data) > 0 && data[0] < 0x80 {
			size, data = uint64(data[0]), data[1:]
		} else if size, w = binary.Uvarint(data); w > 0 {
			data = data[w:]
		} else {
			return errCompact
		}
		if size >= uint64(len(data)) { // the count follows
			return errCompact
		}
		name := data[:size]
		data = data[size:]
		var count int64
		if b := data[0]; b < 0x80 {
			count, data = int64(b>>1)^-int64(b&1), data[1:]
		} else if count, w = binary.Varint(data); w > 0 {
			data = data[w:]
		} else {
			return errCompact
		}
		s.add(row, picked, name, count)
	}
	s.end(area, picked)
	return nil
}

// addAll counts counters already decoded.
func (s *summer) addAll(row *[]int64, picked []int64, c Counters) {
	for _, name := range slices.Sorted(maps.Keys(c)) {
		s.add(row, picked, []byte(name), c[name])
	}
}

func (s *summer) sums() CounterSums {
	out := CounterSums{All: make(Counters, len(s.names)), ByChild: make(map[string]Counters, len(s.kids)),
		picked: s.picked, tree: s.tree, flat: s.flat, npick: s.npick}
	for i, n := range s.names {
		out.All[n] = s.all[i]
	}
	for k, id := range s.kids {
		c := make(Counters, len(s.byChild[k]))
		for i, n := range s.byChild[k] {
			if n != 0 {
				c[s.names[i]] = n
			}
		}
		out.ByChild[id] = c
	}
	return out
}

// SumCounters adds up the counters of every area at or below areaID
// ("" for all), as CountersIn reads them.
func (db *DB) SumCounters(ctx context.Context, areaID string, pick ...string) (CounterSums, error) {
	t, err := db.AreaTree(ctx)
	if err != nil {
		return CounterSums{}, err
	}
	if t.Size(areaID) < len(t.List)/4 {
		t = nil // a small subtree: its picks by id, not a slice for the whole tree
	}
	s := newSummer(areaID, pick, t)
	err = db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCounters)
		if areaID != "" {
			if v := b.Get([]byte(areaID)); v != nil {
				if err := s.record([]byte(areaID), v); err != nil {
					return err
				}
			}
		}
		prefix := []byte(areaID + "/")
		if areaID == "" {
			prefix = nil
		}
		cur := b.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if err := s.record(k, v); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return CounterSums{}, fmt.Errorf("store: counters of %s: %w", areaID, err)
	}
	return s.sums(), nil
}

// Sum adds up counters already read (a recount, by area id) as
// SumCounters adds up the stored ones.
func Sum(counters map[string]Counters, areaID string, pick ...string) CounterSums {
	s := newSummer(areaID, pick, nil)
	for area, c := range counters {
		if areaID != "" && area != areaID && !strings.HasPrefix(area, areaID+"/") {
			continue
		}
		row, picked := s.begin([]byte(area))
		s.addAll(row, picked, c)
		s.end([]byte(area), picked)
	}
	return s.sums()
}

// PickCounters reads a few named counts of each area at or below areaID
// ("" for all), in the names' order, without adding up the rest: the
// areas with none of them non-zero are left out. A province's villages'
// counts of one round are a few milliseconds where SumCounters, which adds
// every name, takes several times that.
func (db *DB) PickCounters(ctx context.Context, areaID string, names ...string) (map[string][]int64, error) {
	out := map[string][]int64{}
	pick := func(area, v []byte) error {
		var got []int64
		set := func(name []byte, n int64) {
			for i, want := range names {
				if n != 0 && string(name) == want {
					if got == nil {
						got = make([]int64, len(names))
					}
					got[i] = n
				}
			}
		}
		if len(v) == 0 || v[0] != compactTag { // written before schema 14
			c, err := decodeCounters(v, nil)
			if err != nil {
				return err
			}
			for name, n := range c {
				set([]byte(name), n)
			}
		} else {
			r := reader{data: v[1:]}
			for j, n := 0, r.uvarint(); uint64(j) < n && !r.bad; j++ {
				name := r.bytes()
				set(name, r.varint())
			}
			if r.bad {
				return errCompact
			}
		}
		if got != nil {
			out[string(area)] = got
		}
		return nil
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCounters)
		if areaID != "" {
			if v := b.Get([]byte(areaID)); v != nil {
				if err := pick([]byte(areaID), v); err != nil {
					return err
				}
			}
		}
		prefix := []byte(areaID + "/")
		if areaID == "" {
			prefix = nil
		}
		cur := b.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if err := pick(k, v); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: counters of %s: %w", areaID, err)
	}
	return out, nil
}
