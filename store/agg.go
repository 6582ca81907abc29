package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/store/counting"
)

// Counters are named counts kept per village ("status:poor",
// "model:pig:taking_part", "reviewed:3", "week:2023-W25" …), updated in the
// same transaction as the record they count, so that figures for a whole
// city are sums over its villages instead of scans over its submissions.
type Counters map[string]int64

// Add adds other's counts into c.
func (c Counters) Add(other Counters) {
	for k, v := range other {
		c[k] += v
	}
}

// storedContribution is a contribution as kept, with where it was counted.
type storedContribution struct {
	Area  string   `json:"area"`
	Names []string `json:"names"`
}

func contributionKey(kind, key string) []byte { return []byte(kind + "\x00" + key) }

// setContribution replaces a contribution: its old names are taken off the
// village they were counted in, the new ones added to area.
func setContribution(tx *bolt.Tx, area string, f counting.Contribution) error {
	return putContribution(tx, area, f, func(area string, names []string, delta int64) error {
		return bumpAll(tx, area, names, delta)
	}, putNow)
}

// bumper adds delta to named counters of an area.
type bumper func(area string, names []string, delta int64) error

// putter stores a key in a bucket: at once (putNow), or later in key
// order (sortedPuts).
type putter func(b *bolt.Bucket, key, value []byte) error

func putNow(b *bolt.Bucket, key, value []byte) error { return b.Put(key, value) }

type keyValue struct{ key, value []byte }

// sortedPuts gathers a transaction's puts to write them in key order: a
// bbolt node only splits at commit, so each key put in the middle of a node
// moves every key after it, and thousands of keys in random order in one
// transaction cost the square of their number. The keys put must not be
// read before flush, nor put twice.
//
// Keys are kept in runs by their first part (up to a NUL: a fact's kind, a
// village in the area index), which sort apart from each other: a batch
// in id order puts each run in order already, and needs no sort.
type sortedPuts struct {
	buckets map[*bolt.Bucket]map[string][]keyValue
}

func (s *sortedPuts) put(b *bolt.Bucket, key, value []byte) error {
	if s.buckets == nil {
		s.buckets = map[*bolt.Bucket]map[string][]keyValue{}
	}
	runs := s.buckets[b]
	if runs == nil {
		runs = map[string][]keyValue{}
		s.buckets[b] = runs
	}
	head := key
	if i := bytes.IndexByte(key, 0); i >= 0 {
		head = key[:i]
	}
	runs[string(head)] = append(runs[string(head)], keyValue{key: key, value: value})
	return nil
}

// flush writes the puts gathered, in key order.
func (s *sortedPuts) flush() error {
	byKey := func(x, y keyValue) int { return bytes.Compare(x.key, y.key) }
	for b, runs := range s.buckets {
		heads := make([]string, 0, len(runs))
		for h := range runs {
			heads = append(heads, h)
		}
		slices.Sort(heads)
		for _, h := range heads {
			kvs := runs[h]
			if !slices.IsSortedFunc(kvs, byKey) {
				slices.SortFunc(kvs, byKey)
			}
			for _, kv := range kvs {
				if err := b.Put(kv.key, kv.value); err != nil {
					return err
				}
			}
		}
	}
	s.buckets = nil
	return nil
}

// putContribution is setContribution counting with bump and storing with put.
func putContribution(tx *bolt.Tx, area string, f counting.Contribution, bump bumper, put putter) error {
	b := tx.Bucket(bucketFacts)
	if v := b.Get(contributionKey(f.Kind, f.Key)); v != nil {
		old, err := decodeContribution(v, nil)
		if err != nil {
			return err
		}
		if old.Area == area && slices.Equal(old.Names, f.Names) {
			return nil // counted so already: most re-derivations change nothing
		}
		if err := bump(old.Area, old.Names, -1); err != nil {
			return err
		}
	}
	return addContribution(b, area, f, bump, put)
}

// addContribution counts and stores a contribution known to be new: one
// of a household new to the file.
func addContribution(facts *bolt.Bucket, area string, f counting.Contribution, bump bumper, put putter) error {
	if err := bump(area, f.Names, 1); err != nil {
		return err
	}
	return put(facts, contributionKey(f.Kind, f.Key), encodeContribution(storedContribution{Area: area, Names: f.Names}))
}

