package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"sothon/bot/telegram"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
	"sothon/store"
	"sothon/store/links"
	"sothon/store/photos"
	"sothon/store/photos/photostest"
	"sothon/store/storetest"
)

// withEvidence stores, in the stopped harness's database, a household
// form of Khuổi Pài with a photo of the house and its place, waiting for
// review; it gives the photo's hash.
func withEvidence(t *testing.T, h *harness) string {
	t.Helper()
	ctx := context.Background()
	db, err := openTestDB(ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return addEvidence(t, db)
}

func addEvidence(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	kept, err := db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(640, 480, 3)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdID: "demo-bac-kan-huyen-tung-khuoi-pai-01",
		HouseholdName: "Lương Thị Lan", SubmittedBy: "h", SubmittedAt: at, Class: "poor", Members: 4, Files: []string{kept.Hash},
		Answers: map[string]string{"members": "4", "house_photo": kept.Hash, "house_place": "21.147300 105.834800 8"}}
	if _, err := db.Apply(ctx, store.Change{At: at, Submission: s}); err != nil {
		t.Fatal(err)
	}
	return kept.Hash
}

// The review card shows the household's photo and place where the
// decision is made: on Telegram the stored photo is uploaded (sendPhoto)
// before the card, whose buttons come last, and the card's place links to
// the map without a preview; on Zalo the photo comes by a signed link of
// the public address, which serves the JPEG.
func TestReviewCardShowsThePhotoAndThePlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zb := withZaloBot(h)
	h.env["SOTHON_TELEGRAM_TOKEN"] = testToken
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_PUBLIC_URL"] = "http://" + addr
	withEvidence(t, h)
	tgCode, zaloCode := h.invite("official", "bac-kan/huyen-tung"), h.invite("official", "bac-kan/huyen-tung")
	h.start()
	const chat = 711
	h.say(chat, "/start "+tgCode)
	card := h.say(chat, "/review")
	if labels, _ := card.Keyboard(); len(labels) != 3 {
		t.Fatalf("the card has no buttons: %v", card.Params)
	}
	text := card.Params["text"]
	if !strings.Contains(text, "Lương Thị Lan") || !strings.Contains(text, "https://www.openstreetmap.org/?mlat=21.147300&mlon=105.834800#map=18/21.147300/105.834800") ||
		card.Params["disable_web_page_preview"] != "true" {
		t.Fatalf("the card: %v", card.Params)
	}
	var photo telegramtest.Call
	for _, c := range h.fake.Calls("sendPhoto") {
		if c.Params["chat_id"] == "711" && c.Status == http.StatusOK {
			photo = c
		}
	}
	if !strings.HasPrefix(photo.Params["photo"], "anh-phieu-1-1.jpg (") || !strings.Contains(photo.Params["caption"], "Ảnh 1/1 của phiếu số 1 — hộ Lương Thị Lan") ||
		!photo.At.Before(card.At) {
		t.Fatalf("the photo before the card: %+v", photo)
	}

	h.zaloSay(zb, "zo", zaloCode)
	if got := h.zaloSay(zb, "zo", "/review"); !strings.Contains(got, "1. ") || !strings.Contains(got, "openstreetmap.org") {
		t.Fatalf("the card on Zalo: %q", got)
	}
	photos := zb.Photos("zo")
	if len(photos) != 1 || !strings.HasPrefix(photos[0], "http://"+addr+"/files/") {
		t.Fatalf("photos on Zalo: %v", photos)
	}
	resp, err := http.Get(photos[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
		t.Fatalf("the photo's link: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
}

// A photo that came by Telegram goes to a Telegram review card by the
// file_id Telegram gave it, with no upload; when Telegram refuses the id
// (the bot's token changed, say) the stored photo is uploaded instead.
func TestReviewCardSendsTheTelegramPhotoByItsID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hash := withEvidence(t, h)
	ps := photos.New(photos.Dir(h.dbPath))
	fileID := h.fake.AddFile(photostest.JPEG(640, 480, 3)) // as the head's photo came in
	if err := ps.SetRef(hash, telegram.Name, fileID); err != nil {
		t.Fatal(err)
	}
	first, second := h.invite("official", "bac-kan/huyen-tung"), h.invite("official", "bac-kan/huyen-tung")
	h.start()
	photosTo := func(chat string) []telegramtest.Call {
		var out []telegramtest.Call
		for _, c := range h.fake.Calls("sendPhoto") {
			if c.Params["chat_id"] == chat {
				out = append(out, c)
			}
		}
		return out
	}
	h.say(712, "/start "+first)
	h.say(712, "/review")
	if got := photosTo("712"); len(got) != 1 || got[0].Upload || got[0].Params["photo"] != fileID || got[0].Status != http.StatusOK ||
		!strings.Contains(got[0].Params["caption"], "Ảnh 1/1 của phiếu số 1") {
		t.Fatalf("the photo by its id: %+v", got)
	}

	if err := ps.SetRef(hash, telegram.Name, "AgACAgIAAxkBAAI-of-another-bot"); err != nil {
		t.Fatal(err)
	}
	h.say(713, "/start "+second)
	h.say(713, "/review")
	got := photosTo("713")
	if len(got) != 2 || got[0].Upload || got[0].Status != http.StatusBadRequest ||
		!got[1].Upload || got[1].Status != http.StatusOK || !strings.HasPrefix(got[1].Params["photo"], "anh-phieu-1-1.jpg (") {
		t.Fatalf("a refused id, then the upload: %+v", got)
	}
}

// A photo's link in an export opens the stored photo until it expires
// (the clock moved past it: 410), never with a signature of another photo
// or expiry, nor once the photo is pruned.
func TestPhotoLinksExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	hash := addEvidence(t, db)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	signer, err := links.New(ctx, db, "http://sothon.test")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{db: db, signer: signer, cfg: Config{Now: func() time.Time { return now }}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /photos/{name}", s.servePhoto)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	photoLink, err := links.Photos(ctx, db, srv.URL, now)
	if err != nil || photoLink == nil {
		t.Fatalf("links: %v", err)
	}
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type") + " " + string(body[:min(2, len(body))])
	}
	link := photoLink(hash)
	if status, got := get(link); status != 200 || got != "image/jpeg \xff\xd8" {
		t.Fatalf("a fresh link: %d %q", status, got)
	}
	other := strings.Replace(link, hash, strings.Repeat("a", 64), 1)
	longer := strings.Replace(link, "?e=", "?e=9", 1)
	// The signature's last digit changed: to "1" when it is "0" already
	// (the key is random: one link in sixteen ends in "0").
	flipped := link[:len(link)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(link, "0")]
	for _, bad := range []string{other, longer, flipped, strings.Split(link, "?")[0]} {
		if status, _ := get(bad); status != 404 {
			t.Errorf("%s: %d, want 404", bad, status)
		}
	}
	now = now.Add(links.PhotoLife - time.Second)
	if status, _ := get(link); status != 200 {
		t.Fatalf("a second before it expires: %d", status)
	}
	now = now.Add(time.Second)
	if status, _ := get(link); status != http.StatusGone {
		t.Fatalf("expired: %d, want 410", status)
	}
	now = now.Add(-time.Hour)
	if err := os.Remove(db.Photos().Path(hash)); err != nil {
		t.Fatal(err)
	}
	if status, _ := get(link); status != 404 {
		t.Fatalf("a photo no longer kept: %d", status)
	}
	// Put back for the database's check at cleanup.
	addEvidencePhotoAgain(t, db)
}

