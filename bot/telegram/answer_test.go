package telegram

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
)

// An answer to sendMessage that says ok but carries no message is an
// error to try again, as it was with the library (messageID of a missing
// or null result), not a message with id 0 whose keyboard can never be
// closed.
func TestSentWithoutAMessage(t *testing.T) {
	fake, a := onFake(t)
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
	fake, a := onFake(t)
	fake.Script("getUpdates", telegramtest.Reply{Status: 200, Body: `{"ok":true}`})
	if updates, err := a.updates(a.api, 0); err == nil {
		t.Errorf("%d updates, no error", len(updates))
	}
}

// A stop ends a long poll at once, not when its wait is up: the request
// in flight is tied to the poll's context.
func TestStopEndsALongPoll(t *testing.T) {
	started := make(chan struct{}, 1)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that the server sees the client go
		started <- struct{}{}
		<-r.Context().Done() // a Bot API that holds the poll for its whole wait
	}))
	defer server.Close()
	a, err := New(Config{Token: token, APIBase: server.URL, PollTimeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Poll(ctx, func(context.Context, ...bot.Inbound) error { return nil }) }()
	<-started
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a guard: the poll itself would wait ten
		server.CloseClientConnections()
		t.Fatal("the poll outlived its stop")
	}
}
