package telegram

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sothon/bot"
)

// A webhook body comes from the internet: whatever it holds, the answer is
// a clear status, never a crash, and only an update with an id and a
// private chat is taken in.
func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"update_id":5,"message":{"message_id":1,"date":1700000000,"chat":{"id":42,"type":"private"},"text":"1"}}`))
	f.Add([]byte(`{"update_id":6,"callback_query":{"id":"c","data":"a|q|1","message":{"message_id":2,"date":1,"chat":{"id":42,"type":"group"}}}}`))
	f.Add([]byte(`{"update_id":"x"}`))
	f.Add([]byte(`{"update_id":7,"message":{"chat":{"id":1,"type":"private"},"text":"\u0000"}}`))
	a, err := New(Config{Token: "1:x", WebhookURL: "https://x", WebhookSecret: "secret-123"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var got []bot.Inbound
		accept := func(_ context.Context, ins ...bot.Inbound) error { got = append(got, ins...); return nil }
		req := httptest.NewRequest(http.MethodPost, "/webhook/telegram", strings.NewReader(string(body)))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "secret-123")
		rec := httptest.NewRecorder()
		a.Webhook(accept).ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("answered %d", rec.Code)
		}
		for _, in := range got {
			if in.ChatID == "" || in.MessageID == "" || in.Channel != Name {
				t.Fatalf("took in an incomplete update: %+v", in)
			}
		}
	})
}
