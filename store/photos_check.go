package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
	"sothon/store/photos"
)

// Photos is the store of the photos the submissions refer to, in the
// folder beside the database's file ("sothon.db.files/").
func (db *DB) Photos() *photos.Store { return photos.New(photos.Dir(db.path)) }

// FileProblem is a photo a submission names that is not kept as it was:
// missing, or its bytes altered.
type FileProblem struct {
	Submission uint64
	Hash       string
	Err        error
}

func (p FileProblem) String() string {
	return fmt.Sprintf("submission %d: photo %s: %v", p.Submission, p.Hash, p.Err)
}

// CheckFiles reads again every photo a submission names and reports those
// missing or altered.
func (db *DB) CheckFiles(ctx context.Context, store *photos.Store) ([]FileProblem, error) {
	type named struct {
		id    uint64
		files []string
	}
	var all []named
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
			var s struct {
				Files []string `json:"files"`
			}
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			if len(s.Files) > 0 {
				id, err := seqOf(k)
				if err != nil {
					return err
				}
				all = append(all, named{id, s.Files})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: check files: %w", err)
	}
	var out []FileProblem
	for _, n := range all {
		for _, h := range n.files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := store.Verify(h); err != nil {
				out = append(out, FileProblem{Submission: n.id, Hash: h, Err: err})
			}
		}
	}
	return out, nil
}

// BackupPhotos copies the photos into the folder beside a backup written
// to dbCopy ("OUT.files/" beside "OUT"), so that restoring is copying the
// two back side by side. Call it after Backup: every photo the copy's
// submissions name was kept before they were committed.
func (db *DB) BackupPhotos(ctx context.Context, dbCopy string) (int, error) {
	n, err := db.Photos().CopyTo(ctx, photos.New(photos.Dir(dbCopy)))
	if err != nil {
		return n, fmt.Errorf("store: back up photos: %w", err)
	}
	return n, nil
}

// PrunePhotos removes the photos that nothing refers to any more and that
// were kept before a time: one sent to a questionnaire later cancelled or
// expired, or kept by an update whose answer was never committed. A photo
// is referred to by a submission's Files, or by an answer of a run in
// progress (any answer made of content hashes); keeping a photo a day
// before it may go covers one being kept for an answer not yet committed.
// Backups keep their own copies.
func (db *DB) PrunePhotos(ctx context.Context, before time.Time) (int, error) {
	ps := db.Photos()
	hashes, err := ps.Hashes()
	if err != nil || len(hashes) == 0 {
		return 0, err
	}
	used := map[string]bool{}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketSubmissions).ForEach(func(_, v []byte) error {
			var s struct {
				Files []string `json:"files"`
			}
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			for _, h := range s.Files {
				used[h] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRuns).ForEach(func(_, v []byte) error {
			var r flows.Run
			if err := decodeRun(v, &r); err != nil {
				return err
			}
			for _, a := range append(slices.Collect(maps.Values(r.Answers)), r.Photos...) {
				for _, h := range flows.ImageHashes(a) {
					if flows.IsFileHash(h) {
						used[h] = true
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune photos: %w", err)
	}
	n := 0
	for _, h := range hashes {
		if used[h] {
			continue
		}
		removed, err := ps.RemoveBefore(h, before)
		if err != nil {
			return n, fmt.Errorf("store: prune photos: %w", err)
		}
		if removed {
			n++
		}
	}
	return n, nil
}
