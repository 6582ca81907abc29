package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// migrations bring a file from schema version i to i+1. Append only; never
// edit one that has shipped.
var migrations = []func(tx *bolt.Tx) error{
	// 0 → 1: the first schema, all buckets.
	func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 1 → 2: the inbox of received updates and the open keyboards per chat.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketInbox, bucketKeyboards) },
	// 2 → 3: counters per village and the facts behind them, digest snapshots.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketCounters, bucketFacts, bucketDigests) },
	// 3 → 4: submissions carry their class and household size as fields,
	// taken from the answers with the ids the household form had until now.
	fillClassAndMembers,
}

func fillClassAndMembers(tx *bolt.Tx) error {
	subs := tx.Bucket(bucketSubmissions)
	type change struct {
		key []byte
		sub Submission
	}
	var changes []change
	err := subs.ForEach(func(k, v []byte) error {
		var s Submission
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		if s.Form != "household" || s.Class != "" {
			return nil
		}
		s.Class = s.Answers["class"]
		s.Members, _ = strconv.Atoi(s.Answers["members"])
		changes = append(changes, change{bytes.Clone(k), s})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := putJSON(subs, c.key, c.sub); err != nil {
			return err
		}
	}
	return nil
}

func createBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the version this program writes.
var SchemaVersion = len(migrations)

var keySchema = []byte("schema_version")

func (db *DB) migrate() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		version := 0
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if v := meta.Get(keySchema); v != nil {
				n, err := strconv.Atoi(string(v))
				if err != nil {
					return fmt.Errorf("store: schema version %q: %w", v, err)
				}
				version = n
			}
		}
		if version > SchemaVersion {
			return fmt.Errorf("store: the database has schema %d, newer than this program's %d: upgrade sothon", version, SchemaVersion)
		}
		for ; version < SchemaVersion; version++ {
			if err := migrations[version](tx); err != nil {
				return fmt.Errorf("store: migrate to schema %d: %w", version+1, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(version)))
	})
}

// Version reads the file's schema version.
func (db *DB) Version() (int, error) {
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n, err := strconv.Atoi(string(tx.Bucket(bucketMeta).Get(keySchema)))
		v = n
		return err
	})
	return v, err
}
