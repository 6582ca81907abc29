package office_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// Only an admin of the top of the tree reorganises it; a plan that does not
// fit, or a dry run, changes nothing and leaves no backup; an applied plan
// is backed up first and moves the tree.
func TestReorganise(t *testing.T) {
	plan, text, err := tree.BuiltinPlan("bac-kan-2025")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := tree.ParsePlan([]byte(strings.Replace(string(text), "bac-kan/duong-quang]", "]", 1)))
	if err != nil {
		t.Fatal(err)
	}
	backups := func(db *store.DB) []string {
		found, _ := filepath.Glob(db.Path() + ".before-reorganise-*")
		return found
	}
	unchanged := func(t *testing.T, db *store.DB) {
		t.Helper()
		if _, err := db.Area(ctx, "bac-kan/huyen-tung"); err != nil {
			t.Fatalf("the tree changed: %v", err)
		}
		if b := backups(db); len(b) != 0 {
			t.Fatalf("backups: %v", b)
		}
	}
	for _, c := range []struct {
		name  string
		actor store.User
		cause error
		key   string
	}{
		{"an official", officialTop, office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, office.ErrNotAllowed, "office.admins_only"},
		{"a ward's admin", adminTung, office.ErrNotAllowed, "office.reorganise_top_only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			_, _, err := (&office.Office{Store: db}).Reorganise(ctx, c.actor, plan, false, now)
			refusedFor(t, err, c.cause, c.key)
			unchanged(t, db)
		})
	}
	t.Run("a plan that does not fit", func(t *testing.T) {
		db := storetest.Open(t)
		_, _, err := (&office.Office{Store: db}).Reorganise(ctx, adminTop, bad, false, now)
		if !errors.Is(err, tree.ErrPlan) {
			t.Fatalf("got %v, want a plan refused", err)
		}
		unchanged(t, db)
	})
	t.Run("a dry run", func(t *testing.T) {
		db := storetest.Open(t)
		sum, backup, err := (&office.Office{Store: db}).Reorganise(ctx, adminTop, plan, true, now)
		if err != nil || backup != "" || sum.Effective != "2025-07-01" || len(sum.Moves) == 0 {
			t.Fatalf("%+v, %q, %v", sum, backup, err)
		}
		unchanged(t, db)
	})
	t.Run("applied by the terminal", func(t *testing.T) {
		db := storetest.Open(t)
		term, err := office.Terminal(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		sum, backup, err := (&office.Office{Store: db}).Reorganise(ctx, term, plan, false, now)
		if err != nil || len(sum.Moves) == 0 {
			t.Fatalf("%+v, %v", sum, err)
		}
		if b := backups(db); len(b) != 1 || b[0] != backup {
			t.Fatalf("backup %q, found %v", backup, b)
		}
		if _, err := os.Stat(backup); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Area(ctx, "thai-nguyen"); err != nil {
			t.Fatalf("the tree did not move: %v", err)
		}
	})
}
