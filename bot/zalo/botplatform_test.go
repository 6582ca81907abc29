package zalo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/zalo/zalotest"
)

const token = "1234:zalo-TOKEN-abc"

func post(h http.Handler, body, header, value string) int {
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	if value != "" {
		req.Header.Set(header, value)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestBotLongTextIsSplit(t *testing.T) {
	fake := zalotest.NewBot(token)
	defer fake.Close()
	b, err := NewBot(BotConfig{Token: token, APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("Một dòng của bản tóm tắt phiếu rà soát.\n", 120) // about 4,800 characters
	if _, err := b.Send(context.Background(), delivery.Outbound{ChatID: "c1", Text: text}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent("c1")
	if len(sent) != 3 {
		t.Fatalf("%d parts, want 3", len(sent))
	}
	for _, p := range sent {
		if n := len([]rune(p)); n > MaxText || strings.HasPrefix(p, "\n") {
			t.Fatalf("part of %d characters starting %q", n, p[:5])
		}
	}
}

func TestBotErrorsAndPolling(t *testing.T) {
	fake := zalotest.NewBot(token)
	defer fake.Close()
	b, _ := NewBot(BotConfig{Token: token, APIBase: fake.URL, PollTimeout: time.Second})
	fake.Script("sendMessage", `{"ok":false,"error_code":403,"description":"Forbidden"}`, `<html>502</html>`)
	if _, err := b.Send(context.Background(), delivery.Outbound{ChatID: "c", Text: "x"}); !errors.Is(err, delivery.ErrUnreachable) {
		t.Fatalf("403: %v", err)
	}
	var tmp *delivery.TemporaryError
	if _, err := b.Send(context.Background(), delivery.Outbound{ChatID: "c", Text: "x"}); !errors.As(err, &tmp) || strings.Contains(err.Error(), token) {
		t.Fatalf("malformed: %v", err)
	}
	// Polling: one event per call; 408 means nothing new.
	fake.Say("c9", "xin chào")
	_, img := fake.Event("c9", "message.image.received", "")
	fake.Push(img)
	ctx, cancel := context.WithCancel(context.Background())
	var got []bot.Inbound
	done := make(chan struct{})
	go func() {
		b.Poll(ctx, func(_ context.Context, ins ...bot.Inbound) error {
			got = append(got, ins...)
			if len(got) == 2 {
				cancel()
			}
			return nil
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("polling did not deliver two events")
	}
	if got[0].Text != "xin chào" || got[0].ChatID != "c9" || !got[1].NotText {
		t.Fatalf("events: %+v", got)
	}
}

func TestBotWebhookSecret(t *testing.T) {
	b, err := NewBot(BotConfig{Token: token, WebhookURL: "https://x.example/webhook/zalo-bot", WebhookSecret: "secret-123"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewBot(BotConfig{Token: token, WebhookURL: "https://x", WebhookSecret: "short"}); err == nil {
		t.Fatal("a 5-character secret accepted")
	}
	var got []bot.Inbound
	h := b.Webhook(func(_ context.Context, ins ...bot.Inbound) error { got = append(got, ins...); return nil })
	fake := zalotest.NewBot(token)
	defer fake.Close()
	_, ev := fake.Event("c1", "message.text.received", "1")
	for _, tc := range []struct {
		secret, body string
		want         int
	}{
		{"", ev, 401}, {"wrong-secret", ev, 401}, {"secret-123", "{nope", 400},
		{"secret-123", ev, 200}, {"secret-123", `{"ok":true,"result":` + ev + `}`, 200},
	} {
		if code := post(h, tc.body, "X-Bot-Api-Secret-Token", tc.secret); code != tc.want {
			t.Errorf("secret %q body %.10q: %d, want %d", tc.secret, tc.body, code, tc.want)
		}
	}
	if len(got) != 2 || got[0].MessageID != got[1].MessageID {
		t.Fatalf("accepted: %+v", got)
	}
}
