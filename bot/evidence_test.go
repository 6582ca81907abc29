package bot_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"sothon/store"
	"sothon/store/photos/photostest"
)

// The review card comes after the form's photos, each a message of its
// own with the stored JPEG (three at most: the console shows all) and,
// for a photo that came by the chat's channel, the id it knows it by, so
// that the card and its buttons come last; the card links the place to
// the map.
func TestReviewCardAfterThePhotos(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	var hashes []string
	for i := range 4 {
		kept, err := f.db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(80, 60, uint8(i))))
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, kept.Hash)
	}
	s := &store.Submission{Form: "household", FormVersion: "1", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Lương Thị Lan",
		SubmittedBy: "x", SubmittedAt: f.now, Class: "poor", Members: 3, Files: hashes,
		Answers: map[string]string{"class": "poor", "members": "3", "house_photo": strings.Join(hashes, ";"), "house_place": "21.147300 105.834800"}}
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	// The first photo came by this chat's channel, the second by another:
	// only the first goes by the channel's id for it.
	if err := f.db.Photos().SetRef(hashes[0], "test", "id-on-test"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Photos().SetRef(hashes[1], "telegram", "id-on-telegram"); err != nil {
		t.Fatal(err)
	}
	out := f.say(t, "o1", "1", "/review")
	if len(out) != 4 {
		t.Fatalf("%d messages: %+v", len(out), out)
	}
	for i, m := range out[:3] {
		a := m.Attachment
		if a == nil || !a.Image || a.Name != fmt.Sprintf("anh-phieu-1-%d.jpg", i+1) || !bytes.HasPrefix(a.Data, []byte{0xff, 0xd8}) ||
			len(m.Options) != 0 || !strings.Contains(m.Text, fmt.Sprintf("Ảnh %d/4 của phiếu số 1 — hộ Lương Thị Lan", i+1)) {
			t.Errorf("photo %d: %q %+v", i+1, m.Text, a)
		}
		if want := map[int]string{0: "id-on-test"}[i]; a != nil && a.Ref != want {
			t.Errorf("photo %d goes by %q, want %q", i+1, a.Ref, want)
		}
	}
	card := out[3]
	if card.Attachment != nil || len(card.Options) != 3 || card.Question != "review:1" || !card.NoPreview ||
		!strings.Contains(card.Text, "🗺 Xem trên bản đồ: https://www.openstreetmap.org/?mlat=21.147300&mlon=105.834800#map=18/21.147300/105.834800") {
		t.Fatalf("the card: %+v", card)
	}
}
