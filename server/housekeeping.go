package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sothon/store"
	"sothon/store/photos"
)

// seenFor is how long handled message ids are kept to drop repeats.
const seenFor = 30 * 24 * time.Hour

// photoGrace is how old a photo nothing refers to must be before it is
// removed: one being kept for an answer not yet committed is younger.
const photoGrace = 24 * time.Hour

// housekeeping ends idle questionnaires and removes the console's uploads
// past their hour every ten minutes, and forgets old message ids every
// hour (and, at start, the uploads an earlier version kept in the
// database).
func (s *server) housekeeping(ctx context.Context) {
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	lastPrune := time.Time{}
	for {
		if n, err := s.engine.ExpireIdle(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("expire idle questionnaires", "err", err)
		} else if n > 0 {
			s.log.Info("expired idle questionnaires", "count", n)
		}
		if n := s.console.PruneUploads(); n > 0 {
			s.log.Info("removed uploads past their hour", "count", n)
		}
		if s.cfg.now().Sub(lastPrune) > time.Hour {
			lastPrune = s.cfg.now()
			if n, err := s.db.PruneSeen(ctx, s.cfg.now().Add(-seenFor)); err != nil && ctx.Err() == nil {
				s.log.Error("prune seen message ids", "err", err)
			} else if n > 0 {
				s.log.Info("pruned seen message ids", "count", n)
			}
			if _, err := s.db.PruneFiles(ctx, s.cfg.now()); err != nil && ctx.Err() == nil {
				s.log.Error("prune files", "err", err)
			}
			if n, err := s.db.PrunePhotos(ctx, time.Now().Add(-photoGrace)); err != nil && ctx.Err() == nil {
				s.log.Error("prune photos", "err", err)
			} else if n > 0 {
				s.log.Info("removed photos no answer refers to", "count", n)
			}
			if err := s.db.PruneThrottle(ctx, s.cfg.now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				s.log.Error("prune wrong-code counts", "err", err)
			}
			if n, err := s.db.PruneInvites(ctx, s.cfg.now().Add(-seenFor)); err != nil && ctx.Err() == nil {
				s.log.Error("prune invites", "err", err)
			} else if n > 0 {
				s.log.Info("pruned expired invites", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// backupsKept is how many scheduled backups stay in the backup folder.
const backupsKept = 7

// backup writes a consistent copy of the database into dir, under a name
// that sorts by time, and removes all but the newest backupsKept.
func (s *server) backup(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	final := filepath.Join(dir, "sothon-"+s.cfg.now().Format("20060102-150405")+".db")
	tmp := final + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = s.db.Backup(ctx, f)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = store.VerifyCopy(tmp) // counts among the kept ones only if it opens
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	if _, err := s.db.BackupPhotos(ctx, final); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	s.log.Info("backup written", "file", final)
	return pruneBackups(dir)
}

func pruneBackups(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "sothon-") && strings.HasSuffix(e.Name(), ".db") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for len(names) > backupsKept {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		if err := os.RemoveAll(photos.Dir(filepath.Join(dir, names[0]))); err != nil { // its photos, hard links mostly
			return err
		}
		names = names[1:]
	}
	return nil
}
