package zalo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/zalo"
	"sothon/bot/zalo/zalotest"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

// houseForm asks for a photo of a house and where it stands.
const houseForm = `
id: house
version: "1"
title: {vi: "Ảnh nhà", en: "House photo"}
questions:
  - id: household
    type: household
    label: {vi: "Chọn hộ", en: "Choose the household"}
  - id: head_name
    type: text
    label: {vi: "Họ tên chủ hộ", en: "Head of household"}
    relevant: household == "new"
  - id: photo
    type: image
    label: {vi: "Ảnh ngôi nhà", en: "Photo of the house"}
  - id: place
    type: geopoint
    label: {vi: "Vị trí ngôi nhà", en: "Where the house is"}
`

// On the Zalo Bot Platform a sticker is refused, a photo (a WebP, as
// Android sends) answers, and the place, which the Bot Platform cannot
// send, is typed.
func TestPhotoAnsweredOnZaloBot(t *testing.T) {
	db := storetest.Open(t)
	forms, err := flows.LoadFS(fstest.MapFS{"house.yaml": {Data: []byte(houseForm)}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fake := zalotest.NewBot(botToken)
	t.Cleanup(fake.Close)
	files := zalotest.NewFiles()
	t.Cleanup(files.Close)
	zb, err := zalo.NewBot(zalo.BotConfig{Token: botToken, APIBase: fake.URL, WebhookURL: "https://x.example/webhook/zalo-bot", WebhookSecret: hookSecret})
	if err != nil {
		t.Fatal(err)
	}
	ps := db.Photos()
	ps.FreeSpace = func(string) (uint64, error) { return 100 << 30, nil }
	eng := bot.New(bot.Config{Store: db, Forms: forms, Catalog: locales.MustLoad(), Now: clock, Photos: ps,
		Fetchers: map[string]bot.Fetcher{zalo.BotName: zb}})
	hook := zb.Webhook(func(ctx context.Context, ins ...bot.Inbound) error {
		for _, in := range ins {
			if _, err := eng.Handle(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
	u := store.User{ID: "u-zh", Name: "Hoàng Văn Thắng", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
	if _, err := db.Apply(context.Background(), store.Change{At: now, User: &u, Identity: &store.Identity{Channel: zb.Name(), ChatID: "zh", UserID: u.ID}}); err != nil {
		t.Fatal(err)
	}
	sender := &delivery.Sender{Store: db, Channel: zb, Now: clock}
	post := func(event string) string {
		t.Helper()
		before := len(fake.Sent("zh"))
		req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(event))
		req.Header.Set("X-Bot-Api-Secret-Token", hookSecret)
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("webhook answered %d", rec.Code)
		}
		if err := sender.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		return strings.Join(fake.Sent("zh")[before:], "\n---\n")
	}
	say := func(text string) string { _, ev := fake.Event("zh", "message.text.received", text); return post(ev) }
	say("1")
	say("0")
	if out := say("Nguyễn Văn Mới"); !strings.Contains(out, "Ảnh ngôi nhà") || !strings.Contains(out, "📎") {
		t.Fatalf("photo question: %q", out)
	}
	_, sticker := fake.Event("zh", "message.sticker.received", "")
	if out := post(sticker); !strings.Contains(out, "Câu này cần một tấm ảnh") {
		t.Fatalf("sticker: %q", out)
	}
	webp, err := os.ReadFile("../../store/photos/testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	_, image := fake.ImageEvent("zh", files.Add(webp))
	if out := post(image); !strings.Contains(out, "Vị trí ngôi nhà") || !strings.Contains(out, "Gõ vĩ độ, kinh độ") {
		t.Fatalf("photo: %q", out)
	}
	if out := say("vị trí ở đầu làng"); !strings.Contains(out, "Chưa hiểu vị trí này") || strings.Contains(out, "Gửi vị trí") {
		t.Fatalf("words for a place: %q", out)
	}
	if out := say("22,1473; 105,8348"); !strings.Contains(out, "22.14730, 105.83480") {
		t.Fatalf("typed place: %q", out)
	}
	say("1")
	var subs []store.Submission
	db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error { subs = append(subs, s); return nil })
	if len(subs) != 1 || len(subs[0].Files) != 1 || subs[0].Answers["place"] != "22.147300 105.834800" {
		t.Fatalf("stored %+v", subs)
	}
	if err := ps.Verify(subs[0].Files[0]); err != nil {
		t.Fatal(err)
	}
}
