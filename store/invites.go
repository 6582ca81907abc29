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

// Invite is a one-time code that lets a person join with a role and area.
type Invite struct {
	Code      string    `json:"code"`
	Role      string    `json:"role"`
	AreaID    string    `json:"area_id"`
	Name      string    `json:"name,omitempty"`
	UserID    string    `json:"user_id,omitempty"` // set for a link code: joins a chat to this existing user
	Channel   string    `json:"channel,omitempty"` // a link code's channel: it joins a chat of another
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	UsedBy    string    `json:"used_by,omitempty"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// ErrCodeTaken means an invite with that code exists; draw another.
var ErrCodeTaken = errors.New("store: invite code taken")

// CreateInvite stores a new invite with its audit entry.
func (db *DB) CreateInvite(ctx context.Context, inv Invite) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		if b.Get([]byte(inv.Code)) != nil {
			return ErrCodeTaken
		}
		if err := putJSON(b, []byte(inv.Code), inv); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: inv.Created, Actor: inv.CreatedBy, Action: "invite",
			Detail: inv.Role + " " + inv.AreaID}})
	})
	if err != nil {
		return fmt.Errorf("store: create invite: %w", err)
	}
	return nil
}

// InviteByCode loads an invite.
func (db *DB) InviteByCode(ctx context.Context, code string) (Invite, error) {
	var inv Invite
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketInvites), []byte(code), &inv) })
	if err != nil {
		return Invite{}, fmt.Errorf("store: invite: %w", err)
	}
	return inv, nil
}

// PruneInvites forgets the invites that expired before a time, used or not;
// who joined with which code stays in the audit log.
func (db *DB) PruneInvites(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = deleteWhere(tx.Bucket(bucketInvites), func(v []byte) bool {
			var inv Invite
			return json.Unmarshal(v, &inv) == nil && inv.Expires.Before(before)
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune invites: %w", err)
	}
	return n, nil
}

// deleteWhere deletes a bucket's records whose value matches; ForEach
// cannot delete as it goes.
func deleteWhere(b *bolt.Bucket, match func(v []byte) bool) (int, error) {
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if match(v) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
