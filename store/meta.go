package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SettingCountBasis says what the official list counts: CountApproved,
// CountAll, or (unset) approved forms once any form of the round was
// reviewed, all until then.
const SettingCountBasis = "count_basis"

// Values of SettingCountBasis.
const (
	CountApproved = "approved"
	CountAll      = "all"
)

// SetSetting stores a value the program learns or makes at run time (the
// bot's username, a generated webhook secret).
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("setting:"+key), []byte(value))
	})
	if err != nil {
		return fmt.Errorf("store: set %s: %w", key, err)
	}
	return nil
}

// Setting reads a stored value; "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get([]byte("setting:" + key)))
		return nil
	})
	return v, err
}
