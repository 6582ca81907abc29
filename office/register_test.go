package office_test

import (
	"errors"
	"strings"
	"testing"

	"sothon/office"
	"sothon/office/register"
	"sothon/store"
	"sothon/store/storetest"
)

const toMot = "bac-kan/duc-xuan/to-1"

// registerFile is a register of one household in Khuổi Pài (Huyền Tụng)
// and one in Tổ 1 (Đức Xuân).
const registerFile = "area_id,household_id,head_name,members,status\n" +
	khuoiPai + ",KP-01,Hoàng Văn Thắng,4,nghèo\n" +
	toMot + ",DX-01,Lục Thị Mai,3,poor\n"

// imported tells which of the register file's households are stored, and
// how many imports the audit log holds.
func imported(t *testing.T, db *store.DB) (ids []string, logged int) {
	t.Helper()
	for _, id := range []string{"KP-01", "DX-01"} {
		if _, err := db.Household(ctx, id); err == nil {
			ids = append(ids, id)
		}
	}
	audit, err := db.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range audit {
		if e.Action == "register_import" {
			logged++
		}
	}
	return ids, logged
}

// Only an admin imports a register, and only into their own area: every
// refusal stores nothing and logs nothing, nor does a check.
func TestImportRegisterRefusals(t *testing.T) {
	gone := store.User{ID: "a-gone", Role: store.RoleAdmin, AreaID: "bac-kan/gone"}
	for _, c := range []struct {
		name  string
		actor store.User
		cause error
		key   string
	}{
		{"an official", officialTop, office.ErrNotAllowed, "office.admins_only"},
		{"a reviewer", store.User{ID: "rv", Role: store.RoleReviewer, AreaID: "bac-kan"}, office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, office.ErrNotAllowed, "office.admins_only"},
		{"an admin of an area gone", gone, office.ErrOutside, "office.outside"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			o := &office.Office{Store: db}
			refusedFor(t, o.MayImportRegister(ctx, c.actor), c.cause, c.key)
			res, err := o.ImportRegister(ctx, c.actor, "so-ho.csv", strings.NewReader(registerFile), register.Options{SkipBad: true}, now)
			refusedFor(t, err, c.cause, c.key)
			if ids, logged := imported(t, db); res.Good != 0 || len(ids) != 0 || logged != 0 {
				t.Fatalf("a refused import: %+v, stored %v, logged %d", res, ids, logged)
			}
		})
	}
}

// An admin's rows outside their area are bad rows, said so, and stored
// only when the admin leaves the bad rows out; a check stores nothing; the
// import is logged as the admin's. The terminal imports everywhere.
func TestImportRegisterInTheAdminsArea(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	if err := o.MayImportRegister(ctx, adminTung); err != nil {
		t.Fatal(err)
	}
	file := func() *strings.Reader { return strings.NewReader(registerFile) }
	res, err := o.ImportRegister(ctx, adminTung, "so-ho.csv", file(), register.Options{DryRun: true}, now)
	if !errors.Is(err, register.ErrBadRows) || res.Good != 1 || len(res.Bad) != 1 || res.Bad[0].Key != "register.outside" || res.Bad[0].Line != 3 {
		t.Fatalf("the check: %+v, %v", res, err)
	}
	for _, opts := range []register.Options{{DryRun: true, SkipBad: true}, {}} {
		if _, err := o.ImportRegister(ctx, adminTung, "so-ho.csv", file(), opts, now); err != nil && !errors.Is(err, register.ErrBadRows) {
			t.Fatal(err)
		}
		if ids, logged := imported(t, db); len(ids) != 0 || logged != 0 {
			t.Fatalf("%+v stored %v, logged %d", opts, ids, logged)
		}
	}
	res, err = o.ImportRegister(ctx, adminTung, "so-ho.csv", file(), register.Options{SkipBad: true}, now)
	if err != nil || res.Imported != 1 {
		t.Fatalf("leaving the bad rows out: %+v, %v", res, err)
	}
	if ids, logged := imported(t, db); len(ids) != 1 || ids[0] != "KP-01" || logged != 1 {
		t.Fatalf("stored %v, logged %d", ids, logged)
	}
	audit, _ := db.Audit(ctx)
	if last := audit[len(audit)-1]; last.Actor != adminTung.ID || !last.At.Equal(now) {
		t.Fatalf("logged as %q at %v", last.Actor, last.At)
	}
	terminal, err := office.Terminal(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := o.ImportRegister(ctx, terminal, "so-ho.csv", file(), register.Options{}, now); err != nil || res.Imported != 2 {
		t.Fatalf("the terminal: %+v, %v", res, err)
	}
}
