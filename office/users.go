package office

import (
	"context"
	"errors"
	"fmt"
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
