package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"sothon/store"
	"sothon/tree"
)

// ErrNoUser: no user the actor may change by that id; one outside their
// area, revoked, or the actor themself is said the same way.
var ErrNoUser = errors.New("office: no such user of yours")

// Changeable finds a user an admin may change: one of the admin's area,
// not revoked, and not the admin (so an area never loses its last admin by
// a slip).
func (o *Office) Changeable(ctx context.Context, actor store.User, userID string) (store.User, error) {
	if err := admin(actor); err != nil {
		return store.User{}, err
	}
	u, err := o.Store.UserByID(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && (!tree.Within(u.AreaID, actor.AreaID) || u.ID == actor.ID || u.Revoked):
		return store.User{}, refuse(ErrNoUser, "office.no_user")
	case err != nil:
		return store.User{}, fmt.Errorf("office: user %s: %w", userID, err)
	}
	return u, nil
}

// Revoke takes away a user's access (a lost phone, someone who has left):
// their chats are unlinked, their sessions and API token end.
func (o *Office) Revoke(ctx context.Context, actor store.User, userID string, at time.Time) error {
	u, err := o.Changeable(ctx, actor, userID)
	if err != nil {
		return err
	}
	if err := o.Store.Revoke(ctx, u.ID, actor.ID, at); err != nil {
		return fmt.Errorf("office: revoke: %w", err)
	}
	return nil
}

// MoveUser gives a user another area within the admin's; a head's must be
// a village, as for an invite.
func (o *Office) MoveUser(ctx context.Context, actor store.User, userID, areaID string, at time.Time) error {
	u, err := o.Changeable(ctx, actor, userID)
	if err != nil {
		return err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return err
	}
	if u.Role == store.RoleHead && area.Kind != tree.Village {
		return refuse(ErrHeadVillage, "office.move_head_village")
	}
	if err := o.Store.MoveUser(ctx, u.ID, area.ID, actor.ID, at); err != nil {
		return fmt.Errorf("office: move: %w", err)
	}
	return nil
}

// Member is a user as an admin's list of people shows them.
type Member struct {
	store.User
	Area     string   // the area's label: a village with its ward or commune
	Channels []string // the chats they write from: telegram, zalo, console
}

// Users are the people of an area of the admin's ("" for their own) and
// below it, revoked ones too, in the area tree's order and by name within
// an area.
func (o *Office) Users(ctx context.Context, actor store.User, areaID string) ([]Member, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	scope, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return nil, err
	}
	all, err := o.Store.Users(ctx)
	var ids []store.Identity
	var areas []tree.Area
	if err == nil {
		ids, err = o.Store.Identities(ctx)
	}
	if err == nil {
		areas, err = o.Store.Areas(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("office: users: %w", err)
	}
	byID := make(map[string]tree.Area, len(areas))
	for _, a := range areas {
		byID[a.ID] = a
	}
	channels := map[string][]string{}
	for _, id := range ids {
		if !slices.Contains(channels[id.UserID], id.Channel) {
			channels[id.UserID] = append(channels[id.UserID], id.Channel)
		}
	}
	out := []Member{}
	for _, u := range all {
		if tree.Within(u.AreaID, scope.ID) {
			a, chats := byID[u.AreaID], channels[u.ID]
			if chats == nil {
				chats = []string{} // [] in JSON, not null
			}
			out = append(out, Member{User: u, Area: tree.Label(a, byID[a.Parent]), Channels: chats})
		}
	}
	slices.SortStableFunc(out, func(x, y Member) int {
		return cmp.Or(cmp.Compare(byID[x.AreaID].Order, byID[y.AreaID].Order), cmp.Compare(x.Name, y.Name))
	})
	return out, nil
}

// AuditLog is the log of changes an admin may read, newest first.
type AuditLog struct {
	Entries []store.AuditEntry
	// Names are the people of the admin's area by id: their entries are
	// the admin's to read.
	Names map[string]string
	// System: the entries of the scheduler, of the terminal and of people
	// no longer known belong to no area, so only an admin of the whole
	// tree (an area without a parent) reads them.
	System bool
}

// Audit is the log of changes made by the people of the admin's area, at
// most limit entries.
func (o *Office) Audit(ctx context.Context, actor store.User, limit int) (AuditLog, error) {
	if err := admin(actor); err != nil {
		return AuditLog{}, err
	}
	users, err := o.Store.Users(ctx)
	if err != nil {
		return AuditLog{}, fmt.Errorf("office: audit: %w", err)
	}
	top, err := o.atTop(ctx, actor)
	if err != nil {
		return AuditLog{}, fmt.Errorf("office: audit: %w", err)
	}
	log := AuditLog{Names: map[string]string{}, System: top}
	known := map[string]bool{}
	for _, u := range users {
		known[u.ID] = true
		if tree.Within(u.AreaID, actor.AreaID) {
			log.Names[u.ID] = u.Name
		}
	}
	log.Entries, err = o.Store.RecentAudit(ctx, limit, func(e store.AuditEntry) bool {
		_, ours := log.Names[e.Actor]
		return ours || log.System && !known[e.Actor]
	})
	if err != nil {
		return AuditLog{}, fmt.Errorf("office: audit: %w", err)
	}
	return log, nil
}
