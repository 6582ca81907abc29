package store

import (
	"context"
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
