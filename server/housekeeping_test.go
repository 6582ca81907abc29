package server

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"sothon/store"
)

func TestScheduledBackupKeepsTheNewest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := 0; i < 9; i++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("sothon-2023010%d-020000.db", i+1)), []byte("old"), 0o600)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &server{db: db, log: slog.New(slog.DiscardHandler)}
	if err := s.backup(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != backupsKept || entries[0].Name() != "sothon-20230104-020000.db" {
		t.Fatalf("%d backups kept, oldest %s", len(entries), entries[0].Name())
	}
	newest := filepath.Join(dir, entries[len(entries)-1].Name())
	copyDB, err := store.Open(newest)
	if err != nil {
		t.Fatalf("the new backup does not open: %v", err)
	}
	copyDB.Close()
}
