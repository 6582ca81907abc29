package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/telegram"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/photos"
	"sothon/store/photos/photostest"
	"sothon/store/storetest"
)

const (
	photoToken  = "77:photo-TOKEN"
	photoSecret = "photo-webhook-secret"
	head        = int64(501)
)

// houseForm asks for up to two photos of a house and, optionally, where it
// stands.
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
    max: 2
    label: {vi: "Ảnh ngôi nhà", en: "Photo of the house"}
  - id: place
    type: geopoint
    required: false
    label: {vi: "Vị trí ngôi nhà", en: "Where the house is"}
`

// tgPhotos plays a village head on Telegram: updates go through the bot's
// webhook into an inbox, the engine handles them from there, and the
// replies go out through the fake Bot API.
type tgPhotos struct {
	t      *testing.T
	fake   *telegramtest.Server
	tg     *telegram.Adapter
	db     *store.DB
	eng    *bot.Engine
	store  *photos.Store
	sender *delivery.Sender
	hook   http.Handler
}

func newTGPhotos(t *testing.T) *tgPhotos {
	t.Helper()
	db := storetest.Open(t)
	fake := telegramtest.New(photoToken)
	t.Cleanup(fake.Close)
	tg, err := telegram.New(telegram.Config{Token: photoToken, APIBase: fake.URL, WebhookURL: "https://x.example/webhook/telegram", WebhookSecret: photoSecret})
	if err != nil {
		t.Fatal(err)
	}
	ps := db.Photos()
	ps.FreeSpace = func(string) (uint64, error) { return 100 << 30, nil }
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	p := &tgPhotos{t: t, fake: fake, tg: tg, db: db, store: ps}
	p.eng = p.engine(now)
	p.sender = &delivery.Sender{Store: db, Channel: tg, Now: func() time.Time { return now }}
	p.hook = tg.Webhook(func(ctx context.Context, ins ...bot.Inbound) error { // into the inbox, as the receiver keeps them
		for _, in := range ins {
			payload, _ := json.Marshal(in)
			if err := db.Receive(ctx, []store.Incoming{{Channel: in.Channel, ChatID: in.ChatID, Payload: payload}}); err != nil {
				return err
			}
		}
		return nil
	})
	u := store.User{ID: "u-head", Name: "Hoàng Văn Thắng", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
	if _, err := db.Apply(context.Background(), store.Change{At: now, User: &u,
		Identity: &store.Identity{Channel: telegram.Name, ChatID: "501", UserID: u.ID}}); err != nil {
		t.Fatal(err)
	}
	return p
}

// engine is the engine as a server starts it: the platform's adapter
// fetches its photos.
func (p *tgPhotos) engine(now time.Time) *bot.Engine {
	forms, err := flows.LoadFS(fstest.MapFS{"house.yaml": {Data: []byte(houseForm)}})
	if err != nil {
		p.t.Fatal(err)
	}
	return bot.New(bot.Config{Store: p.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return now },
		Photos: p.store, Fetchers: map[string]bot.Fetcher{telegram.Name: p.tg}})
}

// post hands an update to the webhook, as Telegram does.
func (p *tgPhotos) post(updateID int) {
	p.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhook/telegram", bytes.NewReader(p.fake.Update(updateID)))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", photoSecret)
	rec := httptest.NewRecorder()
	p.hook.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		p.t.Fatalf("webhook answered %d", rec.Code)
	}
}

// handle handles what the inbox holds with ctx and returns the texts sent
// since, or the error that left the update in the inbox.
func (p *tgPhotos) handle(ctx context.Context) (string, error) {
	p.t.Helper()
	before := len(p.fake.Delivered())
	items, err := p.db.Inbox(context.Background(), 0, 100)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, item := range items {
		var in bot.Inbound
		if err := json.Unmarshal(item.Payload, &in); err != nil {
			p.t.Fatal(err)
		}
		in.IncomingID = item.ID
		if _, err := p.eng.Handle(ctx, in); err != nil {
			return "", err
		}
	}
	if err := p.sender.Flush(context.Background()); err != nil {
		p.t.Fatal(err)
	}
	var texts []string
	for _, c := range p.fake.Delivered()[before:] {
		texts = append(texts, c.Params["text"])
	}
	return strings.Join(texts, "\n---\n"), nil
}

func (p *tgPhotos) send(updateID int) string {
	p.t.Helper()
	p.post(updateID)
	out, err := p.handle(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return out
}

func (p *tgPhotos) say(text string) string { return p.send(p.fake.Say(head, text)) }

// toPhotoQuestion starts the form for a new household.
func (p *tgPhotos) toPhotoQuestion() string {
	p.t.Helper()
	p.say("1")
	p.say("0")
	return p.say("Nguyễn Văn Mới")
}

func (p *tgPhotos) awaits() string {
	p.t.Helper()
	conv, err := p.db.Conversation(context.Background(), telegram.Name, "501")
	if err != nil || conv.Run == nil {
		p.t.Fatalf("no run: %v", err)
	}
	return conv.Run.Awaits()
}

func (p *tgPhotos) submissions() []store.Submission {
	var got []store.Submission
	p.db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error { got = append(got, s); return nil })
	return got
}

// A sticker and a text are refused with how to send a photo; two photos
// answer the question; the place comes from the location button; the
// submission names its photos and its place, and no photo keeps its EXIF.
func TestPhotoAndPlaceAnsweredOnTelegram(t *testing.T) {
	p := newTGPhotos(t)
	if out := p.toPhotoQuestion(); !strings.Contains(out, "Ảnh ngôi nhà") || !strings.Contains(out, "📎") {
		t.Fatalf("photo question: %q", out)
	}
	for _, wrong := range []int{p.fake.Sticker(head), p.fake.Say(head, "nhà tôi lợp ngói")} {
		out := p.send(wrong)
		if !strings.Contains(out, "Câu này cần một tấm ảnh") || p.awaits() != "photo" {
			t.Fatalf("a wrong answer: %q, awaiting %s", out, p.awaits())
		}
	}
	out := p.send(p.fake.Photo(head, photostest.JPEG(2000, 1500, 1), ""))
	if !strings.Contains(out, "Đã nhận 1 ảnh") || p.awaits() != "photo" {
		t.Fatalf("first photo: %q", out)
	}
	last := p.fake.Delivered()[len(p.fake.Delivered())-1]
	if labels, _ := last.ChatKeyboard(); len(labels) != 1 || labels[0] != "Xong" {
		t.Fatalf("no Done button: %v", labels)
	}
	out = p.send(p.fake.Photo(head, photostest.JPEG(1200, 1600, 2), "mặt sau"))
	if !strings.Contains(out, "Vị trí ngôi nhà") || p.awaits() != "place" {
		t.Fatalf("second photo: %q", out)
	}
	last = p.fake.Delivered()[len(p.fake.Delivered())-1]
	if m := last.Params["reply_markup"]; !strings.Contains(m, `"request_location":true`) || !strings.Contains(m, "Gửi vị trí") || !strings.Contains(m, "Bỏ qua") {
		t.Fatalf("no location button: %s", m)
	}
	if got := p.fake.Calls("getFile"); len(got) != 2 {
		t.Fatalf("%d getFile calls, want 2", len(got))
	}
	if out := p.send(p.fake.Photo(head, photostest.JPEG(50, 50, 3), "")); !strings.Contains(out, "Câu này cần vị trí") {
		t.Fatalf("a photo for a place: %q", out)
	}
	out = p.send(p.fake.Location(head, 21.1501234, 105.8312345, 12.4))
	if !strings.Contains(out, "2 ảnh") || !strings.Contains(out, "21.15012, 105.83123") {
		t.Fatalf("summary: %q", out)
	}
	p.say("1")
	subs := p.submissions()
	if len(subs) != 1 {
		t.Fatalf("%d submissions", len(subs))
	}
	s := subs[0]
	hashes := flows.ImageHashes(s.Answers["photo"])
	if len(hashes) != 2 || len(s.Files) != 2 || s.Files[0] != hashes[0] || s.Answers["place"] != "21.150123 105.831234 12" {
		t.Fatalf("stored %q, %q, files %v", s.Answers["photo"], s.Answers["place"], s.Files)
	}
	for _, h := range hashes {
		data, err := os.ReadFile(p.store.Path(h))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(photostest.ExifMarker)) {
			t.Fatal("a kept photo has its EXIF")
		}
	}
	if hs, _ := p.store.Hashes(); len(hs) != 2 { // the photo sent for the place was not even fetched
		t.Fatalf("%d files kept, want 2", len(hs))
	}
}

// inbox counts the updates waiting to be handled.
func (p *tgPhotos) inbox() int {
	n, _, err := p.db.Queues(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// A photo over the limit is refused with the limit, before any download;
// one too big for the Bot API too; nothing is kept and the question stays.
func TestPhotoOverTheLimitRefused(t *testing.T) {
	p := newTGPhotos(t)
	p.toPhotoQuestion()
	for _, size := range []int{photos.MaxBytes + 1, telegramtest.MaxBotFile + 1} {
		out := p.send(p.fake.Document(head, "IMG_2041.JPG", "image/jpeg", photostest.JPEG(64, 64, 1), size))
		if !strings.Contains(out, "Ảnh lớn quá (hơn 10 MB)") || !strings.Contains(out, "Ảnh ngôi nhà") || p.awaits() != "photo" {
			t.Fatalf("%d bytes: %q", size, out)
		}
	}
	if n := len(p.fake.Calls("getFile")); n != 0 {
		t.Fatalf("%d getFile calls for photos known to be too big", n)
	}
	// A file Telegram says is small but is not an image.
	if out := p.send(p.fake.Document(head, "scan.png", "image/png", []byte("%PDF-1.4 not an image"), 0)); !strings.Contains(out, "Không đọc được ảnh này") {
		t.Fatalf("not an image: %q", out)
	}
	if hs, _ := p.store.Hashes(); len(hs) != 0 || p.inbox() != 0 {
		t.Fatalf("kept %d files, %d updates left", len(hs), p.inbox())
	}
}

// A server stopped while a photo downloads, or a Bot API failing, commits
// nothing: the update stays in the inbox and the next start takes it.
func TestKilledDuringDownloadIsRetried(t *testing.T) {
	p := newTGPhotos(t)
	p.toPhotoQuestion()
	p.fake.Script("file", telegramtest.Reply{Status: http.StatusBadGateway}, telegramtest.Reply{Status: http.StatusOK, Delay: time.Hour})
	p.post(p.fake.Photo(head, photostest.JPEG(800, 600, 9), ""))

	if _, err := p.handle(context.Background()); err == nil {
		t.Fatal("a 502 on the download was taken for done")
	}
	if p.inbox() != 1 || p.awaits() != "photo" {
		t.Fatalf("after a 502: %d in the inbox, awaiting %s", p.inbox(), p.awaits())
	}

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := p.handle(ctx); done <- err }()
	if !p.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool { return p.fake.Downloading() == 2 }) {
		t.Fatal("the download never started")
	}
	stop() // the server is stopped mid-download
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped mid-download: %v", err)
	}
	if hs, _ := p.store.Hashes(); p.inbox() != 1 || p.awaits() != "photo" || len(hs) != 0 {
		t.Fatalf("after the stop: %d in the inbox, awaiting %s, %d files", p.inbox(), p.awaits(), len(hs))
	}

	p.eng = p.engine(time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)) // started again
	out, err := p.handle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Đã nhận 1 ảnh") || p.inbox() != 0 {
		t.Fatalf("after the restart: %q, %d in the inbox", out, p.inbox())
	}
	if hs, _ := p.store.Hashes(); len(hs) != 1 {
		t.Fatalf("%d files kept", len(hs))
	}
}

// Below the warning level a photo is kept and the admins hear, once a day,
// that the disk is filling; below the floor a photo is refused with why.
func TestAdminsWarnedBeforeTheDiskFills(t *testing.T) {
	p := newTGPhotos(t)
	admin := store.User{ID: "u-admin", Name: "Quản trị", Role: store.RoleAdmin, AreaID: "bac-kan", Lang: "vi"}
	if _, err := p.db.Apply(context.Background(), store.Change{At: time.Now(), User: &admin,
		Identity: &store.Identity{Channel: telegram.Name, ChatID: "900", UserID: admin.ID}}); err != nil {
		t.Fatal(err)
	}
	toAdmin := func() int {
		n := 0
		for _, c := range p.fake.Delivered() {
			if c.Params["chat_id"] == "900" && strings.Contains(c.Params["text"], "sắp đầy") {
				n++
			}
		}
		return n
	}
	p.toPhotoQuestion()
	p.store.FreeSpace = func(string) (uint64, error) { return photos.WarnFree - 1<<20, nil }
	if out := p.send(p.fake.Photo(head, photostest.JPEG(64, 48, 1), "")); !strings.Contains(out, "Đã nhận 1 ảnh") || toAdmin() != 1 {
		t.Fatalf("first photo on a filling disk: %q, %d warnings", out, toAdmin())
	}
	p.send(p.fake.Photo(head, photostest.JPEG(64, 48, 2), ""))
	if toAdmin() != 1 {
		t.Fatalf("%d warnings the same day, want 1", toAdmin())
	}
	p.say("1") // no place
	p.say("1") // submitted
	p.toPhotoQuestion()
	p.store.FreeSpace = func(string) (uint64, error) { return photos.MinFree - 1, nil }
	if out := p.send(p.fake.Photo(head, photostest.JPEG(64, 48, 3), "")); !strings.Contains(out, "hết chỗ lưu ảnh") || p.awaits() != "photo" {
		t.Fatalf("photo on a full disk: %q", out)
	}
}

// A photo that came by Telegram keeps, beside it, the file_id of the size
// that was downloaded; an image sent as a file keeps none (its file keeps
// the metadata the store drops). An attachment with the id goes by it,
// with no upload; one whose id Telegram refuses is uploaded; one refused
// for the chat (the bot blocked) is not uploaded in vain.
func TestPhotoGoesBackByItsFileID(t *testing.T) {
	p := newTGPhotos(t)
	p.toPhotoQuestion()
	p.send(p.fake.Photo(head, photostest.JPEG(800, 600, 1), ""))
	p.send(p.fake.Document(head, "IMG_2041.JPG", "image/jpeg", photostest.JPEG(640, 480, 2), 0))
	conv, err := p.db.Conversation(context.Background(), telegram.Name, "501")
	if err != nil || conv.Run == nil {
		t.Fatalf("no run: %v", err)
	}
	hashes, fetched := flows.ImageHashes(conv.Run.Answers["photo"]), p.fake.Calls("getFile")
	if len(hashes) != 2 || len(fetched) != 2 {
		t.Fatalf("%d photos, %d fetched", len(hashes), len(fetched))
	}
	ref := p.store.Ref(hashes[0], telegram.Name)
	if ref == "" || ref != fetched[0].Params["file_id"] {
		t.Fatalf("the photo's id %q, fetched %q", ref, fetched[0].Params["file_id"])
	}
	if got := p.store.Ref(hashes[1], telegram.Name); got != "" {
		t.Fatalf("an image sent as a file kept its id %q", got)
	}

	data, err := os.ReadFile(p.store.Path(hashes[0]))
	if err != nil {
		t.Fatal(err)
	}
	out := delivery.Outbound{ChatID: "601", Text: "Ảnh 1/1 của phiếu số 1",
		Attachment: &store.Attachment{Name: "anh-phieu-1-1.jpg", Image: true, Data: data, Ref: ref}}
	sent := func() []telegramtest.Call {
		var got []telegramtest.Call
		for _, c := range p.fake.Calls("sendPhoto") {
			if c.Params["chat_id"] == "601" {
				got = append(got, c)
			}
		}
		return got
	}
	if _, err := p.tg.Send(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if got := sent(); len(got) != 1 || got[0].Upload || got[0].Params["photo"] != ref || got[0].Params["caption"] != out.Text {
		t.Fatalf("by its id: %+v", got)
	}

	out.Attachment.Ref = "AgACAgIAAxkBAAI-unknown"
	id, err := p.tg.Send(context.Background(), out)
	if got := sent(); err != nil || id == "" || len(got) != 3 || got[1].Status != http.StatusBadRequest || got[1].Upload ||
		!got[2].Upload || got[2].Status != http.StatusOK || got[2].Params["photo"] != "anh-phieu-1-1.jpg ("+strconv.Itoa(len(data))+" bytes)" {
		t.Fatalf("a refused id, then the upload: %q %v %+v", id, err, got)
	}

	out.Attachment.Ref = ref
	p.fake.Script("sendPhoto", telegramtest.Blocked())
	if _, err := p.tg.Send(context.Background(), out); !errors.Is(err, delivery.ErrUnreachable) || len(sent()) != 4 {
		t.Fatalf("blocked: %v, %d calls", err, len(sent()))
	}
}