// counterDeltas gathers the counter changes of many records so that each
// village's counters are rewritten once (an import of thousands of
// households of one village would otherwise rewrite them thousands of times).
type counterDeltas map[string]Counters

func (d counterDeltas) bump(area string, names []string, delta int64) error {
	if d[area] == nil {
		d[area] = Counters{}
	}
	for _, n := range names {
		d[area][n] += delta
	}
	return nil
}

// flush writes the gathered changes, dropping counters that come to zero.
func (d counterDeltas) flush(tx *bolt.Tx) error {
	b := tx.Bucket(bucketCounters)
	for area, delta := range d {
		c, err := countersOf(b, area)
		if err != nil {
			return err
		}
		c.Add(delta)
		for n, v := range c {
			if v == 0 {
				delete(c, n)
			}
		}
		if err := b.Put([]byte(area), encodeCounters(c)); err != nil {
			return err
		}
	}
	return nil
}

// countersOf reads an area's counters; none yet is an empty set.
func countersOf(b *bolt.Bucket, area string) (Counters, error) {
	v := b.Get([]byte(area))
	if v == nil {
		return Counters{}, nil
	}
	c, err := decodeCounters(v, nil)
	if err != nil {
		return nil, fmt.Errorf("counters of %s: %w", area, err)
	}
	return c, nil
}

func bumpAll(tx *bolt.Tx, area string, names []string, delta int64) error {
	if len(names) == 0 {
		return nil
	}
	b := tx.Bucket(bucketCounters)
	c, err := countersOf(b, area)
	if err != nil {
		return err
	}
	for _, n := range names {
		c[n] += delta
		if c[n] == 0 {
			delete(c, n)
		}
	}
	return b.Put([]byte(area), encodeCounters(c))
}

// ISOWeek names the week of t as "2023-W25".
func ISOWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// CountersIn returns the counters of every area at or below areaID that has
// any, by area id.
func (db *DB) CountersIn(ctx context.Context, areaID string) (map[string]Counters, error) {
	out := map[string]Counters{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCounters)
		in := names{}
		if v := b.Get([]byte(areaID)); v != nil {
			c, err := decodeCounters(v, in)
			if err != nil {
				return err
			}
			out[areaID] = c
		}
		cur := b.Cursor()
		prefix := []byte(areaID + "/")
		if areaID == "" { // every area
			prefix = nil
		}
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			c, err := decodeCounters(v, in)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			out[string(k)] = c
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: counters of %s: %w", areaID, err)
	}
	return out, nil
}

// Snapshot is what a digest reported, to show the change next time.
type Snapshot struct {
	Week     string `json:"week"`
	Poor     int    `json:"poor"`
	NearPoor int    `json:"near_poor"`
	Middle   int    `json:"middle"`
}

// SaveSnapshot keeps what the digest of an area reported for a week.
func (db *DB) SaveSnapshot(ctx context.Context, areaID string, s Snapshot) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketDigests), []byte(areaID+"\x00"+s.Week), s)
	})
	if err != nil {
		return fmt.Errorf("store: save digest snapshot: %w", err)
	}
	return nil
}

// LastSnapshot is the latest snapshot of an area before week, if any.
func (db *DB) LastSnapshot(ctx context.Context, areaID, week string) (*Snapshot, error) {
	var out *Snapshot
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDigests).Cursor()
		prefix := []byte(areaID + "\x00")
		// The key before the first one at or after (area, week).
		var k, v []byte
		if k, _ = c.Seek(append(append([]byte{}, prefix...), week...)); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, prefix) {
			return nil
		}
		var s Snapshot
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		out = &s
		return nil
	})
	return out, err
}

// LastWeek is the latest week with any submission counted, or "".
func (c Counters) LastWeek() string {
	last := ""
	for name, n := range c {
		week, ok := strings.CutPrefix(name, counting.WeekCounter(""))
		if ok && n > 0 && !strings.Contains(week, ":") && week > last {
			last = week
		}
	}
	return last
}

// Reviewed counts the households reviewed in round; 0 without one.
func (c Counters) Reviewed(round *Round) int {
	if round == nil {
		return 0
	}
	return int(c[counting.ReviewedCounter(round.ID)])
}
