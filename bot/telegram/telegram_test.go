package telegram

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/delivery"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
)

const token = "42:secret-TOKEN"

// onFake is an adapter on a fake Bot API of its own, closed with the test.
func onFake(t testing.TB) (*telegramtest.Server, *Adapter) {
	t.Helper()
	fake := telegramtest.New(token)
	t.Cleanup(fake.Close)
	a, err := New(Config{Token: token, APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	return fake, a
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"429", &tgbotapi.Error{Code: 429, Message: "Too Many Requests", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}},
			func(e error) bool { var r *delivery.RetryAfterError; return errors.As(e, &r) && r.After.Seconds() == 7 }},
		{"403", &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, func(e error) bool { return errors.Is(e, delivery.ErrUnreachable) }},
		{"chat not found", &tgbotapi.Error{Code: 400, Message: "Bad Request: chat not found"}, func(e error) bool { return errors.Is(e, delivery.ErrUnreachable) }},
		{"400", &tgbotapi.Error{Code: 400, Message: "Bad Request: message text is empty"}, func(e error) bool { var p *delivery.PermanentError; return errors.As(e, &p) }},
		{"502", &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}, func(e error) bool { var p *delivery.TemporaryError; return errors.As(e, &p) }},
		{"network", errors.New(`Post "https://api.telegram.org/bot` + token + `/sendMessage": connection refused`),
			func(e error) bool {
				var p *delivery.TemporaryError
				return errors.As(e, &p) && !strings.Contains(e.Error(), token)
			}},
	}
	for _, tt := range tests {
		if got := classify(tt.err, token); !tt.check(got) {
			t.Errorf("%s: classified as %T %v", tt.name, got, got)
		}
	}
}

func TestKeyboardLayout(t *testing.T) {
	yesNo := keyboard(delivery.Outbound{Question: "job", Options: []flows.Option{{Key: "1", Label: "Có"}, {Key: "2", Label: "Không"}}})
	if len(yesNo.InlineKeyboard) != 1 || len(yesNo.InlineKeyboard[0]) != 2 || *yesNo.InlineKeyboard[0][1].CallbackData != "a|job|2" {
		t.Fatalf("yes/no: %+v", yesNo.InlineKeyboard)
	}
	multi := keyboard(delivery.Outbound{Question: "needs", Multi: true, DoneLabel: "Xong", Selected: []string{"2"},
		Options: []flows.Option{{Key: "1", Label: "Vay vốn ưu đãi"}, {Key: "2", Label: "Hỗ trợ giống, vật tư sản xuất"}}})
	rows := multi.InlineKeyboard
	if len(rows) != 3 || !strings.HasPrefix(rows[1][0].Text, "✅ 2.") || *rows[0][0].CallbackData != "t|needs|1" || *rows[2][0].CallbackData != "d|needs|" || !strings.Contains(rows[2][0].Text, "Xong") {
		t.Fatalf("multi: %+v", rows)
	}
}

func TestLongTextIsSplitWithKeyboardLast(t *testing.T) {
	fake, a := onFake(t)
	text := strings.Repeat("Dòng tóm tắt khá dài của phiếu.\n", 200) // about 6,400 characters
	id, err := a.Send(context.Background(), delivery.Outbound{ChatID: "9", Text: text, Question: "summary",
		Options: []flows.Option{{Key: "1", Label: "Gửi"}}})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.Calls("sendMessage")
	if len(sent) != 2 {
		t.Fatalf("%d messages, want 2", len(sent))
	}
	for _, c := range sent {
		if n := len([]rune(c.Params["text"])); n > MaxText {
			t.Fatalf("a message of %d characters", n)
		}
	}
	if labels, _ := sent[0].Keyboard(); len(labels) != 0 {
		t.Fatal("keyboard on the first part")
	}
	if labels, _ := sent[1].Keyboard(); len(labels) != 1 || id == "" {
		t.Fatalf("last part keyboard %v, id %q", labels, id)
	}
}

