package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/store"
	"sothon/tree"
)

// Invitation is a person an admin asks to invite.
type Invitation struct {
	Role, AreaID, Name string
	TTL                time.Duration // how long the code can be used; 0 for store.DefaultInviteTTL
}

// Refusal causes of an invitation.
var (
	ErrBadRole     = errors.New("office: role must be head, official, reviewer or admin")
	ErrHeadVillage = errors.New("office: a village head's area must be a village")
)

var roles = []string{store.RoleHead, store.RoleOfficial, store.RoleReviewer, store.RoleAdmin}

// Invite makes a one-time invite code. An admin invites anyone into their
// area or below it; a village head's area is a village.
func (o *Office) Invite(ctx context.Context, actor store.User, req Invitation, at time.Time) (store.Invite, error) {
	if err := admin(actor); err != nil {
		return store.Invite{}, err
	}
	if !slices.Contains(roles, req.Role) {
		return store.Invite{}, refuse(ErrBadRole, "office.invite_bad_role")
	}
	area, err := o.areaOf(ctx, actor, req.AreaID)
	if err != nil {
		return store.Invite{}, err
	}
	if req.Role == store.RoleHead && area.Kind != tree.Village {
		return store.Invite{}, refuse(ErrHeadVillage, "office.invite_head_village")
	}
	inv, err := o.Store.IssueInvite(ctx, store.InviteRequest{Role: req.Role, AreaID: area.ID, Name: cleanName(req.Name),
		By: actor.ID, TTL: req.TTL, Now: at})
	if err != nil {
		return store.Invite{}, fmt.Errorf("office: invite: %w", err)
	}
	return inv, nil
}

// InviteHeads makes an invite for the head of every village of an area that
// has neither a head nor an invite not used yet, and returns the new ones:
// asking twice makes no second set.
func (o *Office) InviteHeads(ctx context.Context, actor store.User, areaID string, at time.Time) ([]store.Invite, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return nil, err
	}
	areas, err := o.Store.Areas(ctx)
	var users []store.User
	var invites []store.Invite
	if err == nil {
		users, err = o.Store.Users(ctx)
	}
	if err == nil {
		invites, err = o.Store.Invites(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("office: invite heads: %w", err)
	}
	covered := map[string]bool{}
	for _, m := range users {
		covered[m.AreaID] = covered[m.AreaID] || m.Role == store.RoleHead && !m.Revoked
	}
	for _, inv := range invites {
		covered[inv.AreaID] = covered[inv.AreaID] || inv.Role == store.RoleHead && inv.Open(at)
	}
	var made []store.Invite
	for _, a := range areas {
		if a.Kind != tree.Village || !tree.Within(a.ID, area.ID) || covered[a.ID] {
			continue
		}
		inv, err := o.Store.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: a.ID, By: actor.ID, Now: at})
		if err != nil {
			return made, fmt.Errorf("office: invite heads: %w", err)
		}
		made = append(made, inv)
	}
	return made, nil
}

// cleanName keeps a typed name to one line of at most 80 characters.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	return s
}

// OpenInvites are the invites of an area of the admin's ("" for their own)
// and below it that can still be used at a moment, in the area tree's
// order and oldest first within an area.
func (o *Office) OpenInvites(ctx context.Context, actor store.User, areaID string, at time.Time) ([]store.Invite, error) {
	if err := admin(actor); err != nil {
		return nil, err
	}
	scope, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return nil, err
	}
	areas, err := o.Store.Areas(ctx)
	var all []store.Invite
	if err == nil {
		all, err = o.Store.Invites(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("office: invites: %w", err)
	}
	order := make(map[string]int, len(areas))
	for _, a := range areas {
		order[a.ID] = a.Order
	}
	open := slices.DeleteFunc(all, func(inv store.Invite) bool { return !inv.Open(at) || !tree.Within(inv.AreaID, scope.ID) })
	slices.SortStableFunc(open, func(a, b store.Invite) int {
		return cmp.Or(cmp.Compare(order[a.AreaID], order[b.AreaID]), a.Created.Compare(b.Created))
	})
	return open, nil
}
