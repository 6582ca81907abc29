package report_test

import (
	"bytes"
	"errors"
	"testing"

	"sothon/office/register"
	"sothon/report"
	"sothon/report/lists"
	"sothon/store"
	"sothon/store/counting"
	"sothon/store/storetest"
	"sothon/tree"
)

// The city's plan of 1/7/2025 on the seed register (285 poor of 12.232):
// the total stays, each new ward is the sum of the old ones it took in, a
// round and a past week's digest still read, the checks stay clean, and a
// dry run changes nothing.
func TestReorganiseKeepsTheSeedFigures(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := register.Import(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), register.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	round, err := db.OpenRound(ctx, store.Round{Name: "Rà soát 2023", AreaID: "bac-kan", From: "2023-06-01", To: "2023-06-30", Opened: now, OpenedBy: "t"})
	if err != nil {
		t.Fatal(err)
	}
	review(t, db, householdWith(t, db, "poor"), "near_poor", now)
	review(t, db, householdWith(t, db, "none"), "poor", now)
	for _, ward := range []string{"bac-kan/duc-xuan", "bac-kan/nguyen-thi-minh-khai"} {
		if err := db.SaveSnapshot(ctx, ward, store.Snapshot{Week: "2023-W24", Poor: 30, NearPoor: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if round, err = db.CloseRound(ctx, "bac-kan", now, "t"); err != nil {
		t.Fatal(err)
	}
	later := now.AddDate(0, 0, 21)
	before, err := report.Compute(ctx, db, "bac-kan", later)
	if err != nil {
		t.Fatal(err)
	}
	beforeRound, _ := report.ComputeRound(ctx, db, "bac-kan", &round, later)
	beforeWeek, err := report.ComputeWeek(ctx, db, "bac-kan", now, later)
	if err != nil {
		t.Fatal(err)
	}
	poor := counting.StatusCounter("poor")
	if before.Total != 12232 || before.Counters[poor] != 285 || beforeRound.Counters.Reviewed(&round) != 2 {
		t.Fatalf("before: %d households, %d poor, %d reviewed", before.Total, before.Counters[poor], beforeRound.Counters.Reviewed(&round))
	}
	old := map[string]store.Counters{}
	oldTotal := map[string]int{}
	for _, c := range before.Children {
		old[c.Area.ID], oldTotal[c.Area.ID] = c.Counters, c.Area.HouseholdsTotal
	}

	plan, _, err := tree.BuiltinPlan("bac-kan-2025")
	if err != nil {
		t.Fatal(err)
	}
	dry, err := db.Reorganise(ctx, plan, later, "admin", true)
	if err != nil || len(dry.Moves) == 0 || dry.Records["households"] != 12232+17 {
		t.Fatalf("dry run: %d moves, %v, %v", len(dry.Moves), dry.Records, err)
	}
	if again, err := report.Compute(ctx, db, "bac-kan", later); err != nil || again.Counters[poor] != 285 {
		t.Fatalf("a dry run changed the figures: %v", err)
	}
	if moves, _ := db.AreaMoves(ctx); len(moves) != 0 {
		t.Fatalf("a dry run recorded %d moves", len(moves))
	}

	sum, err := db.Reorganise(ctx, plan, later, "admin", false)
	if err != nil || sum.Records["submissions"] != 2 || sum.Records["rounds"] != 1 || sum.Records["digests"] != 2 {
		t.Fatalf("reorganise: %v, %v", sum.Records, err)
	}
	after, err := report.Compute(ctx, db, "thai-nguyen", later)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != 12232 || after.Counters[poor] != before.Counters[poor] || len(after.Children) != 3 ||
		after.Counters[counting.HouseholdsCounter] != before.Counters[counting.HouseholdsCounter] {
		t.Fatalf("after: %d households, %d poor, %d units", after.Total, after.Counters[poor], len(after.Children))
	}
	took := map[string][]string{
		"thai-nguyen/duc-xuan":    {"bac-kan/duc-xuan", "bac-kan/nguyen-thi-minh-khai", "bac-kan/huyen-tung"},
		"thai-nguyen/bac-kan":     {"bac-kan/song-cau", "bac-kan/phung-chi-kien", "bac-kan/xuat-hoa", "bac-kan/nong-thuong"},
		"thai-nguyen/phong-quang": {"bac-kan/duong-quang"},
	}
	for _, c := range after.Children {
		want, total := store.Counters{}, 0
		for _, o := range took[c.Area.ID] {
			want.Add(old[o])
			total += oldTotal[o]
		}
		for _, name := range []string{poor, counting.StatusCounter("near_poor"), counting.HouseholdsCounter} {
			if c.Counters[name] != want[name] || c.Area.HouseholdsTotal != total {
				t.Errorf("%s: %s is %d of %d households, the old units had %d of %d", c.Area.ID, name, c.Counters[name], c.Area.HouseholdsTotal, want[name], total)
			}
		}
	}
	rounds, err := db.Rounds(ctx)
	if err != nil || len(rounds) != 1 || rounds[0].AreaID != "thai-nguyen" {
		t.Fatalf("rounds: %+v, %v", rounds, err)
	}
	afterRound, err := report.ComputeRound(ctx, db, "thai-nguyen", &rounds[0], later)
	if err != nil || afterRound.Counters.Reviewed(&rounds[0]) != 2 {
		t.Fatalf("the round after: %v", err)
	}
	afterWeek, err := report.ComputeWeek(ctx, db, "thai-nguyen", now, later)
	if err != nil || afterWeek.Counters[poor] != beforeWeek.Counters[poor] || afterWeek.Week != beforeWeek.Week ||
		afterWeek.Counters[counting.WeekCounter(beforeWeek.Week)] != beforeWeek.Counters[counting.WeekCounter(beforeWeek.Week)] {
		t.Fatalf("the past week after: %v", err)
	}
	if snap, _ := db.LastSnapshot(ctx, "thai-nguyen/duc-xuan", "2023-W30"); snap == nil || snap.Poor != 60 {
		t.Fatalf("the merged ward's last digest: %+v", snap)
	}
	if dis, err := lists.Agreement(ctx, db); err != nil || len(dis) > 0 {
		t.Fatalf("agreement: %v, %v", dis, err)
	}
	// An old id still names its area of today; the old tree is refused.
	if a, err := db.FindArea(ctx, "bac-kan/huyen-tung/khuoi-pai", ""); err != nil || a.ID != "thai-nguyen/duc-xuan/khuoi-pai" {
		t.Fatalf("old id: %s, %v", a.ID, err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); !errors.Is(err, store.ErrAreasReorganised) {
		t.Fatalf("the old tree after the plan: %v", err)
	}
	newTree, err := tree.Builtin("thai-nguyen-2025")
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := db.HouseholdsIn(ctx, "thai-nguyen/duc-xuan/khuoi-pai")
	if err := db.SaveAreas(ctx, newTree); err != nil {
		t.Fatal(err)
	}
	if hh, _ := db.HouseholdsIn(ctx, "thai-nguyen/duc-xuan/khuoi-pai"); len(hh) != len(kept) || len(kept) != 480+12 {
		t.Fatalf("Khuổi Pài after saving the new tree: %d households, %d before", len(hh), len(kept))
	}
	if _, err := db.Reorganise(ctx, plan, later, "admin", false); !errors.Is(err, tree.ErrPlan) {
		t.Fatalf("the plan twice: %v", err)
	}
}
