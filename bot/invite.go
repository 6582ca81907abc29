package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"sothon/store"
)

// DefaultInviteTTL is how long an invite code can be used.
const DefaultInviteTTL = 7 * 24 * time.Hour

// inviteAlphabet leaves out 0/O and 1/I/L, which people misread on phones.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const inviteLen = 8

// InviteRequest asks for a one-time invite code.
type InviteRequest struct {
	Role, AreaID, Name string
	By                 string // who asks (a user id, or "terminal")
	ScopeID            string // the asker's area: the invite's area must be inside it; "" for the terminal
	TTL                time.Duration
	Now                time.Time
}

// Invite errors, shown to admins.
var (
	ErrBadRole      = errors.New("role must be head, official or admin")
	ErrAreaUnknown  = errors.New("no such area (see `sothon areas`)")
	ErrOutsideScope = errors.New("that area is outside your own")
	ErrHeadVillage  = errors.New("a village head's area must be a village")
)

// CreateInvite checks a request and stores a new invite code.
func CreateInvite(ctx context.Context, db *store.DB, req InviteRequest) (store.Invite, error) {
	if req.Role != store.RoleHead && req.Role != store.RoleOfficial && req.Role != store.RoleAdmin {
		return store.Invite{}, ErrBadRole
	}
	area, err := db.Area(ctx, req.AreaID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Invite{}, fmt.Errorf("%w: %q", ErrAreaUnknown, req.AreaID)
	}
	if err != nil {
		return store.Invite{}, err
	}
	if req.ScopeID != "" && !InArea(req.AreaID, req.ScopeID) {
		return store.Invite{}, ErrOutsideScope
	}
	if req.Role == store.RoleHead && area.Kind != store.KindVillage {
		return store.Invite{}, ErrHeadVillage
	}
	if req.TTL <= 0 {
		req.TTL = DefaultInviteTTL
	}
	for {
		inv := store.Invite{Code: newCode(), Role: req.Role, AreaID: req.AreaID, Name: strings.TrimSpace(req.Name),
			CreatedBy: req.By, Created: req.Now, Expires: req.Now.Add(req.TTL)}
		err := db.CreateInvite(ctx, inv)
		if !errors.Is(err, store.ErrCodeTaken) {
			return inv, err
		}
	}
}

// LinkTTL is how long a /link code can be used.
const LinkTTL = 30 * time.Minute

// CreateLink makes a code that joins another chat (on another channel) to
// an existing user.
func CreateLink(ctx context.Context, db *store.DB, u store.User, channel string, now time.Time) (store.Invite, error) {
	for {
		inv := store.Invite{Code: newCode(), Role: u.Role, AreaID: u.AreaID, Name: u.Name, UserID: u.ID, Channel: channel,
			CreatedBy: u.ID, Created: now, Expires: now.Add(LinkTTL)}
		err := db.CreateInvite(ctx, inv)
		if !errors.Is(err, store.ErrCodeTaken) {
			return inv, err
		}
	}
}

// InArea reports whether area is scope or below it.
func InArea(area, scope string) bool { return store.Within(area, scope) }

func newCode() string {
	b := make([]byte, inviteLen)
	rand.Read(b)
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b)
}

// normalizeCode reads a code as people type it: any case, with spaces or
// dashes. ok is false when it cannot be a code.
func normalizeCode(s string) (string, bool) {
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
