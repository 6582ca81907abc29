package zalo

import (
	"context"
	"net/http"
	"testing"

	"sothon/bot"
)

// Webhook bodies come from the internet: any body must get a clear status,
// never a crash, and only a well-formed event may be accepted.
func FuzzWebhooks(f *testing.F) {
	f.Add([]byte(`{"event_name":"message.text.received","message":{"message_id":"m1","chat":{"id":"c","chat_type":"PRIVATE"},"from":{"id":"c"},"text":"1"}}`))
	f.Add([]byte(`{"ok":true,"result":{"event_name":"message.sticker.received","message":{"message_id":"m2","chat":{"id":"c"}}}}`))
	f.Add([]byte(`{"app_id":"a","event_name":"user_send_text","timestamp":"1","sender":{"id":"123456789012345678901"},"message":{"text":"x","msg_id":"9"}}`))
	f.Add([]byte(`[]`))
	zb, _ := NewBot(BotConfig{Token: "1:x", WebhookURL: "https://x", WebhookSecret: "secret-123"})
	oa, _ := NewOA(OAConfig{AppID: "a", OASecret: "s", AppSecret: "s", Tokens: &memTokens{}})
	f.Fuzz(func(t *testing.T, body []byte) {
		var got []bot.Inbound
		accept := func(_ context.Context, ins ...bot.Inbound) error { got = append(got, ins...); return nil }
		code := post(zb.Webhook(accept), string(body), "X-Bot-Api-Secret-Token", "secret-123")
		if code != http.StatusOK && code != http.StatusBadRequest {
			t.Fatalf("bot webhook answered %d", code)
		}
		var ev oaEvent
		sig := Signature("a", body, ev.Timestamp, "s")
		code = post(oa.Webhook(accept), string(body), "X-ZEvent-Signature", sig)
		if code != http.StatusOK && code != http.StatusBadRequest && code != http.StatusUnauthorized {
			t.Fatalf("oa webhook answered %d", code)
		}
		for _, in := range got {
			if in.ChatID == "" || in.MessageID == "" || (in.Text == "" && !in.NotText) && in.Channel == OAName {
				t.Fatalf("accepted an incomplete event: %+v", in)
			}
		}
	})
}
