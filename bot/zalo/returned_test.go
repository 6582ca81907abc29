package zalo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/officials"
	"sothon/bot/zalo"
	"sothon/bot/zalo/zalotest"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

// zaloChat plays people writing to the engine over the Zalo Bot Platform:
// their events go through the bot's webhook, the replies through the fake.
type zaloChat struct {
	t      *testing.T
	fake   *zalotest.Bot
	hook   http.Handler
	sender *delivery.Sender
}

const (
	botToken   = "5678:zalo-TOKEN-returned"
	hookSecret = "returned-forms-secret"
)

func newZaloChat(t *testing.T) (*zaloChat, *store.DB) {
	t.Helper()
	db := storetest.Open(t)
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	clock := func() time.Time { return now }
	cat := locales.MustLoad()
	offices := &officials.Commands{Store: db, Forms: forms, Catalog: cat}
	eng := bot.New(bot.Config{Store: db, Forms: forms, Catalog: cat, Now: clock, Commands: offices.List()})
	fake := zalotest.NewBot(botToken)
	t.Cleanup(fake.Close)
	zb, err := zalo.NewBot(zalo.BotConfig{Token: botToken, APIBase: fake.URL, WebhookURL: "https://x.example/webhook/zalo-bot", WebhookSecret: hookSecret})
	if err != nil {
		t.Fatal(err)
	}
	hook := zb.Webhook(func(ctx context.Context, ins ...bot.Inbound) error {
		for _, in := range ins {
			in.At = clock() // the office's day, not the machine's: no quiet hours
			if _, err := eng.Handle(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
	for chat, u := range map[string]store.User{
		"zh": {ID: "u-zh", Name: "Hoàng Văn Thắng", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"},
		"zo": {ID: "u-zo", Name: "Cán bộ", Role: store.RoleOfficial, AreaID: "bac-kan/huyen-tung", Lang: "vi"},
	} {
		if _, err := db.Apply(context.Background(), store.Change{At: now, User: &u, Identity: &store.Identity{Channel: zb.Name(), ChatID: chat, UserID: u.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	return &zaloChat{t: t, fake: fake, hook: hook, sender: &delivery.Sender{Store: db, Channel: zb, Now: clock}}, db
}

// say sends a text from a chat and returns everything sent to it since.
func (z *zaloChat) say(chat, text string) string {
	z.t.Helper()
	before := len(z.fake.Sent(chat))
	_, ev := z.fake.Event(chat, "message.text.received", text)
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(ev))
	req.Header.Set("X-Bot-Api-Secret-Token", hookSecret)
	rec := httptest.NewRecorder()
	z.hook.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		z.t.Fatalf("%q: webhook answered %d", text, rec.Code)
	}
	if err := z.sender.Flush(context.Background()); err != nil {
		z.t.Fatal(err)
	}
	return strings.Join(z.fake.Sent(chat)[before:], "\n---\n")
}

// A household of the demo village, from the menu's 1 to the summary.
var householdAnswers = []string{"1", "lương", "1", "5", "2", "2", "4tr5", "co", "khong", "có", "k", "k", "k", "-", "-", "45",
	"co", "co", "co", "co", "2,3", "co", "1", "-"}

// On Zalo, where choices are typed numbers, a returned form is offered
// before the menu under a number of its own: a word typed after the
// return's notice does not reopen the form, typing the menu's 1 starts
// what the menu says, and the form's own number reopens it, at the
// income question the official's typed reason names.
func TestReturnedFormOnZaloByNumbers(t *testing.T) {
	z, db := newZaloChat(t)
	for _, a := range householdAnswers {
		z.say("zh", a)
	}
	if m := z.say("zh", "1"); !strings.Contains(m, "Đã lưu phiếu") {
		t.Fatalf("the form was not sent: %q", m)
	}
	z.say("zo", "/review")
	z.say("zo", "2")
	if m := z.say("zo", "Thu nhập chưa khớp với nhà cửa, xem lại"); !strings.Contains(m, "Đã trả lại phiếu số 1") {
		t.Fatalf("the return: %q", m)
	}
	notice := z.fake.Sent("zh")[len(z.fake.Sent("zh"))-1]
	if !strings.Contains(notice, "Lý do: Thu nhập chưa khớp") || !strings.HasSuffix(notice, "\n1. Sửa phiếu") {
		t.Fatalf("the head's notice: %q", notice)
	}

	m := z.say("zh", "xin chào")
	block, menu := strings.Index(m, "\n4. Sửa phiếu số 1"), strings.Index(m, "\n1. Rà soát tình trạng hộ")
	if strings.Contains(m, "Mở lại") || block < 0 || menu < block || !strings.Contains(m, "Phiếu số 1 — hộ Lương Thị Lan. Lý do: Thu nhập chưa khớp") {
		t.Fatalf("a word after the notice: want the returned form before the menu, got %q", m)
	}
	if m := z.say("zh", "1"); strings.Contains(m, "Mở lại") || !strings.Contains(m, "Chọn hộ") {
		t.Fatalf("the menu's 1 did not start the household review: %q", m)
	}
	z.say("zh", "/cancel")
	if m := z.say("zh", "1"); !strings.Contains(m, "\n4. Sửa phiếu số 1") {
		t.Fatalf("the menu after cancelling: %q", m)
	}
	m = z.say("zh", "4")
	if !strings.Contains(m, "Mở lại phiếu số 1") || !strings.Contains(m, "Tổng thu nhập bình quân") || !strings.Contains(m, "(Câu trả lời trước: 4,5 triệu đồng)") {
		t.Fatalf("the form's own number: want it reopened at the income question, got %q", m)
	}
	if rv, err := db.ReviewOf(context.Background(), 1); err != nil || rv.Last().Focus == "" {
		t.Fatalf("the return's focus: %+v %v", rv, err)
	}
}
