package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// File is an attachment kept for a while behind a link, for channels that
// take a file only by its address (Zalo). Uploads to the console wait in
// files of their own beside the database, never here.
type File struct {
	Name  string `json:"name"`
	Image bool   `json:"image,omitempty"`
	// Owner marks an upload that an earlier version kept here; PruneFiles
	// removes such entries.
	Owner   string    `json:"owner,omitempty"`
	Data    []byte    `json:"data"`
	Expires time.Time `json:"expires"`
}

// PutFile keeps a file under a new random id, unguessable, and returns it.
func (db *DB) PutFile(ctx context.Context, f File) (string, error) {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	err := db.update(ctx, func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketFiles), []byte(id), f) })
	if err != nil {
		return "", fmt.Errorf("store: put file: %w", err)
	}
	return id, nil
}

// GetFile loads a kept file; ErrNotFound when there is none.
func (db *DB) GetFile(ctx context.Context, id string) (File, error) {
	var f File
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketFiles), []byte(id), &f) })
	if err != nil {
		return File{}, fmt.Errorf("store: file %s: %w", id, err)
	}
	return f, nil
}

// DeleteFile forgets a kept file.
func (db *DB) DeleteFile(ctx context.Context, id string) error {
	err := db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketFiles).Delete([]byte(id)) })
	if err != nil {
		return fmt.Errorf("store: delete file: %w", err)
	}
	return nil
}

// PruneFiles forgets the files that expired before a time, and the
// uploads an earlier version kept in the database: the backups then carry
// none.
func (db *DB) PruneFiles(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = deleteWhere(tx.Bucket(bucketFiles), func(v []byte) bool {
			var f struct {
				Owner   string    `json:"owner"`
				Expires time.Time `json:"expires"`
			}
			return json.Unmarshal(v, &f) != nil || f.Expires.Before(before) || f.Owner != ""
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune files: %w", err)
	}
	return n, nil
}
