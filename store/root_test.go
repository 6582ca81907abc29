package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// Random writes to the store's small buckets, alone and several at once,
// some failing or panicking after their puts, with a merge of the root
// tried at every commit: every record is as the writes left it after each
// step, no bucket tidyRoot made is left, the file checks sound, and the
// root is merged from leaves into one more than once on the way.
func TestRootTidyKeepsEveryRecord(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "tidy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.bolt.NoSync = true // the pages are the same; only the fsyncs go
	small := [][]byte{bucketPending, bucketReviews, bucketReturned, bucketMeetings, bucketPostings, bucketRequests, bucketTargets, bucketThrottle}
	rng := rand.New(rand.NewPCG(22, 1))

	// model is the file as the writes should leave it: every record of
	// every bucket, as dump tells them, starting from the new file's.
	model := dump(t, db)
	for _, name := range small {
		for k := range model {
			if strings.HasPrefix(k, string(name)+"\x00") {
				t.Fatalf("bucket %s has records in a new file: the test assumes none", name)
			}
		}
	}

	// op is one put (value non-nil) or delete of a record.
	type op struct {
		bucket []byte
		key    string
		value  []byte
	}
	key := func(i int) string { return fmt.Sprintf("k%03d", i) + strings.Repeat("-", i%23) } // 4 to 26 bytes
	value := func() []byte {
		var n int
		switch r := rng.IntN(10); {
		case r < 6:
			n = 1 + rng.IntN(120)
		case r < 8:
			n = 200 + rng.IntN(400)
		default:
			n = 800 + rng.IntN(300) // near an inline bucket's limit alone
		}
		v := make([]byte, n)
		for i := range v {
			v[i] = byte('a' + rng.IntN(26))
		}
		return v
	}
	keys := func(bucket []byte) []string { // the bucket's keys in the model
		var out []string
		for k := range model {
			if rest, ok := strings.CutPrefix(k, string(bucket)+"\x00"); ok && rest != "" && !strings.Contains(rest, "\x00") { // not a bucket of the name with a NUL after it
				out = append(out, rest)
			}
		}
		slices.Sort(out)
		return out
	}
	// ops draws a write's puts and deletes in one bucket: growing the
	// buckets for a while (they fill the root, then move out), then
	// shrinking them (they come back inline), and so on.
	ops := func(step int, bucket []byte) []op {
		grow := step/60%2 == 0
		var out []op
		for range 1 + rng.IntN(4) {
			have := keys(bucket)
			switch r := rng.IntN(100); {
			case len(have) > 0 && !grow && r < 8: // the bucket emptied
				for _, k := range have {
					out = append(out, op{bucket, k, nil})
				}
			case len(have) > 0 && (grow && r < 25 || !grow && r < 75):
				out = append(out, op{bucket, have[rng.IntN(len(have))], nil})
			default:
				out = append(out, op{bucket, key(rng.IntN(40)), value()})
			}
		}
		return out
	}
	// write runs ops as one of the store's writes, fn may run more than
	// once, and a merge is to be tried at its commit. A write that fails
	// or panics does so after its puts and deletes.
	write := func(ops []op, fail, panics bool) error {
		return db.update(t.Context(), func(tx *bolt.Tx) error {
			db.commits.nextRootTidy = 0 // inside the transaction: commits are one at a time
			for _, o := range ops {
				b := tx.Bucket(o.bucket)
				var err error
				if o.value == nil {
					err = b.Delete([]byte(o.key))
				} else {
					err = b.Put([]byte(o.key), o.value)
				}
				if err != nil {
					return err
				}
			}
			switch {
			case fail:
				return errRefused
			case panics:
				panic("a bug in one write")
			}
			return nil
		})
	}
	apply := func(ops []op) {
		for _, o := range ops {
			if o.value == nil {
				delete(model, string(o.bucket)+"\x00"+o.key)
			} else {
				model[string(o.bucket)+"\x00"+o.key] = string(o.value)
			}
		}
	}
	rootType := func() string { // as rootPage, writing no commit
		var typ string
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			info, err := tx.Page(int(tx.Cursor().Bucket().Root()))
			if err != nil {
				return err
			}
			typ = info.Type
			return errCheckedOnly
		})
		if !errors.Is(err, errCheckedOnly) {
			t.Fatal(err)
		}
		return typ
	}

	besideReviews := append(slices.Clone(bucketReviews), 0)
	const steps = 600
	merged, split, last := 0, 0, rootType()
	for step := range steps {
		switch {
		case step == 150: // a bucket of the name tidyRoot would make beside reviews, with a record
			name := besideReviews
			err := db.update(t.Context(), func(tx *bolt.Tx) error {
				db.commits.nextRootTidy = 0
				b, err := tx.CreateBucketIfNotExists(name)
				if err != nil {
					return err
				}
				return b.Put([]byte("k"), []byte("v"))
			})
			if err != nil {
				t.Fatal(err)
			}
			model[string(name)] = ""
			model[string(name)+"\x00k"] = "v"
		case rng.IntN(4) == 0: // several writes at once, one bucket each, some failing
			var wg sync.WaitGroup
			order := rng.Perm(len(small))[:2+rng.IntN(len(small)-1)]
			each := make([][]op, len(order))
			fails := make([]bool, len(order))
			panics := make([]bool, len(order))
			errs := make([]error, len(order))
			for i, b := range order {
				each[i] = ops(step, small[b])
				fails[i] = rng.IntN(8) == 0
				panics[i] = !fails[i] && rng.IntN(12) == 0
			}
			for i := range order {
				wg.Go(func() { errs[i] = write(each[i], fails[i], panics[i]) })
			}
			wg.Wait()
			for i := range order {
				switch {
				case fails[i] && !errors.Is(errs[i], errRefused):
					t.Fatalf("step %d: a failing write returned %v", step, errs[i])
				case panics[i] && !errors.Is(errs[i], ErrPanicked):
					t.Fatalf("step %d: a panicking write returned %v", step, errs[i])
				case !fails[i] && !panics[i] && errs[i] != nil:
					t.Fatalf("step %d: %v", step, errs[i])
				case errs[i] == nil:
					apply(each[i])
				}
			}
		default:
			o := ops(step, small[rng.IntN(len(small))])
			if err := write(o, false, false); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			apply(o)
		}

		err := db.bolt.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
				if bytes.HasSuffix(name, []byte{0}) && !bytes.Equal(name, besideReviews) {
					return fmt.Errorf("a bucket %q was left behind", name)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		got := dump(t, db)
		for k, v := range got {
			if w, ok := model[k]; !ok || w != v {
				t.Fatalf("step %d: %q is %.20q..., want %.20q... (in the model: %t)", step, k, v, w, ok)
			}
		}
		for k := range model {
			if _, ok := got[k]; !ok {
				t.Fatalf("step %d: %q is gone", step, k)
			}
		}
		now := rootType()
		switch {
		case last == "branch" && now == "leaf":
			merged++
		case last == "leaf" && now == "branch":
			split++
		}
		last = now
		if step%50 == 49 {
			if err := db.Check(); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
		}
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	t.Logf("the root split %d times and was merged %d times in %d steps", split, merged, steps)
	if merged < 2 {
		t.Fatalf("the root was merged %d times (split %d times), want at least twice: the steps do not exercise the merge", merged, split)
	}
}

// A root leaf the file's damage made unreadable fails the writes that
// need it, not a commit that only tries to merge the root's leaves.
func TestRootMergeLeavesADamagedLeafAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "root.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error { // the small buckets inside the root: it splits
		for _, name := range [][]byte{bucketPending, bucketReviews, bucketReturned, bucketMeetings, bucketPostings, bucketRequests, bucketTargets} {
			for i := range 8 {
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
	if got := rootPage(t, db); got != "branch" {
		t.Fatalf("the root is a %s, want it split", got)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const size = 4096
	page := func(id uint64) []byte { return data[id*size : (id+1)*size] }
	meta := page(0) // the newer of the two metas: the root pgid at 32, the transaction at 64
	if other := page(1); binary.LittleEndian.Uint64(other[64:]) > binary.LittleEndian.Uint64(meta[64:]) {
		meta = other
	}
	root := page(binary.LittleEndian.Uint64(meta[32:]))
	damaged := false
	for i := range int(binary.LittleEndian.Uint16(root[10:])) { // the branch's children
		leaf := page(binary.LittleEndian.Uint64(root[16+16*i+8:]))
		if !leafHolds(leaf, "meta") { // the write below needs the leaf with meta, not this one
			binary.LittleEndian.PutUint16(leaf[8:], 0x40)
			damaged = true
			break
		}
	}
	if !damaged {
		t.Fatal("no leaf of the root without meta")
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 3 {
		if err := db.update(t.Context(), func(tx *bolt.Tx) error { return increment(tx, "root-test") }); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
}

// leafHolds tells whether a leaf page holds a key.
func leafHolds(leaf []byte, key string) bool {
	for i := range int(binary.LittleEndian.Uint16(leaf[10:])) {
		elem := 16 + 16*i
		pos, ksize := binary.LittleEndian.Uint32(leaf[elem+4:]), binary.LittleEndian.Uint32(leaf[elem+8:])
		if string(leaf[elem+int(pos):elem+int(pos+ksize)]) == key {
			return true
		}
	}
	return false
}
