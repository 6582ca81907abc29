package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/store/photos"
)

// BackupFile writes a consistent copy of the database to path, readable by
// its owner only, and the photos beside it (path.files/, as they lie beside
// the database: BackupPhotos). The copy is compact (compactCopy): restored,
// it is the database in its least room. It is written under a temporary
// name beside path, synced, opened and checked (VerifyCopy), and only then
// renamed to path, replacing what was there: a copy that did not finish or
// does not open never takes a backup's name.
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial") // 0600
	if err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	f.Close()
	n, err := db.compactCopy(ctx, f.Name())
	if err == nil {
		err = VerifyCopy(f.Name()) // says "store: verify" itself
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	if _, err := db.BackupPhotos(ctx, path); err != nil {
		return 0, err
	}
	return n, nil
}

// compactCopy writes every bucket, key and sequence of the database, as one
// consistent read, into a new file at path with its pages filled whole.
// The live file keeps room on its pages for keys that may come between
// (a province's file, its register imported in batches spread over the
// villages, was 1.3 GB; its compact copy 0.48 GB). It returns the copy's
// size.
func (db *DB) compactCopy(ctx context.Context, path string) (n int64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	// Synced once at the end, not at each of its commits: a copy cut short
	// is thrown away whole.
	dst, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true, Timeout: lockWait, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, err
	}
	err = bolt.Compact(dst, db.bolt, compactCommit)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// compactCommit bounds the records a compact copy writes in one commit,
// and so the memory it holds.
const compactCommit = 32 << 20

// backupLayout names the backups of a backup folder by the time they were
// written, so that their names sort by age: sothon-20260701-023000.db.
const backupLayout = "20060102-150405"

// BackupName is the name BackupInto gives a backup written at t.
func BackupName(t time.Time) string { return "sothon-" + t.Format(backupLayout) + ".db" }

// IsBackupName tells a name BackupInto gives from any other file.
func IsBackupName(name string) bool {
	stamp, ok := strings.CutPrefix(name, "sothon-")
	if stamp, ok = strings.CutSuffix(stamp, ".db"); !ok {
		return false
	}
	_, err := time.Parse(backupLayout, stamp)
	return err == nil
}

// BackupInto writes a checked backup (BackupFile) into dir, made for its
// owner only when missing, named BackupName(now); then it removes the
// oldest backups there beyond the newest keep. Only files named like its
// own backups are counted or removed: whatever else the folder holds
// stays. It returns the new backup's path and size.
func (db *DB) BackupInto(ctx context.Context, dir string, now time.Time, keep int) (string, int64, error) {
	if keep < 1 {
		return "", 0, errors.New("store: backup: keep at least one backup")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("store: backup: %w", err)
	}
	path := filepath.Join(dir, BackupName(now))
	n, err := db.BackupFile(ctx, path)
	if err != nil {
		return "", 0, err
	}
	return path, n, pruneBackups(dir, keep)
}

// pruneBackups removes the oldest backups of dir beyond the newest keep.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("store: prune backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && IsBackupName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for len(names) > keep {
		old := filepath.Join(dir, names[0])
		if err := os.Remove(old); err != nil {
			return fmt.Errorf("store: prune backups: %w", err)
		}
		if err := os.RemoveAll(photos.Dir(old)); err != nil { // its photos, hard links mostly
			return fmt.Errorf("store: prune backups: %w", err)
		}
		names = names[1:]
	}
	return nil
}
