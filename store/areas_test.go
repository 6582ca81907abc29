package store_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

func TestDemoRegisterSeededOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	hhs, err := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	if err != nil || len(hhs) != 12 {
		t.Fatalf("demo register: %d, %v", len(hhs), err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
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
	for _, bad := range []tree.Target{{Year: 1999, PoorReduction: 5}, {Year: 2026, PoorReduction: -1}} {
		if err := db.SetTarget(ctx, "bac-kan", bad, "a1", at); !errors.Is(err, store.ErrTargetBad) {
			t.Errorf("target %+v: %v", bad, err)
		}
	}
	if err := db.SetTarget(ctx, "nowhere", tree.Target{Year: 2026, PoorReduction: 5}, "a1", at); err == nil {
		t.Error("a target for an unknown area")
	}
	for _, set := range []tree.Target{{Year: 2023, PoorReduction: 30}, {Year: 2026, PoorReduction: 12}} {
		if err := db.SetTarget(ctx, "bac-kan", set, "a1", at); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Area(ctx, "bac-kan")
	if want := []tree.Target{{Year: 2023, PoorReduction: 30}, {Year: 2026, PoorReduction: 12}}; !slices.Equal(a.Targets, want) {
		t.Fatalf("after loading the file again: %+v, want %+v", a.Targets, want)
	}
	if err := db.SetTarget(ctx, "bac-kan", tree.Target{Year: 2023}, "a1", at); err != nil {
		t.Fatal(err)
	}
	db.SaveAreas(ctx, tree.Default())
	if a, _ := db.Area(ctx, "bac-kan"); len(a.Targets) != 1 || a.Targets[0].Year != 2026 {
		t.Fatalf("after removing 2023: %+v", a.Targets)
	}
	entries, _ := db.Audit(ctx)
	if last := entries[len(entries)-1]; last.Action != "target" || last.Actor != "a1" || last.Detail != "bac-kan 2023: 0" {
		t.Errorf("audit: %+v", last)
	}
}
