package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The admins' changes to users, made from the office console.

// Revoke takes a user's access away, for a lost phone or someone who has
// left: their chats are unlinked (a new message from them is a stranger's),
// their console sessions, login links and API token end, and the user is
// kept, marked revoked, so their answers keep their author. by is the admin.
func (db *DB) Revoke(ctx context.Context, userID, by string, now time.Time) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var u User
		if err := getUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
			return err
		}
		u.Revoked = true
		if err := putUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
			return err
		}
		if err := unlinkAll(tx, userID); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketSessions, bucketLogins, bucketAPITokens} {
			if _, err := deleteWhere(tx.Bucket(b), grantOf(userID)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketAPITokens).Delete([]byte("user:" + userID)); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: now, Actor: by, Action: "revoke", Detail: userID}})
	})
	if err != nil {
		return fmt.Errorf("store: revoke %s: %w", userID, err)
	}
	return nil
}

// grantOf matches the stored grants (sessions, logins, tokens) of a user.
// The tokens' bucket also holds "user:ID" → hash entries, which are not
// JSON; Revoke deletes the user's own by its key.
func grantOf(userID string) func(v []byte) bool {
	return func(v []byte) bool {
		var g grant
		return bytes.HasPrefix(v, []byte("{")) && json.Unmarshal(v, &g) == nil && g.UserID == userID
	}
}

// unlinkAll removes every chat of a user, with the chat's keyboard, as
// /unlink does for one.
func unlinkAll(tx *bolt.Tx, userID string) error {
	var chats [][]byte
	err := tx.Bucket(bucketIdentities).ForEach(func(k, v []byte) error {
		if string(v) == userID {
			chats = append(chats, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range chats {
		if err == nil {
			err = errors.Join(tx.Bucket(bucketIdentities).Delete(k), tx.Bucket(bucketKeyboards).Delete(k))
		}
	}
	return err
}

// MoveUser gives a user another area (a head who took over another
// village, an official moved to another ward) and writes the audit log.
// A questionnaire in progress keeps the village it was started for.
func (db *DB) MoveUser(ctx context.Context, userID, areaID, by string, now time.Time) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var u User
		if err := getUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
			return err
		}
		if tx.Bucket(bucketAreas).Get([]byte(areaID)) == nil {
			return errors.Join(ErrNotFound, fmt.Errorf("area %s", areaID))
		}
		from := u.AreaID
		u.AreaID = areaID
		if err := putUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: now, Actor: by, Action: "move", Detail: userID + ": " + from + " → " + areaID}})
	})
	if err != nil {
		return fmt.Errorf("store: move %s: %w", userID, err)
	}
	return nil
}
