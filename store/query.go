package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
)

// UserByIdentity finds the user behind a chat.
func (db *DB) UserByIdentity(ctx context.Context, channel, chatID string) (User, error) {
	var u User
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketIdentities).Get([]byte(identityKey(channel, chatID)))
		if id == nil {
			return ErrNotFound
		}
		return getUser(tx.Bucket(bucketUsers), id, &u)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: user of %s:%s: %w", channel, chatID, err)
	}
	return u, nil
}

// Users lists every registered user.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(_, v []byte) error {
			var u User
			if err := decodeUser(v, &u); err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// Queue puts messages in the outbox outside a conversation (reminders,
// digests) and returns them with their ids.
func (db *DB) Queue(ctx context.Context, at time.Time, msgs []Message, audit []AuditEntry) ([]Message, error) {
	applied, err := db.Apply(ctx, Change{At: at, Replies: func(Applied) []Message { return msgs }, Audit: audit})
	return applied.Queued, err
}

// UserByID loads a user.
func (db *DB) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	err := db.view(ctx, func(tx *bolt.Tx) error { return getUser(tx.Bucket(bucketUsers), []byte(id), &u) })
	if err != nil {
		return User{}, fmt.Errorf("store: user %s: %w", id, err)
	}
	return u, nil
}

// Conversation is what the engine needs to answer a chat.
type Conversation struct {
	User     User
	Run      *flows.Run // nil when none is in progress
	Keyboard *Keyboard  // the chat's message with open buttons, if any
}

// Conversation loads, in one read, the user behind a chat, their run in
// progress and the chat's open keyboard.
func (db *DB) Conversation(ctx context.Context, channel, chatID string) (Conversation, error) {
	var c Conversation
	err := db.view(ctx, func(tx *bolt.Tx) error {
		key := []byte(identityKey(channel, chatID))
		id := tx.Bucket(bucketIdentities).Get(key)
		if id == nil {
			return ErrNotFound
		}
		if err := getUser(tx.Bucket(bucketUsers), id, &c.User); err != nil {
			return err
		}
		var r flows.Run
		switch err := getRun(tx.Bucket(bucketRuns), id, &r); {
		case err == nil:
			c.Run = &r
		case !errors.Is(err, ErrNotFound):
			return err
		}
		var kb Keyboard
		switch err := getKeyboard(tx.Bucket(bucketKeyboards), key, &kb); {
		case err == nil:
			c.Keyboard = &kb
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("store: conversation %s:%s: %w", channel, chatID, err)
	}
	return c, nil
}

// RegisterEntry is a household as the picker lists it.
type RegisterEntry struct {
	ID, HeadName string
}

// Register lists the households of one area (not its sub-areas) by id,
// reading only the area index.
func (db *DB) Register(ctx context.Context, areaID string) ([]RegisterEntry, error) {
	var out []RegisterEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketHHByArea).Cursor()
		prefix := []byte(areaID + "\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out = append(out, RegisterEntry{ID: string(k[len(prefix):]), HeadName: string(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: register of %s: %w", areaID, err)
	}
	return out, nil
}

// Run loads a user's run in progress.
func (db *DB) Run(ctx context.Context, userID string) (*flows.Run, error) {
	var r flows.Run
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getRun(tx.Bucket(bucketRuns), []byte(userID), &r)
	})
	if err != nil {
		return nil, fmt.Errorf("store: run of %s: %w", userID, err)
	}
	return &r, nil
}

// IdleRuns lists runs not touched since before.
func (db *DB) IdleRuns(ctx context.Context, before time.Time) ([]RunRecord, error) {
	var out []RunRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			var r flows.Run
			if err := decodeRun(v, &r); err != nil {
				return fmt.Errorf("run of %s: %w", k, err)
			}
			if r.Updated.Before(before) {
				out = append(out, RunRecord{UserID: string(k), Run: &r})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: idle runs: %w", err)
	}
	return out, nil
}

// IdentitiesOf lists the chats of a user, to reach them outside a reply.
func (db *DB) IdentitiesOf(ctx context.Context, userID string) ([]Identity, error) {
	all, err := db.Identities(ctx)
	return slices.DeleteFunc(all, func(id Identity) bool { return id.UserID != userID }), err
}

