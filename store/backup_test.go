package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"

	bolt "go.etcd.io/bbolt"
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

// A backup holds every bucket, key, value and sequence of the database,
// in less room: a register stored in batches that go between each other
// leaves the live file's pages half full, the backup's are full.
func TestBackupIsCompactAndWhole(t *testing.T) {
	t.Parallel()
	livePath := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(livePath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	for half := range 2 { // even ids, then odd ones between them
		var batch []store.Household
		for i := half; i < 16000; i += 2 {
			batch = append(batch, store.Household{ID: fmt.Sprintf("h%06d", i), AreaID: village, HeadName: fmt.Sprint("Hộ ", i), Members: 4, Status: "none", StatusAt: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)})
		}
		if err := db.ImportHouseholds(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := db.BackupFile(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	db.Close()
	live, _ := os.Stat(livePath)
	copied, _ := os.Stat(copyPath)
	t.Logf("live file %d bytes, backup %d", live.Size(), copied.Size())
	if copied.Size()*4 > live.Size()*3 {
		t.Errorf("the backup takes %d bytes for the live file's %d", copied.Size(), live.Size())
	}
	if a, b := dump(t, livePath), dump(t, copyPath); !reflect.DeepEqual(a, b) {
		t.Fatalf("the backup differs from the database: %d records against %d", len(b), len(a))
	}
}

// dump reads every record and bucket sequence of a file.
func dump(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	read := func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+"\x00seq"] = fmt.Sprint(b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			})
		})
	}
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.View(read); err != nil {
		t.Fatal(err)
	}
	return out
}
