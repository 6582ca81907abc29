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
		n = 0
		b := tx.Bucket(bucketInvites)
		var stale [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var inv Invite
			if err := json.Unmarshal(v, &inv); err != nil {
				return err
			}
			if inv.Expires.Before(before) {
				stale = append(stale, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(stale)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune invites: %w", err)
	}
	return n, nil
}
