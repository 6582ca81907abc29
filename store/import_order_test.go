package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"sothon/store"
	"sothon/store/storetest"
)

// A batch in no order, some households moving village, one of them given
// twice, is stored as given: the index and the counters agree with the
// households (storetest checks the counters when the file closes).
func TestImportHouseholdsInAnyOrder(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const a, b = "bac-kan/huyen-tung/khuoi-pai", "bac-kan/huyen-tung/ban-cau"
	hhs := make([]store.Household, 600)
	for i := range hhs {
		hhs[i] = store.Household{ID: fmt.Sprintf("H%04d", i), AreaID: a, HeadName: "Nông Văn Tý", Status: "poor"}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(hhs), func(i, j int) { hhs[i], hhs[j] = hhs[j], hhs[i] })
	if err := db.ImportHouseholds(ctx, hhs); err != nil {
		t.Fatal(err)
	}
	var moved []store.Household
	for i := range 200 {
		moved = append(moved, store.Household{ID: fmt.Sprintf("H%04d", 599-3*i), AreaID: b, HeadName: "Lục Thị Mai", Status: "near_poor"})
	}
	if err := db.ImportHouseholds(ctx, moved); err != nil {
		t.Fatal(err)
	}
	twice := []store.Household{
		{ID: "H0001", AreaID: b, HeadName: "Hà Văn Sơn", Status: "poor"},
		{ID: "H0001", AreaID: a, HeadName: "Hà Văn Sơn", Status: "none"},
	}
	if err := db.ImportHouseholds(ctx, twice); err != nil {
		t.Fatal(err)
	}
	// khuoi-pai has 12 households of its own, from the tree.
	for area, want := range map[string]int{a: 12 + 400, b: 200} {
		got, err := db.HouseholdsIn(ctx, area)
		if err != nil || len(got) != want {
			t.Errorf("households in %s: %d, %v; want %d", area, len(got), err, want)
		}
	}
	if hh, err := db.Household(ctx, "H0001"); err != nil || hh.AreaID != a || hh.Status != "none" {
		t.Errorf("H0001: %+v, %v; want in %s, none", hh, err, a)
	}
}
