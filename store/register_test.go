package store_test

import (
	"fmt"
	"slices"
	"testing"

	"sothon/store"
	"sothon/store/storetest"
)

// A village's register lists its households and no one else's, by id,
// each with its head's name as imported (none, or in Vietnamese).
func TestRegisterListsTheVillage(t *testing.T) {
	db := storetest.Open(t)
	const village, next = "lang-son/xa-tan-lang/thon-na-pan", "lang-son/xa-tan-lang/thon-na-pan-2"
	var hhs []store.Household
	var want []store.RegisterEntry
	for i := range 40 {
		name := fmt.Sprintf("Hoàng Văn Páo %d", i)
		if i%7 == 0 {
			name = ""
		}
		hh := store.Household{ID: fmt.Sprintf("kp-%03d", i), AreaID: village, HeadName: name}
		hhs = append(hhs, hh)
		want = append(want, store.RegisterEntry{ID: hh.ID, HeadName: name})
	}
	hhs = append(hhs, store.Household{ID: "kp2-001", AreaID: next, HeadName: "Nông Thị Mai"},
		store.Household{ID: "x-001", AreaID: village + "/xom-1", HeadName: "Lò Văn Hùng"})
	if err := db.ImportHouseholds(t.Context(), hhs); err != nil {
		t.Fatal(err)
	}
	got, err := db.Register(t.Context(), village)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("the register: %v %q\nwant %q", err, got, want)
	}
	if got, err := db.Register(t.Context(), "lang-son/nowhere"); err != nil || len(got) != 0 {
		t.Fatalf("an area without households: %v %q", err, got)
	}
}