// addEvidencePhotoAgain keeps addEvidence's photo again: the same bytes
// give the same hash.
func addEvidencePhotoAgain(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Photos().Put(context.Background(), bytes.NewReader(photostest.JPEG(640, 480, 3))); err != nil {
		t.Fatal(err)
	}
}

// Nothing keeps a photo its questionnaire no longer names: one sent to a
// questionnaire that was then cancelled is pruned by the housekeeping
// (store.PrunePhotos) once a day old, and its link then finds nothing.
// Households never leave the register and forms are never deleted, so
// this is how a photo leaves.
func TestUnnamedPhotoLeavesWithItsLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	kept, err := db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(64, 64, 9)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	u := store.User{ID: "h1", Name: "Trưởng thôn", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai"}
	run := &flows.Run{Form: "household", Stage: flows.StageAsk, Current: "house_photo", Answers: map[string]string{}, Photos: []string{kept.Hash}, Started: now, Updated: now}
	if _, err := db.Apply(ctx, store.Change{At: now, User: &u, UserID: u.ID, Run: run}); err != nil {
		t.Fatal(err)
	}
	signer, err := links.New(ctx, db, "http://sothon.test")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{db: db, signer: signer, cfg: Config{Now: time.Now}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /photos/{name}", s.servePhoto)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	photoLink, _ := links.Photos(ctx, db, srv.URL, now)
	status := func() int {
		t.Helper()
		resp, err := http.Get(photoLink(kept.Hash))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != 200 {
		t.Fatalf("while the questionnaire names it: %d", got)
	}
	old := now.Add(-48 * time.Hour)
	os.Chtimes(db.Photos().Path(kept.Hash), old, old)
	if n, err := db.PrunePhotos(ctx, now.Add(-photoGrace)); err != nil || n != 0 {
		t.Fatalf("pruned %d while named, %v", n, err)
	}
	if _, err := db.Apply(ctx, store.Change{At: now, UserID: u.ID, DeleteRun: true}); err != nil { // /cancel
		t.Fatal(err)
	}
	if n, err := db.PrunePhotos(ctx, now.Add(-photoGrace)); err != nil || n != 1 {
		t.Fatalf("pruned %d once cancelled, %v", n, err)
	}
	if got := status(); got != 404 {
		t.Fatalf("after pruning: %d", got)
	}
}
