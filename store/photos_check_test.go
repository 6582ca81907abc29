package store_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/store/photos/photostest"
	"sothon/store/storetest"
)

// Pruning removes only old photos nothing refers to: a submission's and a
// run's stay, and so does one kept a moment ago for an answer on its way.
func TestPrunePhotos(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	ps := db.Photos()
	ps.FreeSpace = func(string) (uint64, error) { return 100 << 30, nil }
	put := func(seed uint8) string {
		st, err := ps.Put(ctx, bytes.NewReader(photostest.JPEG(16, 16, seed)))
		if err != nil {
			t.Fatal(err)
		}
		return st.Hash
	}
	submitted, inRun, orphan, young := put(1), put(2), put(3), put(4)
	now := time.Now()
	u := store.User{ID: "u1", Name: "Trưởng thôn", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"}
	run := &flows.Run{Form: "house", Stage: flows.StageAsk, Current: "photo", Answers: map[string]string{"photo": ""}, Photos: []string{inRun}, Started: now, Updated: now}
	if _, err := db.Apply(ctx, store.Change{At: now, User: &u, UserID: u.ID, Run: run, Submission: &store.Submission{Form: "house", FormVersion: "1",
		AreaID: u.AreaID, HouseholdName: "Nông Văn Tý", SubmittedBy: u.ID, SubmittedAt: now,
		Answers: map[string]string{"photo": submitted}, Files: []string{submitted}}}); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-48 * time.Hour)
	for _, h := range []string{submitted, inRun, orphan} {
		os.Chtimes(ps.Path(h), old, old)
	}
	n, err := db.PrunePhotos(ctx, now.Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	for h, want := range map[string]bool{submitted: true, inRun: true, orphan: false, young: true} {
		if _, err := os.Stat(ps.Path(h)); (err == nil) != want {
			t.Errorf("photo %s kept %v, want %v", h[:8], err == nil, want)
		}
	}
}
