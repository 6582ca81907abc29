package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Keyboard is a sent message whose buttons are still open, so a later
// answer can close them.
type Keyboard struct {
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
	Question  string `json:"question"`
}

// Outbox lists up to limit queued messages of a channel, oldest first, due
// or not: the sender keeps each chat's messages in order.
func (db *DB) Outbox(ctx context.Context, channel string, limit int) ([]Message, error) {
	var out []Message
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var m Message
			if err := decodeMessage(v, &m); err != nil {
				return fmt.Errorf("outbox record: %w", err)
			}
			if m.Channel == channel {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// Delivered removes a sent message from the outbox and, when it carried
// buttons, remembers them as the chat's open keyboard. Options sent with
// no keyboard to remember (buttons that need no closing, such as the
// chat's own keyboard on Telegram) take the place of the keyboard
// remembered before, as newer buttons always did: an answer to them is
// not shown under an older message.
func (db *DB) Delivered(ctx context.Context, m Message, kb *Keyboard) error {
	// The commit's function holds only what it writes, not the message:
	// it lives on the heap until the commit, for every message sent.
	id, chat := seqKey(m.ID), []byte(identityKey(m.Channel, m.ChatID))
	replaced := kb == nil && len(m.Options) > 0 && m.Edit == ""
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketOutbox).Delete(id); err != nil {
			return err
		}
		if replaced {
			return tx.Bucket(bucketKeyboards).Delete(chat)
		}
		if kb == nil {
			return nil
		}
		return putKeyboard(tx.Bucket(bucketKeyboards), chat, kb)
	})
	if err != nil {
		return fmt.Errorf("store: mark delivered: %w", err)
	}
	return nil
}

// Defer keeps a message for a later attempt, noting how many parts of a
// long text the platform took already.
func (db *DB) Defer(ctx context.Context, id uint64, notBefore time.Time, attempts, partsSent int) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		var m Message
		if err := getMessage(b, seqKey(id), &m); err != nil {
			return err
		}
		m.NotBefore, m.Attempts, m.PartsSent = notBefore, attempts, partsSent
		return putMessage(b, seqKey(id), &m)
	})
	if err != nil {
		return fmt.Errorf("store: defer message %d: %w", id, err)
	}
	return nil
}

// Undeliverable drops a message that can never be sent and, when the user
// cannot be reached (they blocked the bot), marks them so, with an audit
// entry for the office.
func (db *DB) Undeliverable(ctx context.Context, m Message, unreachable bool, reason string, at time.Time) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketOutbox).Delete(seqKey(m.ID)); err != nil {
			return err
		}
		if !unreachable {
			return nil
		}
		uid := tx.Bucket(bucketIdentities).Get([]byte(identityKey(m.Channel, m.ChatID)))
		if uid == nil {
			return nil
		}
		users := tx.Bucket(bucketUsers)
		var u User
		if err := getUser(users, uid, &u); err != nil {
			return err
		}
		u.Unreachable = true
		if err := putUser(users, uid, &u); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: "system", Action: "unreachable", Detail: u.ID + " " + m.Channel + ": " + reason}})
	})
	if err != nil {
		return fmt.Errorf("store: drop message %d: %w", m.ID, err)
	}
	return nil
}
