package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/photos"
	"sothon/store/photos/photostest"
	"sothon/tree"
)

// A backup carries the photos beside the copy; restoring is putting the
// two back side by side, and `sothon check` then finds every photo; one
// deleted, or altered, is named with its submission.
func TestBackupRestoreCheckWithPhotos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	live := filepath.Join(dir, "sothon.db")
	hashes := seedPhotos(t, live)

	out, stderr, err := sothonIn(t, dir, "backup", "copy.db", "--db", live)
	if err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, stderr)
	}
	if kept, err := photos.New(photos.Dir(filepath.Join(dir, "copy.db"))).Hashes(); err != nil || len(kept) != len(hashes) {
		t.Fatalf("the backup carries %d photos (%v), want %d", len(kept), err, len(hashes))
	}
	// The office restores the copy on another machine: both, side by side.
	restored := filepath.Join(dir, "restored")
	os.MkdirAll(photos.Dir(filepath.Join(restored, "sothon.db")), 0o700)
	copyFile(t, filepath.Join(dir, "copy.db"), filepath.Join(restored, "sothon.db"))
	for _, h := range hashes {
		copyFile(t, photos.New(photos.Dir(filepath.Join(dir, "copy.db"))).Path(h), photos.New(photos.Dir(filepath.Join(restored, "sothon.db"))).Path(h))
	}
	db := filepath.Join(restored, "sothon.db")
	if out, stderr, err := sothonIn(t, dir, "check", "--db", db); err != nil || !strings.Contains(out, "photos check out") {
		t.Fatalf("check of the restored copy: %v\n%s%s", err, out, stderr)
	}

	store := photos.New(photos.Dir(db))
	os.Remove(store.Path(hashes[0]))
	os.WriteFile(store.Path(hashes[1]), []byte("not the photo"), 0o600)
	out, stderr, err = sothonIn(t, dir, "check", "--db", db)
	if err == nil || !strings.Contains(stderr, "2 photo(s) are missing or altered") ||
		!strings.Contains(out, "submission 1: photo "+hashes[0]+": photos: file missing") ||
		!strings.Contains(out, "submission 1: photo "+hashes[1]+": photos: file altered") {
		t.Fatalf("check with a photo deleted and one altered: %v\n%s%s", err, out, stderr)
	}
}

// seedPhotos makes a database with one submission naming two photos, and
// returns their hashes.
func seedPhotos(t *testing.T, path string) []string {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenNew(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for seed := range uint8(2) {
		st, err := db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(320, 240, seed)))
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, st.Hash)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := db.Apply(ctx, store.Change{At: now, Submission: &store.Submission{Form: "house", FormVersion: "1",
		AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Nông Văn Tý", SubmittedBy: "u1", SubmittedAt: now,
		Answers: map[string]string{"photo": strings.Join(hashes, ";"), "place": "22.147300 105.834800"}, Files: hashes}}); err != nil {
		t.Fatal(err)
	}
	return hashes
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
