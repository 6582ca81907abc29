package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

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

// Households new to the file are stored alike whether their batch is made
// ready beforehand (every household new) or taken one by one (a batch with
// a household stored already): records, area index and counters.
func TestNewHouseholdsStoredAlikeEitherWay(t *testing.T) {
	t.Parallel()
	const a, b = "bac-kan/huyen-tung/khuoi-pai", "bac-kan/huyen-tung/ban-cau"
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var hhs []store.Household
	for i := range 300 {
		status := []string{"poor", "near_poor", "middle", "none"}[i%4]
		hhs = append(hhs, store.Household{ID: fmt.Sprintf("N%04d", 300-i), AreaID: a, HeadName: "Nông Văn Tý", Members: 1 + i%6, Status: status, StatusAt: now})
	}
	ready, oneByOne := storetest.Open(t), storetest.Open(t)
	other := store.Household{ID: "X0001", AreaID: b, HeadName: "Lục Thị Mai", Status: "poor", StatusAt: now}
	if err := ready.ImportHouseholds(ctx, append(slices.Clone(hhs), other)); err != nil {
		t.Fatal(err)
	}
	if err := oneByOne.ImportHouseholds(ctx, []store.Household{other}); err != nil {
		t.Fatal(err)
	}
	if err := oneByOne.ImportHouseholds(ctx, append(slices.Clone(hhs), other)); err != nil {
		t.Fatal(err)
	}
	for _, hh := range hhs {
		x, err1 := ready.Household(ctx, hh.ID)
		y, err2 := oneByOne.Household(ctx, hh.ID)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(x, y) || x.Status != hh.Status {
			t.Fatalf("%s: %+v, %v; one by one %+v, %v", hh.ID, x, err1, y, err2)
		}
	}
	x, err1 := ready.HouseholdsIn(ctx, a)
	y, err2 := oneByOne.HouseholdsIn(ctx, a)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(x, y) || len(x) != 12+len(hhs) {
		t.Errorf("households in %s: %d, %v; one by one %d, %v", a, len(x), err1, len(y), err2)
	}
	cx, err1 := ready.CountersIn(ctx, a)
	cy, err2 := oneByOne.CountersIn(ctx, a)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(cx, cy) {
		t.Errorf("counters of %s: %v, %v; one by one %v, %v", a, cx, err1, cy, err2)
	}
}

// A register entry without a status counts on no register list, as a
// recount has it, and one whose status is dropped later keeps the status
// its register gave before: the counters agree with a recount either way
// (storetest checks them on close).
func TestImportWithoutStatusCountsNoRegister(t *testing.T) {
	db := storetest.Open(t)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	first := []store.Household{
		{ID: "NS-1", AreaID: village, HeadName: "Lò Văn Một", Members: 3, StatusAt: at},
		{ID: "NS-2", AreaID: village, HeadName: "Lò Văn Hai", Members: 4, Status: "poor", StatusAt: at},
	}
	if err := db.ImportHouseholds(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := []store.Household{
		{ID: "NS-2", AreaID: village, HeadName: "Lò Văn Hai", Members: 4, StatusAt: at.AddDate(0, 1, 0)},
		{ID: "NS-3", AreaID: village, HeadName: "Lò Văn Ba", Members: 2, StatusAt: at},
	}
	if err := db.ImportHouseholds(ctx, again); err != nil {
		t.Fatal(err)
	}
	diffs, err := db.CheckCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("the counters differ from a recount: %+v", diffs)
	}
}
