package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Incoming is a received update kept until the engine has handled it, so
// an update acknowledged to the platform survives a crash.
type Incoming struct {
	ID      uint64          `json:"id"`
	Channel string          `json:"channel"`
	ChatID  string          `json:"chat_id"`
	Payload json.RawMessage `json:"payload"`
	// Stranger marks an update from a chat nobody registered when it came:
	// such updates wait behind those of registered users.
	Stranger bool `json:"stranger,omitempty"`
}

// Receive stores updates in the inbox in one transaction. It commits as
// soon as the file is free: a platform's next batch of updates (Telegram's
// next getUpdates) waits for this one to be stored, and every chat waits on
// that, so it neither waits to gather other writes nor runs the answers'
// gathered. Updates received meanwhile, as a webhook's come, many at
// once, share its commit.
func (db *DB) Receive(ctx context.Context, items []Incoming) error {
	err := db.updateNow(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInbox)
		b.FillPercent = denseFill // a queue: keys only grow
		for i := range items {
			id, err := b.NextSequence()
			if err != nil {
				return err
			}
			items[i].ID = id
			if err := putIncoming(b, seqKey(id), &items[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: receive: %w", err)
	}
	return nil
}

// KnownChats tells, for each chat, whether it belongs to a user (an identity
// bound to one), as against a stranger's chat.
func (db *DB) KnownChats(ctx context.Context, chats []ChatRef) ([]bool, error) {
	out := make([]bool, len(chats))
	err := db.view(ctx, func(tx *bolt.Tx) error {
		// One cursor for the batch: bbolt's Get makes one each time.
		c := tx.Bucket(bucketIdentities).Cursor()
		for i, chat := range chats {
			key := []byte(identityKey(chat.Channel, chat.ChatID))
			k, _ := c.Seek(key)
			out[i] = bytes.Equal(k, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: registered: %w", err)
	}
	return out, nil
}

// Inbox lists up to limit received updates in arrival order, starting after
// the id given.
func (db *DB) Inbox(ctx context.Context, after uint64, limit int) ([]Incoming, error) {
	var out []Incoming
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInbox).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var in Incoming
			if err := decodeIncoming(v, &in); err != nil {
				return err
			}
			out = append(out, in)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: inbox: %w", err)
	}
	return out, nil
}

// DropIncoming removes an update that needs no handling (a repeat).
func (db *DB) DropIncoming(ctx context.Context, id uint64) error {
	err := db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketInbox).Delete(seqKey(id)) })
	if err != nil {
		return fmt.Errorf("store: drop incoming: %w", err)
	}
	return nil
}

// Queues counts the updates in the inbox not yet handled and the messages
// in the outbox not yet delivered: both 0 means all is answered.
func (db *DB) Queues(ctx context.Context) (inbox, outbox int, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		inbox, outbox = tx.Bucket(bucketInbox).Stats().KeyN, tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: queues: %w", err)
	}
	return inbox, outbox, nil
}
