package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// A round of a ward merged into a larger one keeps to its own villages:
// its figures after the plan are those before, and a village of the other
// old ward reviewed on its days does not join it.
func TestRoundOfAMergedWardKeepsItsVillages(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	at := time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	round, err := db.OpenRound(ctx, store.Round{Name: "Giữa năm", AreaID: "bac-kan/huyen-tung", From: "2025-06-01", To: "2025-06-30", Opened: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "Đức Xuân", AreaID: "bac-kan/duc-xuan", From: "2025-06-01", To: "2025-06-30", Opened: at}); err != nil {
		t.Fatal(err)
	}
	for _, area := range []string{"bac-kan/huyen-tung/khuoi-pai", "bac-kan/nguyen-thi-minh-khai/to-1"} {
		s := &store.Submission{Form: "household", AreaID: area, SubmittedAt: at, Class: "poor", HouseholdName: "Hộ " + area, Answers: map[string]string{}}
		if _, err := db.Apply(ctx, store.Change{At: at, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	plan, _, _ := tree.BuiltinPlan("bac-kan-2025")
	if _, err := db.Reorganise(ctx, plan, at, "admin", false); err != nil {
		t.Fatal(err) // two open rounds of wards now merged share no village
	}
	rounds, _ := db.Rounds(ctx)
	var r store.Round
	for _, x := range rounds {
		if x.ID == round.ID {
			r = x
		}
	}
	want := []string{"thai-nguyen/duc-xuan/ban-cau", "thai-nguyen/duc-xuan/khuoi-pai", "thai-nguyen/duc-xuan/na-pai"}
	if r.AreaID != "thai-nguyen/duc-xuan" || !slices.Equal(r.Villages, want) {
		t.Fatalf("the round after: %s %v", r.AreaID, r.Villages)
	}
	if !r.Counts("thai-nguyen/duc-xuan/khuoi-pai", "poor", at) || r.Counts("thai-nguyen/duc-xuan/nguyen-thi-minh-khai-to-1", "poor", at) {
		t.Fatal("the round counts another ward's village, or not its own")
	}
	in, err := db.CountersIn(ctx, "thai-nguyen/duc-xuan")
	sum := store.Counters{}
	for _, c := range in {
		sum.Add(c)
	}
	if err != nil || sum.Reviewed(&r) != 1 {
		t.Fatalf("reviewed in the round: %d, %v", sum.Reviewed(&r), err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "Cả phường", AreaID: "thai-nguyen/duc-xuan", From: "2025-07-01", To: "2025-07-30", Opened: at}); !errors.Is(err, store.ErrRoundOpen) {
		t.Fatalf("a round over the merged ward's open rounds: %v", err)
	}
}

// The village mergers of 2026 use the same plan: two villages become one
// (their households and totals together), one village moves on its own to
// another unit, and every other id stays.
func TestVillageMergerPlan(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	areas, err := tree.Builtin("thai-nguyen-2025")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	plan, err := tree.ParsePlan([]byte(`effective: 2026-07-01
top: {id: thai-nguyen, name: "Tỉnh Thái Nguyên", kind: province, from: thai-nguyen}
units:
  - id: duc-xuan
    name: "Phường Đức Xuân"
    kind: ward
    from: [thai-nguyen/duc-xuan]
    villages:
      - {from: thai-nguyen/duc-xuan/khuoi-pai, id: khuoi-pai-ban-cau, name: "Tổ Khuổi Pài - Bản Cạu", merge: [thai-nguyen/duc-xuan/ban-cau]}
  - id: bac-kan
    name: "Phường Bắc Kạn"
    kind: ward
    from: [thai-nguyen/bac-kan]
    villages:
      - {from: thai-nguyen/phong-quang/na-chuong}
  - {id: phong-quang, name: "Xã Phong Quang", kind: commune, from: [thai-nguyen/phong-quang]}
`))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := db.Reorganise(ctx, plan, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "admin", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Moves) != 3 || sum.Records["households"] != 12 {
		t.Fatalf("moves %+v, records %v", sum.Moves, sum.Records)
	}
	merged, err := db.Area(ctx, "thai-nguyen/duc-xuan/khuoi-pai-ban-cau")
	if err != nil || merged.HouseholdsTotal != 480+520 || merged.Name != "Tổ Khuổi Pài - Bản Cạu" {
		t.Fatalf("the merged village: %+v, %v", merged, err)
	}
	if hh, _ := db.HouseholdsIn(ctx, merged.ID); len(hh) != 12 {
		t.Fatalf("its households: %d", len(hh))
	}
	moved, err := db.Area(ctx, "thai-nguyen/bac-kan/na-chuong")
	if err != nil || moved.Setting != "urban" {
		t.Fatalf("the village moved to a ward: %+v, %v", moved, err)
	}
	for _, gone := range []string{"thai-nguyen/duc-xuan/khuoi-pai", "thai-nguyen/duc-xuan/ban-cau", "thai-nguyen/phong-quang/na-chuong"} {
		if _, err := db.Area(ctx, gone); err == nil {
			t.Errorf("%s is still there", gone)
		}
	}
	if a, err := db.FindArea(ctx, "thai-nguyen/duc-xuan/ban-cau", ""); err != nil || a.ID != merged.ID {
		t.Fatalf("the old id of a merged village: %s, %v", a.ID, err)
	}
	if top, _ := db.Area(ctx, "thai-nguyen"); top.HouseholdsTotal != 12232 {
		t.Fatalf("the total: %d", top.HouseholdsTotal)
	}
}

// A village's meeting, posting and requests move with it when the areas
// are reorganised.
func TestReorganiseMovesVillageReview(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	at := time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	const old, moved = "bac-kan/huyen-tung/khuoi-pai", "thai-nguyen/duc-xuan/khuoi-pai"
	if _, err := db.OpenMeeting(ctx, store.Meeting{Round: 1, AreaID: old, Day: "2025-06-09", Present: 9, Opened: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseMeeting(ctx, 1, old, func(store.Vote) string { return "" }, "h1", at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordPosting(ctx, store.Posting{Round: 1, AreaID: old, Start: "2025-06-10", End: "2025-06-12", Days: 3, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddRequest(ctx, store.ReviewRequest{AreaID: old, Household: "demo-bac-kan-huyen-tung-khuoi-pai-01", Reason: "Ốm nặng", Day: "2025-06-10", At: at}); err != nil {
		t.Fatal(err)
	}
	plan, _, _ := tree.BuiltinPlan("bac-kan-2025")
	if _, err := db.Reorganise(ctx, plan, at, "admin", false); err != nil {
		t.Fatal(err)
	}
	if m, err := db.MeetingOf(ctx, 1, moved); err != nil || m.AreaID != moved || !m.Held() {
		t.Errorf("the meeting after: %+v, %v", m, err)
	}
	if p, err := db.PostingOf(ctx, 1, moved); err != nil || p.AreaID != moved {
		t.Errorf("the posting after: %+v, %v", p, err)
	}
	if _, err := db.MeetingOf(ctx, 1, old); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the meeting is still under the old id: %v", err)
	}
	if rs, err := db.Requests(ctx, "thai-nguyen/duc-xuan"); err != nil || len(rs) != 1 || rs[0].AreaID != moved {
		t.Errorf("the requests after: %+v, %v", rs, err)
	}
}

// A village's head and their run in progress move with the village when
// the areas are reorganised; a user of an area the plan does not name
// stays.
func TestReorganiseMovesHeadsAndRuns(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	at := time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	const old, moved, other = "bac-kan/huyen-tung/khuoi-pai", "thai-nguyen/duc-xuan/khuoi-pai", "lao-cai" // other: no area of the plan
	head := store.User{Name: "Nông Văn Tý", Role: store.RoleHead, AreaID: old, Lang: "vi", Created: at}
	official := store.User{Name: "Hoàng Thị Mai", Role: store.RoleOfficial, AreaID: other, Lang: "vi", Created: at}
	for _, u := range []*store.User{&head, &official} {
		if _, err := db.Apply(ctx, store.Change{At: at, User: u}); err != nil {
			t.Fatal(err)
		}
	}
	run := &flows.Run{Form: "household", AreaID: old, Stage: flows.StageAsk, Answers: map[string]string{"household": "h1"}, Started: at, Updated: at}
	if _, err := db.Apply(ctx, store.Change{At: at, UserID: head.ID, Run: run}); err != nil {
		t.Fatal(err)
	}
	plan, _, _ := tree.BuiltinPlan("bac-kan-2025")
	sum, err := db.Reorganise(ctx, plan, at, "admin", false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records["users"] != 1 || sum.Records["runs"] != 1 {
		t.Errorf("records moved: %v", sum.Records)
	}
	if u, err := db.UserByID(ctx, head.ID); err != nil || u.AreaID != moved || u.Name != head.Name {
		t.Errorf("the head after: %+v, %v", u, err)
	}
	if u, err := db.UserByID(ctx, official.ID); err != nil || u.AreaID != official.AreaID {
		t.Errorf("the official after: %+v, %v", u, err)
	}
	if r, err := db.Run(ctx, head.ID); err != nil || r.AreaID != moved || r.Answers["household"] != "h1" {
		t.Errorf("the run after: %+v, %v", r, err)
	}
}
