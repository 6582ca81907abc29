package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
)

// A folder of backups keeps the newest N of its own; whatever else an
// office puts there stays, and a copy that failed leaves nothing behind.
func TestBackupIntoKeepsTheNewestOfItsOwn(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	dir := filepath.Join(t.TempDir(), "backups")
	others := []string{"notes.txt", "sothon-mine.db", "sothon-20200101-000000.db.gz", "sothon-2020-01-01.db", "sothon-20201301-000000.db"}
	os.MkdirAll(dir, 0o700)
	for _, name := range others {
		os.WriteFile(filepath.Join(dir, name), []byte("kept"), 0o600)
	}
	os.Mkdir(filepath.Join(dir, "sothon-20190101-000000.db"), 0o700) // a folder is no backup
	var written []string
	for day := 1; day <= 4; day++ {
		path, n, err := db.BackupInto(ctx, dir, time.Date(2026, 7, day, 2, 30, 0, 0, time.UTC), 2)
		if err != nil || n == 0 {
			t.Fatalf("backup %d: %v (%d bytes)", day, err, n)
		}
		written = append(written, filepath.Base(path))
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want 0600", path, err, st)
		}
		if err := store.VerifyCopy(path); err != nil {
			t.Fatal(err)
		}
	}
	if written[3] != "sothon-20260704-023000.db" {
		t.Errorf("named %s", written[3])
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append(slices.Clone(others), "sothon-20190101-000000.db", "sothon-20260703-023000.db", "sothon-20260704-023000.db")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("the folder holds %q, want %q", names, want)
	}

	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := db.BackupInto(gone, dir, time.Date(2026, 7, 5, 2, 30, 0, 0, time.UTC), 2); err == nil {
		t.Fatal("a cancelled backup succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(want) {
		t.Errorf("a failed backup left %d files, want %d", len(entries), len(want))
	}
	if _, _, err := db.BackupInto(ctx, dir, time.Now(), 0); err == nil {
		t.Error("keep 0 accepted")
	}
}

func TestBackupNames(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 14, 5, 9, 0, time.UTC)
	if got := store.BackupName(at); got != "sothon-20261130-140509.db" || !store.IsBackupName(got) {
		t.Errorf("BackupName = %s", got)
	}
	for _, name := range []string{"sothon.db", "sothon-.db", "sothon-20261130-140509.db.partial", ".sothon-20261130-140509.db.123.partial", "x-20261130-140509.db"} {
		if store.IsBackupName(name) {
			t.Errorf("%s taken for a backup", name)
		}
	}
}
