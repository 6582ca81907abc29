package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
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

// DefaultInviteTTL is how long an invite code can be used.
const DefaultInviteTTL = 7 * 24 * time.Hour

// LinkTTL is how long a /link code can be used.
const LinkTTL = 30 * time.Minute

// inviteAlphabet leaves out 0/O and 1/I/L, which people misread on phones.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const inviteLen = 8

// InviteRequest asks for a one-time invite code.
type InviteRequest struct {
	Role, AreaID, Name string
	By                 string // who asks (a user id, or "terminal")
	TTL                time.Duration
	Now                time.Time
}

// IssueInvite stores a new invite code for an area that exists. Who may
// invite whom, and where, is package office's to say.
func (db *DB) IssueInvite(ctx context.Context, req InviteRequest) (Invite, error) {
	_, err := db.Area(ctx, req.AreaID)
	if errors.Is(err, ErrNotFound) {
		return Invite{}, fmt.Errorf("%w: %q", tree.ErrUnknown, req.AreaID)
	}
	if err != nil {
		return Invite{}, err
	}
	if req.TTL <= 0 {
		req.TTL = DefaultInviteTTL
	}
	return db.createWithNewCode(ctx, Invite{Role: req.Role, AreaID: req.AreaID, Name: strings.TrimSpace(req.Name),
		CreatedBy: req.By, Created: req.Now, Expires: req.Now.Add(req.TTL)})
}

// IssueLink makes a code that joins another chat (on another channel) to
// an existing user.
func (db *DB) IssueLink(ctx context.Context, u User, channel string, now time.Time) (Invite, error) {
	return db.createWithNewCode(ctx, Invite{Role: u.Role, AreaID: u.AreaID, Name: u.Name, UserID: u.ID, Channel: channel,
		CreatedBy: u.ID, Created: now, Expires: now.Add(LinkTTL)})
}

// createWithNewCode stores an invite under a fresh code, drawing again in
// the rare case the code is taken.
func (db *DB) createWithNewCode(ctx context.Context, inv Invite) (Invite, error) {
	for {
		inv.Code = newCode()
		err := db.CreateInvite(ctx, inv)
		if !errors.Is(err, ErrCodeTaken) {
			return inv, err
		}
	}
}

func newCode() string {
	b := make([]byte, inviteLen)
	rand.Read(b)
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b)
}

// NormalizeCode reads a code as people type it: any case, with spaces or
// dashes. ok is false when it cannot be a code.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != inviteLen {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(inviteAlphabet, r) {
			return "", false
		}
	}
	return s, true
}

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

// Invites lists the invites kept (those expired over a month ago are
// pruned), in code order.
func (db *DB) Invites(ctx context.Context) ([]Invite, error) {
	var out []Invite
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInvites).ForEach(func(_, v []byte) error {
			var inv Invite
			if err := json.Unmarshal(v, &inv); err != nil {
				return err
			}
			out = append(out, inv)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: invites: %w", err)
	}
	return out, nil
}

// Open reports whether an invite (not a link code) can still be used.
func (inv Invite) Open(now time.Time) bool {
	return inv.UserID == "" && inv.UsedBy == "" && now.Before(inv.Expires)
}
