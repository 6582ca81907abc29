package store

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A young database's small buckets grow inside the root until it splits,
// then move out; bbolt leaves the root split, and the store's commits
// merge it back into one page, every bucket and record as they were. A
// try that cannot merge (the small buckets still inside) is not repeated
// before rootTidyEvery commits. A bucket already of the name tidyRoot
// would add and delete beside one is left alone.
func TestRootMergedOnceSmallBucketsMoveOut(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "root.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	small := [][]byte{bucketPending, bucketReviews, bucketReturned, bucketMeetings, bucketPostings, bucketRequests, bucketTargets}
	fill := func(from, to int) { // each small bucket's keys from..to, 100 bytes each, straight into bbolt
		t.Helper()
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for _, name := range small {
				for i := from; i < to; i++ {
					if err := tx.Bucket(name).Put(fmt.Appendf(nil, "%04d", i), bytes.Repeat([]byte{'v'}, 96)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write := func(n int) { // n commits of the store's, one record each
		t.Helper()
		for range n {
			if err := db.update(t.Context(), func(tx *bolt.Tx) error { return increment(tx, "root-test") }); err != nil {
				t.Fatal(err)
			}
		}
	}

	// A bucket of the name tidyRoot makes beside pending (none of the
	// store's is so named) is left as it is.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(append([]byte("pending"), 0))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	fill(0, 8) // 800 bytes each, inside the root: 5.6 KB of it
	if got := rootPage(t, db); got != "branch" {
		t.Fatalf("the root is a %s with the small buckets inside, want it split", got)
	}
	write(1) // a try: the leaves are over a quarter full
	if got := rootPage(t, db); got != "branch" {
		t.Fatalf("the root is a %s with the small buckets inside, want it still split", got)
	}
	fill(8, 40) // 4 KB each: pages of their own
	before := dump(t, db)
	write(1)
	if got := rootPage(t, db); got != "branch" {
		t.Fatalf("the root was merged one commit after a failed try, want it left for %d commits", rootTidyEvery)
	}
	write(rootTidyEvery)
	if got := rootPage(t, db); got != "leaf" {
		t.Fatalf("the root is a %s once the small buckets moved out, want one leaf", got)
	}
	after := dump(t, db)
	delete(before, "meta\x00count:root-test")
	delete(after, "meta\x00count:root-test")
	if !maps.Equal(before, after) {
		t.Errorf("the records changed when the root was merged: %d before, %d after", len(before), len(after))
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// rootPage tells the type of the page at the file's root.
func rootPage(t *testing.T, db *DB) string {
	t.Helper()
	var typ string
	err := db.bolt.Update(func(tx *bolt.Tx) error { // bbolt's Page is for writers
		info, err := tx.Page(int(tx.Cursor().Bucket().Root()))
		if err != nil {
			return err
		}
		typ = info.Type
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// dump is every bucket's every record, by bucket name, NUL and key, with
// the buckets themselves under their names alone.
func dump(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)] = ""
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
