package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
)

// moveChatAreas gives the users and the runs in progress whose area the
// mapping moves their new area; it returns how many of each. Their records
// are in the compact encoding (codec_chat.go), not JSON to edit field by
// field as rewriteAreaField does.
func moveChatAreas(tx *bolt.Tx, mapping map[string]string) (users, runs int, err error) {
	users, err = moveAreas(tx.Bucket(bucketUsers), mapping, decodeUser, func(u *User) *string { return &u.AreaID }, putUser)
	if err != nil {
		return 0, 0, fmt.Errorf("users: %w", err)
	}
	runs, err = moveAreas(tx.Bucket(bucketRuns), mapping, decodeRun, func(r *flows.Run) *string { return &r.AreaID }, putRun)
	if err != nil {
		return 0, 0, fmt.Errorf("runs: %w", err)
	}
	return users, runs, nil
}

// moveAreas gives the records of b whose area the reorganisation maps
// elsewhere their new area (area points at it in a decoded record), read
// with dec and written back with put; it returns how many moved. The
// records kept in a compact encoding (users, runs, households) move here;
// the JSON ones by rewriteAreaField.
func moveAreas[T any](b *bolt.Bucket, mapping map[string]string, dec func([]byte, *T) error, area func(*T) *string, put func(*bolt.Bucket, []byte, *T) error) (int, error) {
	type change struct {
		key []byte
		rec T
	}
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		var rec T
		if err := dec(v, &rec); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		a := area(&rec)
		if to, ok := mapping[*a]; ok && to != *a {
			*a = to
			changes = append(changes, change{bytes.Clone(k), rec})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i := range changes {
		if err := put(b, changes[i].key, &changes[i].rec); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}
