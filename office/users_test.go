package office_test

import (
	"slices"
	"testing"
	"time"

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

// An admin lists the people, the log of changes and the open invites of
// their area; anyone else, and any other area, is refused alike.
func TestAdminsListsRefused(t *testing.T) {
	o := &office.Office{Store: people(t)}
	lists := map[string]func(actor store.User, area string) error{
		"users": func(actor store.User, area string) error {
			_, err := o.Users(ctx, actor, area)
			return err
		},
		"invites": func(actor store.User, area string) error {
			_, err := o.OpenInvites(ctx, actor, area, now)
			return err
		},
		"audit": func(actor store.User, _ string) error { // the log is of the admin's whole area
			_, err := o.Audit(ctx, actor, 10)
			return err
		},
	}
	for _, c := range []struct {
		name  string
		actor store.User
		area  string
		cause error
		key   string
	}{
		{"an official", officialTop, "", office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, "", office.ErrNotAllowed, "office.admins_only"},
		{"another ward", adminTung, "bac-kan/duc-xuan", office.ErrOutside, "office.outside"},
	} {
		for what, list := range lists {
			if what == "audit" && c.area != "" {
				continue
			}
			t.Run(c.name+", "+what, func(t *testing.T) { refusedFor(t, list(c.actor, c.area), c.cause, c.key) })
		}
	}
}

// An admin's lists hold their area's people, changes and open invites
// only; the entries of nobody's area are the whole tree's admin's.
func TestAdminsLists(t *testing.T) {
	db := people(t)
	o := &office.Office{Store: db}
	members, err := o.Users(ctx, adminTung, "")
	var ids []string
	for _, m := range members {
		ids = append(ids, m.ID)
		if m.Channels == nil || m.Area == "" {
			t.Errorf("%s: channels %v, area %q", m.ID, m.Channels, m.Area)
		}
	}
	if err != nil || !slices.Contains(ids, "h-kp") || !slices.Contains(ids, "gone") || slices.Contains(ids, "o-dx") {
		t.Fatalf("the ward's people: %v, %v", ids, err)
	}
	if i := slices.Index(ids, "h-kp"); i != len(ids)-1 {
		t.Errorf("the village's head is not after the ward's people: %v", ids)
	}

	if err := o.Revoke(ctx, adminTung, "h-kp", now); err != nil {
		t.Fatal(err)
	}
	if err := o.Revoke(ctx, adminTop, "o-dx", now); err != nil { // a-top is no user of the database: nobody's area
		t.Fatal(err)
	}
	ward, err := o.Audit(ctx, adminTung, 10)
	if err != nil || len(ward.Entries) != 1 || ward.Entries[0].Actor != "a-ht" || ward.System {
		t.Fatalf("the ward's log: %+v, %v", ward, err)
	}
	city, err := o.Audit(ctx, adminTop, 10)
	if err != nil || len(city.Entries) != 2 || !city.System {
		t.Fatalf("the city's log: %+v, %v", city, err)
	}

	for _, req := range []store.InviteRequest{
		{Role: store.RoleHead, AreaID: khuoiPai, TTL: time.Hour},
		{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/na-pai"},
		{Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan"},
	} {
		req.By, req.Now = "a-top", now
		if _, err := db.IssueInvite(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	open, err := o.OpenInvites(ctx, adminTung, "", now.Add(2*time.Hour))
	if err != nil || len(open) != 1 || open[0].AreaID != "bac-kan/huyen-tung/na-pai" {
		t.Fatalf("the ward's open invites: %+v, %v", open, err)
	}
}
