package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Wrong invite codes are counted in the store, so that a restart does not
// lift a block: for each chat, and for the whole bot under allChats, so
// that many chats trying a few codes each are stopped too.
const allChats = "*"

// maxGlobalTries bounds the tries kept for the whole bot.
const maxGlobalTries = 1000

// Tries are the wrong invite codes sent since a time, oldest first: from
// one chat, and from every chat together.
type Tries struct {
	Chat, All []time.Time
}

// WrongCodes lists the wrong invite codes sent since a time.
func (db *DB) WrongCodes(ctx context.Context, chat string, since time.Time) (Tries, error) {
	var out Tries
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketThrottle)
		out = Tries{Chat: triesSince(b, chat, since), All: triesSince(b, allChats, since)}
		return nil
	})
	if err != nil {
		return Tries{}, fmt.Errorf("store: wrong codes: %w", err)
	}
	return out, nil
}

func triesSince(b *bolt.Bucket, key string, since time.Time) []time.Time {
	return keepSince(triesOf(b, key), since)
}

func triesOf(b *bolt.Bucket, key string) []time.Time {
	var tries []time.Time
	json.Unmarshal(b.Get([]byte(key)), &tries)
	return tries
}

func keepSince(tries []time.Time, since time.Time) []time.Time {
	kept := tries[:0]
	for _, at := range tries {
		if !at.Before(since) {
			kept = append(kept, at)
		}
	}
	return kept
}

// noteWrongCode adds a try for the chat and for the whole bot, forgetting
// those older than window before the newest. Tries are kept in time order,
// whatever order they are noted in.
func noteWrongCode(tx *bolt.Tx, chat string, at time.Time, window time.Duration) error {
	b := tx.Bucket(bucketThrottle)
	for _, key := range []string{chat, allChats} {
		tries := append(triesOf(b, key), at)
		slices.SortFunc(tries, time.Time.Compare)
		tries = keepSince(tries, tries[len(tries)-1].Add(-window))
		if len(tries) > maxGlobalTries {
			tries = tries[len(tries)-maxGlobalTries:]
		}
		if err := putJSON(b, []byte(key), tries); err != nil {
			return err
		}
	}
	return nil
}

// PruneThrottle forgets the chats whose last wrong code is older than a time.
func (db *DB) PruneThrottle(ctx context.Context, before time.Time) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		_, err := deleteWhere(tx.Bucket(bucketThrottle), func(v []byte) bool {
			var tries []time.Time
			return json.Unmarshal(v, &tries) != nil || len(tries) == 0 || tries[len(tries)-1].Before(before)
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: prune throttle: %w", err)
	}
	return nil
}
