package telegram

import (
	"context"
	"errors"
	"testing"

	"sothon/bot/delivery"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
)

// An answer to sendMessage that says ok but carries no message is an
// error to try again, as it was with the library (messageID of a missing
// or null result), not a message with id 0 whose keyboard can never be
// closed.
func TestSentWithoutAMessage(t *testing.T) {
	fake := telegramtest.New(token)
	defer fake.Close()
	a, err := New(Config{Token: token, APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{`{"ok":true}`, `{"ok":true,"result":null}`}
	var replies []telegramtest.Reply
	for _, b := range bodies {
		replies = append(replies, telegramtest.Reply{Status: 200, Body: b})
	}
	fake.Script("sendMessage", replies...)
	q := delivery.Outbound{ChatID: "9", Text: "Chọn hộ", Question: "pick", Options: []flows.Option{{Key: "1", Label: "Hộ A"}}}
	for _, b := range bodies {
		id, err := a.Send(context.Background(), q)
		var temporary *delivery.TemporaryError
		if !errors.As(err, &temporary) {
			t.Errorf("%s: id %q, %T %v; want a temporary error", b, id, err, err)
		}
	}
}

// getUpdates answered ok without a result is an error (backed off), as
// it was with the library, not an empty batch polled again at once.
func TestUpdatesWithoutAResult(t *testing.T) {
	fake := telegramtest.New(token)
	defer fake.Close()
	a, err := New(Config{Token: token, APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	fake.Script("getUpdates", telegramtest.Reply{Status: 200, Body: `{"ok":true}`})
	if updates, err := a.updates(a.api, 0); err == nil {
		t.Errorf("%d updates, no error", len(updates))
	}
}
