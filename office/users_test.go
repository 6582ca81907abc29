package office_test

import (
	"testing"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
)

// people puts the users of the tests in a new database.
func people(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	for _, u := range []store.User{
		adminTung,
		{ID: "h-kp", Name: "Trưởng Khuổi Pài", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"},
		{ID: "o-ht", Name: "Cán bộ Huyền Tụng", Role: store.RoleOfficial, AreaID: "bac-kan/huyen-tung"},
		{ID: "o-dx", Name: "Cán bộ Đức Xuân", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan"},
		{ID: "gone", Name: "Đã nghỉ", Role: store.RoleOfficial, AreaID: "bac-kan/huyen-tung", Revoked: true},
	} {
		if _, err := db.Apply(ctx, store.Change{At: now, User: &u}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// An admin revokes or moves a user of their area, never themself, one
// revoked already or one outside; a head moves only to a village, and
// nobody to an area outside the admin's.
func TestRevokeAndMoveUser(t *testing.T) {
	for _, c := range []struct {
		name         string
		actor        store.User
		user, moveTo string // moveTo "" revokes
		cause        error
		key          string
	}{
		{"an official revokes", officialTop, "h-kp", "", office.ErrNotAllowed, "office.admins_only"},
		{"an official moves", officialTop, "h-kp", "bac-kan/huyen-tung/na-pai", office.ErrNotAllowed, "office.admins_only"},
		{"another ward's", adminTung, "o-dx", "", office.ErrNoUser, "office.no_user"},
		{"themself", adminTung, "a-ht", "", office.ErrNoUser, "office.no_user"},
		{"revoked already", adminTung, "gone", "", office.ErrNoUser, "office.no_user"},
		{"nobody", adminTung, "nobody", "", office.ErrNoUser, "office.no_user"},
		{"moved out of the ward", adminTung, "o-ht", "bac-kan/duc-xuan", office.ErrOutside, "office.outside"},
		{"a head to a ward", adminTung, "h-kp", "bac-kan/huyen-tung", office.ErrHeadVillage, "office.move_head_village"},
		{"another ward's moved", adminTung, "o-dx", "bac-kan/huyen-tung", office.ErrNoUser, "office.no_user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := people(t)
			before, _ := db.Users(ctx)
			o := &office.Office{Store: db}
			var err error
			if c.moveTo == "" {
				err = o.Revoke(ctx, c.actor, c.user, now)
			} else {
				err = o.MoveUser(ctx, c.actor, c.user, c.moveTo, now)
			}
			refusedFor(t, err, c.cause, c.key)
			after, _ := db.Users(ctx)
			for i := range before {
				if before[i].AreaID != after[i].AreaID || before[i].Revoked != after[i].Revoked {
					t.Fatalf("a refusal changed %+v into %+v", before[i], after[i])
				}
			}
		})
	}
	db := people(t)
	o := &office.Office{Store: db}
	if err := o.MoveUser(ctx, adminTung, "h-kp", "bac-kan/huyen-tung/na-pai", now); err != nil {
		t.Fatal(err)
	}
	if err := o.MoveUser(ctx, adminTop, "o-dx", "bac-kan/huyen-tung", now); err != nil {
		t.Fatal(err)
	}
	if err := o.Revoke(ctx, adminTung, "o-dx", now); err != nil {
		t.Fatal(err)
	}
	head, _ := db.UserByID(ctx, "h-kp")
	moved, _ := db.UserByID(ctx, "o-dx")
	if head.AreaID != "bac-kan/huyen-tung/na-pai" || moved.AreaID != "bac-kan/huyen-tung" || !moved.Revoked {
		t.Fatalf("after: %+v %+v", head, moved)
	}
}
