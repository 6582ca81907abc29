package store

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func BenchmarkZZSum(b *testing.B) {
	p := os.Getenv("PEEK")
	if p == "" {
		b.Skip()
	}
	db, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	picks := []string{"week:2026-W49", "reviewed:1", "class:1:approved:poor", "class:1:approved:near_poor", "escaped:1:approved"}
	b.Run("sum", func(b *testing.B) {
		defer cpu(b)()
		for range b.N {
			if _, err := db.SumCounters(context.Background(), "tinh", picks...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		defer cpu(b)()
		for range b.N {
			var total int64
			db.view(context.Background(), func(tx *bolt.Tx) error {
				cur := tx.Bucket(bucketCounters).Cursor()
				prefix := []byte("tinh/")
				for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
					r := reader{data: v[1:]}
					for j, n := 0, r.uvarint(); uint64(j) < n && !r.bad; j++ {
						name := r.bytes()
						total += int64(len(name)) + r.varint()
					}
				}
				return nil
			})
		}
	})
	b.Run("cursor", func(b *testing.B) {
		defer cpu(b)()
		for range b.N {
			var total int
			db.view(context.Background(), func(tx *bolt.Tx) error {
				cur := tx.Bucket(bucketCounters).Cursor()
				prefix := []byte("tinh/")
				for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
					total += len(v)
				}
				return nil
			})
		}
	})
}

func TestZZCount(t *testing.T) {
	p := os.Getenv("PEEK")
	if p == "" {
		t.Skip()
	}
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recs, names, size, tagged int
	db.view(context.Background(), func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketCounters).Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			recs++
			size += len(v)
			if v[0] == compactTag {
				tagged++
			}
			r := reader{data: v[1:]}
			names += int(r.uvarint())
		}
		return nil
	})
	t.Logf("records %d tagged %d names %d bytes %d", recs, tagged, names, size)
}

func cpu(b *testing.B) func() {
	var r0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	return func() {
		var r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		ns := (r1.Utime.Nano() + r1.Stime.Nano()) - (r0.Utime.Nano() + r0.Stime.Nano())
		b.ReportMetric(float64(ns)/float64(b.N)/1e6, "cpu_ms/op")
	}
}
