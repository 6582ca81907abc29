package office_test

import (
	"testing"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// A target is set by an admin for their area or a non-village area below
// it, within the bounds of a target; every refusal changes nothing.
func TestSetTarget(t *testing.T) {
	good := tree.Target{Year: 2026, PoorReduction: 15}
	for _, c := range []struct {
		name   string
		actor  store.User
		area   string
		target tree.Target
		cause  error
		key    string
	}{
		{"an official", officialTop, "bac-kan/huyen-tung", good, office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, "bac-kan/huyen-tung", good, office.ErrNotAllowed, "office.admins_only"},
		{"another ward", adminTung, "bac-kan/duc-xuan", good, office.ErrOutside, "office.outside"},
		{"the area above", adminTung, "bac-kan", good, office.ErrOutside, "office.outside"},
		{"no such area", adminTop, "bac-kan/nowhere", good, office.ErrOutside, "office.outside"},
		{"a village", adminTung, "bac-kan/huyen-tung/khuoi-pai", good, office.ErrVillage, "office.target_village"},
		{"fewer than none", adminTung, "bac-kan/huyen-tung", tree.Target{Year: 2026, PoorReduction: -3}, store.ErrTargetBad, "office.target_bad"},
		{"too many", adminTung, "bac-kan/huyen-tung", tree.Target{Year: 2026, PoorReduction: 1_000_001}, store.ErrTargetBad, "office.target_bad"},
		{"a year long gone", adminTung, "bac-kan/huyen-tung", tree.Target{Year: 1900, PoorReduction: 5}, store.ErrTargetBad, "office.target_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			err := (&office.Office{Store: db}).SetTarget(ctx, c.actor, c.area, c.target, now)
			refusedFor(t, err, c.cause, c.key)
			for _, id := range []string{"bac-kan", "bac-kan/huyen-tung", "bac-kan/duc-xuan", "bac-kan/huyen-tung/khuoi-pai"} {
				a, _ := db.Area(ctx, id)
				for _, got := range a.Targets {
					if got.Year != 2023 { // the areas file's own
						t.Fatalf("a refused target stored on %s: %+v", id, a.Targets)
					}
				}
			}
		})
	}
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	if err := o.SetTarget(ctx, adminTop, "bac-kan/huyen-tung", good, now); err != nil {
		t.Fatal(err)
	}
	rows, err := o.Targets(ctx, adminTung, 2026)
	if err != nil || len(rows) != 1 || rows[0].Area.ID != "bac-kan/huyen-tung" || rows[0].Reduction != 15 {
		t.Fatalf("the ward's targets: %+v, %v", rows, err)
	}
	if rows, _ := o.Targets(ctx, adminTung, 2027); len(rows) != 1 || rows[0].Reduction != 0 {
		t.Fatalf("another year: %+v", rows)
	}
	if rows, _ := o.Targets(ctx, adminTop, 2026); len(rows) < 3 || rows[0].Area.ID != "bac-kan" {
		t.Fatalf("the top's targets: %+v", rows)
	}
	if _, err := o.Targets(ctx, officialTop, 2026); err == nil {
		t.Fatal("an official lists targets")
	}
}
