package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A login link carries a one-time token; pressing its page's button starts
// a session in the office console. Both are kept in the store, so a restart
// logs nobody out and a token works once; only their hashes are kept, like
// the API tokens', so a copy of the file (a backup) opens no session.

type grant struct {
	UserID  string    `json:"user_id"`
	Expires time.Time `json:"expires"`
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateLogin makes a one-time login token for a user, valid for ttl.
func (db *DB) CreateLogin(ctx context.Context, userID string, now time.Time, ttl time.Duration) (string, error) {
	return db.putGrant(ctx, bucketLogins, userID, now.Add(ttl))
}

// UseLogin spends a login token and returns its user; ErrNotFound when it
// is unknown, used or expired.
func (db *DB) UseLogin(ctx context.Context, token string, now time.Time) (string, error) {
	var g grant
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLogins)
		if err := getJSON(b, []byte(tokenHash(token)), &g); err != nil {
			return err
		}
		return b.Delete([]byte(tokenHash(token)))
	})
	if err == nil && now.After(g.Expires) {
		err = ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: login: %w", err)
	}
	return g.UserID, nil
}

// LoginUsable says whether a login token would work now, without spending
// it: a link's page asks, and only its button spends. ErrNotFound when it
// is unknown, used or expired.
func (db *DB) LoginUsable(ctx context.Context, token string, now time.Time) error {
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var g grant
		if err := getJSON(tx.Bucket(bucketLogins), []byte(tokenHash(token)), &g); err != nil {
			return err
		}
		if now.After(g.Expires) {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: login: %w", err)
	}
	return nil
}

// CreateSession starts a console session for a user, valid for ttl.
func (db *DB) CreateSession(ctx context.Context, userID string, now time.Time, ttl time.Duration) (string, error) {
	return db.putGrant(ctx, bucketSessions, userID, now.Add(ttl))
}

// SessionUser returns the user of a live session; ErrNotFound otherwise.
func (db *DB) SessionUser(ctx context.Context, id string, now time.Time) (User, error) {
	var u User
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var g grant
		if err := getJSON(tx.Bucket(bucketSessions), []byte(tokenHash(id)), &g); err != nil {
			return err
		}
		if now.After(g.Expires) {
			return ErrNotFound
		}
		return getUser(tx.Bucket(bucketUsers), []byte(g.UserID), &u)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: session: %w", err)
	}
	return u, nil
}

// EndSession logs a session out.
func (db *DB) EndSession(ctx context.Context, id string) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete([]byte(tokenHash(id))) })
}

// putGrant makes a token for a user and keeps its hash: the token itself
// goes to the user only.
func (db *DB) putGrant(ctx context.Context, bucket []byte, userID string, expires time.Time) (string, error) {
	token := newToken()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var u User
		if err := getUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil || u.Revoked {
			return errors.Join(ErrNotFound, fmt.Errorf("user %s", userID))
		}
		return putJSON(tx.Bucket(bucket), []byte(tokenHash(token)), grant{UserID: userID, Expires: expires})
	})
	if err != nil {
		return "", fmt.Errorf("store: grant: %w", err)
	}
	return token, nil
}

// CreateAPIToken makes a personal read-only token for a user's figures
// (Excel's "From Web", a BI tool); only its hash is kept, so it is shown
// once. A user's earlier token stops working.
func (db *DB) CreateAPIToken(ctx context.Context, userID string, now time.Time) (string, error) {
	token := newToken()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketUsers).Get([]byte(userID)) == nil {
			return ErrNotFound
		}
		b := tx.Bucket(bucketAPITokens)
		if old := b.Get([]byte("user:" + userID)); old != nil {
			if err := b.Delete(old); err != nil {
				return err
			}
		}
		hash := []byte(tokenHash(token))
		if err := b.Put([]byte("user:"+userID), hash); err != nil {
			return err
		}
		if err := putJSON(b, hash, grant{UserID: userID, Expires: now.AddDate(10, 0, 0)}); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: now, Actor: userID, Action: "api_token"}})
	})
	if err != nil {
		return "", fmt.Errorf("store: api token: %w", err)
	}
	return token, nil
}

// APITokenUser is the user of a personal token; ErrNotFound otherwise.
func (db *DB) APITokenUser(ctx context.Context, token string) (User, error) {
	var u User
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var g grant
		if err := getJSON(tx.Bucket(bucketAPITokens), []byte(tokenHash(token)), &g); err != nil {
			return err
		}
		return getUser(tx.Bucket(bucketUsers), []byte(g.UserID), &u)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: api token: %w", err)
	}
	return u, nil
}

// tokenHash is the key a secret is kept under. A secret is 32 random
// bytes, so a plain SHA-256 is enough: there is nothing to guess.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "h:" + hex.EncodeToString(sum[:])
}
