package office_test

import (
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// An admin invites anyone into their area or below it, a village head only
// into a village; every refusal stores no invite.
func TestInvite(t *testing.T) {
	for _, c := range []struct {
		name  string
		actor store.User
		req   office.Invitation
		cause error
		key   string
	}{
		{"an official", officialTop, office.Invitation{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"}, office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, office.Invitation{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"}, office.ErrNotAllowed, "office.admins_only"},
		{"a role unheard of", adminTop, office.Invitation{Role: "mayor", AreaID: "bac-kan"}, office.ErrBadRole, "office.invite_bad_role"},
		{"a head of a ward", adminTop, office.Invitation{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung"}, office.ErrHeadVillage, "office.invite_head_village"},
		{"no such area", adminTop, office.Invitation{Role: store.RoleOfficial, AreaID: "nowhere"}, office.ErrOutside, "office.outside"},
		{"another ward", adminTung, office.Invitation{Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan"}, office.ErrOutside, "office.outside"},
		{"the area above", adminTung, office.Invitation{Role: store.RoleAdmin, AreaID: "bac-kan"}, office.ErrOutside, "office.outside"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			_, err := (&office.Office{Store: db}).Invite(ctx, c.actor, c.req, now)
			refusedFor(t, err, c.cause, c.key)
			if all, _ := db.Invites(ctx); len(all) != 0 {
				t.Fatalf("a refused invite was stored: %+v", all)
			}
		})
	}
	db := storetest.Open(t)
	inv, err := (&office.Office{Store: db}).Invite(ctx, adminTung, office.Invitation{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai",
		Name: "  Lục   Thị Mai ", TTL: time.Hour}, now)
	if err != nil || inv.Name != "Lục Thị Mai" || inv.CreatedBy != "a-ht" || !inv.Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("%+v, %v", inv, err)
	}
}

// The heads of an area's villages are invited once: villages with a head
// or an invite not used yet get none, and asking again makes no more.
func TestInviteHeads(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	_, err := o.InviteHeads(ctx, adminTung, "bac-kan/duc-xuan", now)
	refusedFor(t, err, office.ErrOutside, "office.outside")
	_, err = o.InviteHeads(ctx, officialTop, "bac-kan/huyen-tung", now)
	refusedFor(t, err, office.ErrNotAllowed, "office.admins_only")
	if all, _ := db.Invites(ctx); len(all) != 0 {
		t.Fatalf("refused, yet invited: %+v", all)
	}
	if _, err := o.Invite(ctx, adminTung, office.Invitation{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"}, now); err != nil {
		t.Fatal(err)
	}
	villages := 0
	areas, _ := db.Areas(ctx)
	for _, a := range areas {
		if a.Kind == tree.Village && tree.Within(a.ID, "bac-kan/huyen-tung") {
			villages++
		}
	}
	made, err := o.InviteHeads(ctx, adminTung, "", now)
	if err != nil || len(made) != villages-1 || villages < 2 {
		t.Fatalf("%d villages, %d invited: %v", villages, len(made), err)
	}
	for _, inv := range made {
		if inv.Role != store.RoleHead || inv.AreaID == "bac-kan/huyen-tung/khuoi-pai" || !tree.Within(inv.AreaID, "bac-kan/huyen-tung") {
			t.Fatalf("invited: %+v", inv)
		}
	}
	if again, err := o.InviteHeads(ctx, adminTung, "", now); err != nil || len(again) != 0 {
		t.Fatalf("a second set: %d, %v", len(again), err)
	}
}