// A message marked NoPreview goes out, every part of it, with link
// previews off; any other, with the Bot API's default.
func TestNoPreviewTurnsLinkPreviewsOff(t *testing.T) {
	fake, a := onFake(t)
	link := "https://sothon.example/login/0123"
	for _, out := range []delivery.Outbound{
		{ChatID: "9", Text: "Mở đường dẫn này: " + link, NoPreview: true},
		{ChatID: "9", Text: strings.Repeat("x", MaxText) + link, NoPreview: true},
		{ChatID: "9", Text: "Trang hướng dẫn: https://sothon.example/"},
	} {
		if _, err := a.Send(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"true", "true", "true", ""}
	sent := fake.Calls("sendMessage")
	if len(sent) != len(want) {
		t.Fatalf("%d messages, want %d", len(sent), len(want))
	}
	for i, c := range sent {
		if got := c.Params["disable_web_page_preview"]; got != want[i] {
			t.Errorf("message %d: disable_web_page_preview %q, want %q", i, got, want[i])
		}
	}
}

func TestInboundMapping(t *testing.T) {
	private := &tgbotapi.Chat{ID: 5, Type: "private"}
	in, ok := inbound(tgbotapi.Update{UpdateID: 9, Message: &tgbotapi.Message{Chat: private, Text: "2",
		From: &tgbotapi.User{FirstName: "Lục", LastName: "Mai", LanguageCode: "en-US"}}})
	if !ok || in.ChatID != "5" || in.MessageID != "9" || in.Text != "2" || in.Name != "Lục Mai" || in.Lang != "en" {
		t.Fatalf("text message: %+v", in)
	}
	in, ok = inbound(tgbotapi.Update{UpdateID: 10, Message: &tgbotapi.Message{Chat: private, Sticker: &tgbotapi.Sticker{}}})
	if !ok || !in.NotText {
		t.Fatalf("sticker: %+v", in)
	}
	if _, ok := inbound(tgbotapi.Update{UpdateID: 11, Message: &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: -100, Type: "group"}, Text: "hi"}}); ok {
		t.Fatal("group message accepted")
	}
	in, ok = inbound(tgbotapi.Update{UpdateID: 12, CallbackQuery: &tgbotapi.CallbackQuery{ID: "cb1", Data: "a|job|1",
		Message: &tgbotapi.Message{MessageID: 77, Chat: private}}})
	if !ok || in.Button != "a|job|1" || in.CallbackID != "cb1" {
		t.Fatalf("button: %+v", in)
	}
	if _, ok := inbound(tgbotapi.Update{UpdateID: 13, CallbackQuery: &tgbotapi.CallbackQuery{ID: "cb2", Data: "a|job|1",
		Message: &tgbotapi.Message{MessageID: 78, Chat: &tgbotapi.Chat{ID: -100, Type: "group"}}}}); ok {
		t.Fatal("a button press in a group accepted")
	}
}

// Each kind of message gets its keyboard, and an id back only when it
// has buttons of its own to close later.
func TestKeyboardByKindOfMessage(t *testing.T) {
	fake, a := onFake(t)
	yesNo := []flows.Option{{Key: "1", Label: "Có"}, {Key: "2", Label: "Không"}}
	tests := []struct {
		name   string
		out    delivery.Outbound
		chat   []string // the chat keyboard's labels
		inline int      // buttons on the message
		remove bool
		id     bool
	}{
		{"plain answers", delivery.Outbound{Question: "job", Options: yesNo, Typed: true}, []string{"Có", "Không"}, 0, false, false},
		{"answers not plain", delivery.Outbound{Question: "job", Options: yesNo}, nil, 2, false, true},
		{"multi-choice", delivery.Outbound{Question: "needs", Options: yesNo, Multi: true, Typed: true, DoneLabel: "Xong"}, nil, 3, false, true},
		{"place", delivery.Outbound{Question: "place", PlaceLabel: "📍 Gửi vị trí", Options: []flows.Option{{Key: "1", Label: "Bỏ qua"}}, Typed: true}, []string{"Bỏ qua"}, 0, false, false},
		{"typed question", delivery.Outbound{Question: "members"}, nil, 0, true, false},
		{"notice", delivery.Outbound{}, nil, 0, false, false},
	}
	for i, tt := range tests {
		tt.out.ChatID, tt.out.Text = "9", tt.name
		id, err := a.Send(context.Background(), tt.out)
		if err != nil {
			t.Fatal(err)
		}
		sent := fake.Calls("sendMessage")[i]
		chat, oneTime := sent.ChatKeyboard()
		inline, _ := sent.Keyboard()
		if !slices.Equal(chat, tt.chat) || (len(chat) > 0 && !oneTime) || len(inline) != tt.inline || sent.RemovesKeyboard() != tt.remove || (id != "") != tt.id {
			t.Errorf("%s: chat keyboard %v (one-time %v), %d inline buttons, removes %v, id %q", tt.name, chat, oneTime, len(inline), sent.RemovesKeyboard(), id)
		}
	}
}
