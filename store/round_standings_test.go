package store_test

import (
	"slices"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// A round's standings are the same whether the households with forms are
// found from the forms' index (fewer forms than the area's households) or
// among the area's households, and in the same order.
func TestRoundStandingsEitherWay(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	areas := tree.Default()
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	r, err := db.OpenRound(ctx, store.Round{Name: "R", AreaID: areas[0].ID, From: "2023-06-01", To: "2023-06-30", Opened: t0})
	if err != nil {
		t.Fatal(err)
	}
	var villages []string
	for _, a := range areas {
		if hhs, _ := db.HouseholdsIn(ctx, a.ID); a.Kind == tree.Village && len(hhs) > 0 {
			villages = append(villages, a.ID)
		}
	}
	classes := []string{"poor", "near_poor", "middle", "none"}
	for i := range 9 {
		v := villages[i%len(villages)]
		hhs, _ := db.HouseholdsIn(ctx, v)
		s := &store.Submission{Form: "household", AreaID: v, HouseholdID: hhs[i%len(hhs)].ID, SubmittedAt: t0.Add(time.Duration(i) * time.Hour),
			Class: classes[i%4], Answers: map[string]string{}}
		if _, err := db.Apply(ctx, store.Change{At: s.SubmittedAt, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(sts []store.Standing) []string {
		var out []string
		for _, st := range sts {
			out = append(out, st.Household.AreaID+" "+st.Household.ID)
		}
		return out
	}
	top := areas[0].ID
	byForms, err := db.RoundStandings(ctx, top, r.ID)
	if err != nil || len(byForms) == 0 {
		t.Fatalf("standings: %d, %v", len(byForms), err)
	}
	// With no households counted in the tree, the area's households are walked.
	for i := range areas {
		areas[i].HouseholdsTotal = 0
	}
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	byHouseholds, err := db.RoundStandings(ctx, top, r.ID)
	if err != nil || !slices.Equal(ids(byForms), ids(byHouseholds)) {
		t.Errorf("by the forms' index %v, by the households %v (%v)", ids(byForms), ids(byHouseholds), err)
	}
}
