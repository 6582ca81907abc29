package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A page that bbolt finds wrong (not a fault: its own assertion, or an
// index past its map) is a damaged file, not a bug, whichever way the
// store reaches it: a read, a write alone, the inbox's urgent commit, a
// shared commit (where the write is first told to run alone); and when a
// function between bbolt and the store's guard raises the panic again.
func TestBboltsOwnPanicIsDamage(t *testing.T) {
	for name, corrupt := range map[string]func(page []byte){
		// bbolt's assertion on a page's type (Page.FastCheck).
		"page type": func(page []byte) { binary.LittleEndian.PutUint16(page[8:], 0x40) },
		// a branch's first child far past any map: index out of range
		// in bbolt's DB.page.
		"child past the map": func(page []byte) { binary.LittleEndian.PutUint64(page[16+8:], 1<<40) },
	} {
		t.Run(name, func(t *testing.T) {
			db, bucket := corruptDB(t, corrupt)
			read := func(tx *bolt.Tx) error {
				tx.Bucket(bucket).Get([]byte{0})
				return nil
			}
			write := func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte{0}, []byte("x")) }
			// a function of ours that tidies up on a panic and raises it
			// again: the panic still began in bbolt.
			reraised := func(tx *bolt.Tx) error {
				defer func() {
					if r := recover(); r != nil {
						panic(r)
					}
				}()
				return read(tx)
			}
			for how, run := range map[string]func() error{
				"read":                func() error { return db.view(t.Context(), read) },
				"write":               func() error { return db.write(t.Context(), write, false) },
				"urgent":              func() error { return db.write(t.Context(), write, true) },
				"read, raised again":  func() error { return db.view(t.Context(), reraised) },
				"write, raised again": func() error { return db.write(t.Context(), reraised, false) },
				"shared": func() error {
					c := db.commits
					c.wait = func(int32) time.Duration { return 0 }
					c.writers.Add(1) // another write under way: this one joins a batch
					defer c.writers.Add(-1)
					return db.write(t.Context(), write, false)
				},
			} {
				err := run()
				if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrPanicked) {
					t.Errorf("%s: %v; want ErrDamaged, not ErrPanicked", how, err)
				}
			}
		})
	}
}

// corruptDB makes a file with a bucket whose root is a branch page, has
// corrupt change that page in the file, and opens it again.
func corruptDB(t *testing.T, corrupt func(page []byte)) (*DB, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corrupt.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	bucket := []byte("corrupt_test")
	var root uint64
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucket)
		if err != nil {
			return err
		}
		for i := range 2000 {
			if err := b.Put(fmt.Appendf(nil, "key%06d", i), []byte(strings.Repeat("v", 100))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	size := db.bolt.Info().PageSize
	db.bolt.View(func(tx *bolt.Tx) error { root = uint64(tx.Bucket(bucket).Root()); return nil })
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := data[int(root)*size : int(root+1)*size]
	if flags := binary.LittleEndian.Uint16(page[8:]); flags != 0x01 {
		t.Fatalf("the bucket's root is not a branch page (flags %#x)", flags)
	}
	corrupt(page)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, bucket
}

// An index key of the wrong length, as a damaged value would leave in a
// sound page, is the file's damage, not a panic in the store's own code
// (which would be taken for a bug): a household's forms, the photos'
// check.
func TestMalformedKeyIsDamage(t *testing.T) {
	db, _ := trialDB(t)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSubByHH).Put([]byte("h1\x00\x00\x01"), []byte("household")); err != nil {
			return err
		}
		return tx.Bucket(bucketSubmissions).Put([]byte{0, 7}, []byte(`{"files":["a.jpg"]}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.view(t.Context(), func(tx *bolt.Tx) error { _, _, err := formIDsOf(tx, "h1"); return err })
	if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrPanicked) {
		t.Errorf("a household's forms under a short key: %v; want ErrDamaged", err)
	}
	if _, err := db.CheckFiles(t.Context(), nil); !errors.Is(err, ErrDamaged) || errors.Is(err, ErrPanicked) {
		t.Errorf("the photos' check of a form under a short key: %v; want ErrDamaged", err)
	}
}
