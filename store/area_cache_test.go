package store_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// The area tree kept in memory follows every change of the areas, made
// through the file's owner or a borrower (a command through the server's
// socket), and a caller changing what it was given changes nothing kept.
func TestAreaTreeFollowsChanges(t *testing.T) {
	t.Parallel()
	db, err := store.Open(filepath.Join(t.TempDir(), "sothon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	const commune = "bac-kan/huyen-tung"
	first, err := db.AreaTree(ctx)
	if err != nil || len(first.List) != len(tree.Default()) {
		t.Fatalf("tree: %v", err)
	}
	if again, _ := db.AreaTree(ctx); again != first {
		t.Error("the tree was read again with no change")
	}
	a, _ := db.Area(ctx, commune)
	a.Targets = append(a.Targets, tree.Target{Year: 2030, PoorReduction: 9})
	areas, _ := db.Areas(ctx)
	areas[0].Name = "changed"
	if a2, _ := db.Area(ctx, commune); len(a2.Targets) != len(a.Targets)-1 {
		t.Errorf("a caller's change reached the kept tree: %+v", a2.Targets)
	}
	if top, _ := db.Area(ctx, areas[0].ID); top.Name == "changed" {
		t.Error("a caller's change of Areas reached the kept tree")
	}

	borrowed := db.Borrow()
	if err := borrowed.SetTarget(ctx, commune, tree.Target{Year: 2027, PoorReduction: 12}, "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
	a, _ = db.Area(ctx, commune)
	if len(a.Targets) == 0 || a.Targets[len(a.Targets)-1].PoorReduction != 12 {
		t.Errorf("a target set through a borrower is not seen: %+v", a.Targets)
	}
	smaller := tree.Default()[:3]
	if err := borrowed.SaveAreas(ctx, smaller); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.AreaTree(ctx); len(got.List) != 3 || len(got.Children(got.List[0].ID)) == 0 {
		t.Errorf("areas saved through a borrower: %d kept", len(got.List))
	}
	if _, err := db.Area(ctx, tree.Default()[5].ID); err == nil {
		t.Error("an area no longer saved is still found")
	}
}

// A subtree's size counts the area and every area below it.
func TestAreaTreeSize(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	areas := tree.Default()
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	at, err := db.AreaTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", areas[0].ID, areas[1].ID, areas[len(areas)-1].ID, "nowhere"} {
		want := 0
		for _, a := range areas {
			if id == "" || tree.Within(a.ID, id) {
				want++
			}
		}
		if got := at.Size(id); got != want {
			t.Errorf("size of %q: %d, want %d", id, got, want)
		}
	}
}

// The labels the tree keeps are tree.Label's, and an area a caller
// changed is labelled as it now is.
func TestAreaTreeLabels(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	areas := tree.Default()
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	at, err := db.AreaTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range at.List {
		parent, _ := at.Get(a.Parent)
		if got, want := at.Label(a), tree.Label(a, parent); got != want {
			t.Errorf("label of %s: %q, want %q", a.ID, got, want)
		}
		changed := a
		changed.Name = "Đổi tên"
		if got, want := at.Label(changed), tree.Label(changed, parent); got != want {
			t.Errorf("label of %s renamed: %q, want %q", a.ID, got, want)
		}
	}
}

// The open round a village's answers look up, kept in memory, follows
// every change of the rounds, through the file's owner or a borrower:
// opened, closed, decided, moved by a reorganisation.
func TestRoundForFollowsChanges(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	at := time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	open := func(db *store.DB, name string) store.Round {
		t.Helper()
		r, err := db.OpenRound(ctx, store.Round{Name: name, AreaID: "bac-kan/huyen-tung", From: "2025-06-01", To: "2025-06-30", Opened: at})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	roundFor := func(area string) string {
		t.Helper()
		r, err := db.RoundFor(ctx, area)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			return ""
		}
		r.Name += " (a caller's change)" // reaches nothing kept
		return strings.TrimSuffix(r.Name, " (a caller's change)")
	}
	if got := roundFor(village); got != "" {
		t.Fatalf("before any round: %q", got)
	}
	open(db, "Giữa năm")
	if got := roundFor(village); got != "Giữa năm" {
		t.Fatalf("after opening: %q", got)
	}
	if got := roundFor(village); got != "Giữa năm" {
		t.Fatalf("asked again: %q", got)
	}
	if _, err := db.CloseRound(ctx, "bac-kan/huyen-tung", at, "admin"); err != nil {
		t.Fatal(err)
	}
	if got := roundFor(village); got != "" {
		t.Fatalf("after closing: %q", got)
	}
	borrowed := db.Borrow()
	r := open(borrowed, "Cuối năm")
	if got := roundFor(village); got != "Cuối năm" {
		t.Fatalf("opened through a borrower: %q", got)
	}
	if _, err := borrowed.DecideRound(ctx, r.ID, store.RoundDecision{Number: "1/QĐ-UBND", Day: "2025-07-01", By: "admin", At: at}); err != nil {
		t.Fatal(err)
	}
	if got := roundFor(village); got != "" {
		t.Fatalf("after the decision: %q", got)
	}
	open(db, "Bổ sung")
	if got := roundFor(village); got != "Bổ sung" {
		t.Fatalf("after opening again: %q", got)
	}
	plan, _, _ := tree.BuiltinPlan("bac-kan-2025")
	if _, err := db.Reorganise(ctx, plan, at, "admin", false); err != nil {
		t.Fatal(err)
	}
	if got := roundFor("thai-nguyen/duc-xuan/khuoi-pai"); got != "Bổ sung" {
		t.Fatalf("the village after the reorganisation: %q", got)
	}
}
