package store

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkPruneSeen is the hourly prune with a province's month of
// Telegram marks (1,000,000) and nothing old enough to forget, the
// common case: it reads up to the first mark, not all of them.
//
//	go test ./store -run '^$' -bench PruneSeen -benchmem
func BenchmarkPruneSeen(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "sothon.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const marks = 1_000_000
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		seen := tx.Bucket(bucketSeen)
		seen.FillPercent = denseFill
		for n := range marks {
			if err := seen.Put([]byte(SeenKeyInOrder("telegram", uint64(n+1), "5512345678")), []byte(timeKey(t0.Add(time.Duration(n)*2*time.Second)))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if n, err := db.PruneSeen(context.Background(), t0); err != nil || n != 0 {
			b.Fatal(n, err)
		}
	}
}

// SeenKeyInOrder's number is fmt's "%020d" for every uint64 (the marks
// already in files were written with it, and are pruned by its order),
// and its keys sort as their numbers do.
func FuzzSeenKeyInOrder(f *testing.F) {
	for _, n := range []uint64{0, 1, 9, 10, 99, 100, 1e9, 1e18, 1e19 - 1, 1e19, math.MaxUint64 - 1, math.MaxUint64} {
		f.Add(n, n/3)
	}
	f.Fuzz(func(t *testing.T, n, m uint64) {
		key := SeenKeyInOrder("telegram", n, "42")
		if want := "telegram#" + fmt.Sprintf("%020d", n) + ":42"; key != want {
			t.Fatalf("SeenKeyInOrder(%d) = %q, want %q", n, key, want)
		}
		if !inOrder(key) {
			t.Fatalf("%q is not a key in order", key)
		}
		if other := SeenKeyInOrder("telegram", m, "42"); (key < other) != (n < m) {
			t.Fatalf("%q and %q sort otherwise than %d and %d", key, other, n, m)
		}
	})
}
