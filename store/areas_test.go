package store_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/flows/poverty"
	"sothon/store"
	"sothon/store/storetest"
)

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

func TestDefaultAreasAreBacKanCity(t *testing.T) {
	t.Parallel()
	areas := store.DefaultAreas()
	byID := map[string]store.Area{}
	wards, communes := 0, 0
	for _, a := range areas {
		byID[a.ID] = a
		switch a.Kind {
		case store.KindWard:
			wards++
		case store.KindCommune:
			communes++
		}
	}
	city := byID["bac-kan"]
	if city.HouseholdsTotal != 12232 || len(city.Targets) != 1 || city.Targets[0].PoorReduction != 23 {
		t.Fatalf("city: %+v", city)
	}
	if wards != 6 || communes != 2 {
		t.Fatalf("%d wards and %d communes, want 6 and 2", wards, communes)
	}
	if s := byID["bac-kan/huyen-tung/khuoi-pai"].Setting; s != poverty.Urban {
		t.Errorf("a ward's village is %s, want urban", s)
	}
	if s := byID["bac-kan/nong-thuong/na-rao"].Setting; s != poverty.Rural {
		t.Errorf("a commune's village is %s, want rural", s)
	}
}

func TestAreasFileErrors(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"bad slug":         "id: Bac Kan\nname: x\nkind: city",
		"unknown kind":     "id: a\nname: x\nkind: province-ish",
		"total on a ward":  "id: a\nname: x\nkind: city\nchildren:\n - {id: b, name: y, kind: ward, households_total: 3, children: [{id: c, name: z, kind: village}]}",
		"duplicate child":  "id: a\nname: x\nkind: city\nchildren:\n - {id: b, name: y, kind: ward}\n - {id: b, name: y, kind: ward}",
		"unknown field":    "id: a\nname: x\nkind: city\nhouseholds: 3\nfoo: 1",
		"village children": "id: a\nname: x\nkind: village\nchildren:\n - {id: b, name: y, kind: village}",
	} {
		if _, err := store.ParseAreas([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDemoRegisterSeededOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	hhs, err := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	if err != nil || len(hhs) != 12 {
		t.Fatalf("demo register: %d, %v", len(hhs), err)
	}
	if err := db.SaveAreas(ctx, store.DefaultAreas()); err != nil {
		t.Fatal(err)
	}
	again, _ := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	if len(again) != 12 || !strings.HasPrefix(again[0].ID, "demo-") {
		t.Fatalf("after a second save: %d households", len(again))
	}
}

// A target set in the console replaces the file's for its year, stays when
// the file is loaded again at the next start, and 0 removes it.
func TestTargetsSetInTheConsoleOutliveTheFile(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, bad := range []store.Target{{Year: 1999, PoorReduction: 5}, {Year: 2026, PoorReduction: -1}} {
		if err := db.SetTarget(ctx, "bac-kan", bad, "a1", at); !errors.Is(err, store.ErrTargetBad) {
			t.Errorf("target %+v: %v", bad, err)
		}
	}
	if err := db.SetTarget(ctx, "nowhere", store.Target{Year: 2026, PoorReduction: 5}, "a1", at); err == nil {
		t.Error("a target for an unknown area")
	}
	for _, set := range []store.Target{{Year: 2023, PoorReduction: 30}, {Year: 2026, PoorReduction: 12}} {
		if err := db.SetTarget(ctx, "bac-kan", set, "a1", at); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveAreas(ctx, store.DefaultAreas()); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Area(ctx, "bac-kan")
	if want := []store.Target{{Year: 2023, PoorReduction: 30}, {Year: 2026, PoorReduction: 12}}; !slices.Equal(a.Targets, want) {
		t.Fatalf("after loading the file again: %+v, want %+v", a.Targets, want)
	}
	if err := db.SetTarget(ctx, "bac-kan", store.Target{Year: 2023}, "a1", at); err != nil {
		t.Fatal(err)
	}
	db.SaveAreas(ctx, store.DefaultAreas())
	if a, _ := db.Area(ctx, "bac-kan"); len(a.Targets) != 1 || a.Targets[0].Year != 2026 {
		t.Fatalf("after removing 2023: %+v", a.Targets)
	}
	entries, _ := db.Audit(ctx)
	if last := entries[len(entries)-1]; last.Action != "target" || last.Actor != "a1" || last.Detail != "bac-kan 2023: 0" {
		t.Errorf("audit: %+v", last)
	}
}

func TestCanonicalArea(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"bac-kan", "bac-kan/huyen-tung/khuoi-pai", "x1/2-b", "12"} {
		if !store.CanonicalArea(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"", "..", "bac-kan/..", "bac-kan/../duc-xuan", "bac-kan//huyen-tung", "/bac-kan", "bac-kan/",
		"./bac-kan", "bac-kan/./huyen-tung", "Bac-kan", "bac_kan", "bac-kan/huyền-tụng", "bac kan", "-bac", "bac-", "bac--kan",
		"bac-kan\x00", "bac-kan:1", strings.Repeat("a/", 300) + "a"} {
		if store.CanonicalArea(id) {
			t.Errorf("%q accepted", id)
		}
	}
}

// A path that climbs out of its scope is within nothing.
func TestWithinRefusesClimbing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		area, scope string
		want        bool
	}{
		{"bac-kan/huyen-tung", "bac-kan", true},
		{"bac-kan", "bac-kan", true},
		{"bac-kan/huyen-tung/../duc-xuan", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung/./x", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung//x", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung/", "bac-kan/huyen-tung", false},
		{`bac-kan/huyen-tung\..\duc-xuan`, "bac-kan/huyen-tung", false},
		{"bac-kan/duc-xuan", "bac-kan/huyen-tung", false},
	} {
		if got := store.Within(c.area, c.scope); got != c.want {
			t.Errorf("Within(%q, %q) = %v", c.area, c.scope, got)
		}
	}
}
