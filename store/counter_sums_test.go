package store_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// The sums of an area's counters, read from the file or from counters
// already read, are what adding up CountersIn gives: whole, by direct
// sub-area, and the picked counts of each village. The villages' records
// hold different names (statuses some villages have and others not), as
// the sums seek each name first among the last record's.
func TestSumCountersAddsUpAsCountersIn(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	var hhs []store.Household
	statuses := []string{"poor", "near_poor", "middle", "none"}
	for i, a := range tree.Default() {
		if a.Kind != tree.Village {
			continue
		}
		hhs = append(hhs, store.Household{ID: a.ID + "-x", AreaID: a.ID, HeadName: "Chủ hộ", Status: statuses[i%4]})
		for k, status := range statuses {
			if i>>k&1 == 1 {
				hhs = append(hhs, store.Household{ID: fmt.Sprint(a.ID, "-", k), AreaID: a.ID, HeadName: "Chủ hộ", Status: status})
			}
		}
	}
	if err := db.ImportHouseholds(ctx, hhs); err != nil {
		t.Fatal(err)
	}
	areas, _ := db.Areas(ctx)
	at, err := db.AreaTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, top := range []string{"", areas[0].ID, areas[1].ID, hhs[0].AreaID, "nowhere"} {
		in, err := db.CountersIn(ctx, top)
		if err != nil {
			t.Fatal(err)
		}
		want := store.CounterSums{All: store.Counters{}, ByChild: map[string]store.Counters{}}
		for id, c := range in {
			want.All.Add(c)
			if rest, ok := strings.CutPrefix(id, top+"/"); ok || top == "" {
				if top == "" {
					rest = id
				}
				first, _, _ := strings.Cut(rest, "/")
				child := strings.TrimPrefix(top+"/"+first, "/")
				if want.ByChild[child] == nil {
					want.ByChild[child] = store.Counters{}
				}
				want.ByChild[child].Add(c)
			}
		}
		stored, err := db.SumCounters(ctx, top, "status:poor", "households")
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]store.CounterSums{"stored": stored, "read": store.Sum(in, top, "status:poor", "households")} {
			if !maps.Equal(got.All, want.All) || !maps.EqualFunc(got.ByChild, want.ByChild, maps.Equal) {
				t.Errorf("%s sums of %q: %v by child %v, want %v by child %v", name, top, got.All, got.ByChild, want.All, want.ByChild)
			}
			for id, c := range in {
				if p := got.Picked(id); len(p) != 2 || p[0] != c["status:poor"] || p[1] != c["households"] {
					t.Errorf("%s picks of %s: %v, counters %v", name, id, p, c)
				}
			}
			for _, a := range areas {
				if _, ok := in[a.ID]; !ok && got.Picked(a.ID) != nil {
					t.Errorf("%s picks of %s: %v, an area without counters", name, a.ID, got.Picked(a.ID))
				}
			}
			for i, a := range at.List {
				if p := got.PickedAt(at, i); !slices.Equal(p, got.Picked(a.ID)) {
					t.Errorf("%s picks of %s by its index: %v, by its id %v", name, a.ID, p, got.Picked(a.ID))
				}
			}
		}
		picked, err := db.PickCounters(ctx, top, "status:poor", "households")
		if err != nil {
			t.Fatal(err)
		}
		for id, c := range in {
			p, ok := picked[id]
			if c["status:poor"] == 0 && c["households"] == 0 {
				if ok {
					t.Errorf("PickCounters of %q: %s picked with no count: %v", top, id, p)
				}
				continue
			}
			if len(p) != 2 || p[0] != c["status:poor"] || p[1] != c["households"] {
				t.Errorf("PickCounters of %q: %s: %v, counters %v", top, id, p, c)
			}
		}
		if len(picked) > len(in) {
			t.Errorf("PickCounters of %q: %d areas, %d have counters", top, len(picked), len(in))
		}
	}
}