// Identities lists every chat with its user, for pages that show many users
// at once without a scan per user.
func (db *DB) Identities(ctx context.Context) ([]Identity, error) {
	var out []Identity
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIdentities).ForEach(func(k, v []byte) error {
			ch, chat, _ := bytes.Cut(k, []byte(":"))
			out = append(out, Identity{Channel: string(ch), ChatID: string(chat), UserID: string(v)})
			return nil
		})
	})
	return out, err
}

// HouseholdsIn lists the register of one area (not its sub-areas), by id.
func (db *DB) HouseholdsIn(ctx context.Context, areaID string) ([]Household, error) {
	var out []Household
	err := db.view(ctx, func(tx *bolt.Tx) error {
		hh := tx.Bucket(bucketHouseholds)
		c := tx.Bucket(bucketHHByArea).Cursor()
		prefix := []byte(areaID + "\x00")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var h Household
			if err := getHousehold(hh, k[len(prefix):], &h); err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: households of %s: %w", areaID, err)
	}
	return out, nil
}

// Household loads one household.
func (db *DB) Household(ctx context.Context, id string) (Household, error) {
	var h Household
	err := db.view(ctx, func(tx *bolt.Tx) error { return getHousehold(tx.Bucket(bucketHouseholds), []byte(id), &h) })
	if err != nil {
		return Household{}, fmt.Errorf("store: household %s: %w", id, err)
	}
	return h, nil
}

// SubmissionFilter selects submissions; empty fields match everything.
type SubmissionFilter struct {
	Form     string
	AreaID   string // this area and its sub-areas
	From, To string // days submitted, YYYY-MM-DD, inclusive; "" leaves that end open
}

// Submissions calls fn for each matching submission: by id without an
// area, otherwise by area and then time.
func (db *DB) Submissions(ctx context.Context, f SubmissionFilter, fn func(Submission) error) error {
	err := db.view(ctx, func(tx *bolt.Tx) error { return eachSubmission(ctx, tx, f, fn) })
	if err != nil {
		return fmt.Errorf("store: submissions: %w", err)
	}
	return nil
}

func eachSubmission(ctx context.Context, tx *bolt.Tx, f SubmissionFilter, fn func(Submission) error) error {
	subs := tx.Bucket(bucketSubmissions)
	visit := func(id []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var s Submission
		if err := getJSON(subs, id, &s); err != nil {
			return err
		}
		if day := s.SubmittedAt.Format(time.DateOnly); (f.Form != "" && s.Form != f.Form) ||
			(f.From != "" && day < f.From) || (f.To != "" && day > f.To) {
			return nil
		}
		return fn(s)
	}
	if f.AreaID == "" {
		return subs.ForEach(func(k, _ []byte) error { return visit(k) })
	}
	c := tx.Bucket(bucketSubByArea).Cursor()
	for _, prefix := range [][]byte{[]byte(f.AreaID + "\x00"), []byte(f.AreaID + "/")} {
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := visit(k[len(k)-8:]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Submission loads one submission.
func (db *DB) Submission(ctx context.Context, id uint64) (Submission, error) {
	var s Submission
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketSubmissions), seqKey(id), &s) })
	if err != nil {
		return Submission{}, fmt.Errorf("store: submission %d: %w", id, err)
	}
	return s, nil
}

// Audit lists the audit log, oldest first.
func (db *DB) Audit(ctx context.Context) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// RecentAudit lists the newest audit entries that keep accepts, newest
// first, up to limit: it reads back from the end and stops there, so a
// page of a long log costs what it shows.
func (db *DB) RecentAudit(ctx context.Context, limit int, keep func(AuditEntry) bool) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if keep(e) {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit: %w", err)
	}
	return out, nil
}

// Counter reads a named counter.
func (db *DB) Counter(ctx context.Context, name string) (uint64, error) {
	var n uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		n, _ = strconv.ParseUint(string(tx.Bucket(bucketMeta).Get([]byte("count:"+name))), 10, 64)
		return nil
	})
	return n, err
}
