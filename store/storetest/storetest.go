// Package storetest opens real databases for tests, in a temporary folder,
// and checks each file's consistency when the test ends.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"sothon/store"
	"sothon/tree"
)

// Open returns a new database with the default areas, closed and checked
// at cleanup: its pages, as bbolt checks them, its counters against a
// recount of what they count, its household records against their
// standings derived afresh, and the photos its submissions name.
func Open(t testing.TB) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(context.Background(), tree.Default()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("database %s is inconsistent: %v", path, err)
		}
		diffs, err := db.CheckCounters(context.Background())
		if err != nil {
			t.Errorf("database %s: %v", path, err)
		}
		for _, d := range diffs {
			t.Errorf("database %s: counter %s", path, d)
		}
		standings, err := db.CheckStandings(context.Background())
		if err != nil {
			t.Errorf("database %s: %v", path, err)
		}
		for _, d := range standings {
			t.Errorf("database %s: %s", path, d)
		}
		files, err := db.CheckFiles(context.Background(), db.Photos())
		if err != nil {
			t.Errorf("database %s: %v", path, err)
		}
		for _, d := range files {
			t.Errorf("database %s: %s", path, d)
		}
		db.Close()
	})
	return db
}
