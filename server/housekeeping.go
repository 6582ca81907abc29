package server

import (
	"context"
	"time"
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

// backup writes a checked copy of the database into dir, under a name
// that sorts by time, and removes all but the newest backupsKept: the
// same as `sothon backup --dir DIR --keep 7`.
func (s *server) backup(ctx context.Context, dir string) error {
	path, _, err := s.db.BackupInto(ctx, dir, s.cfg.now(), backupsKept)
	if path != "" {
		s.log.Info("backup written", "file", path)
	}
	return err
}
