package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/platformtest"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

// The receiver handles each chat's updates in the order they came, chats
// side by side, including updates accepted before it ran.
func TestReceiverKeepsEachChatsOrder(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	eng := bot.New(bot.Config{Store: db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return now }})
	for _, chat := range []string{"a", "b"} {
		u := store.User{ID: "u-" + chat, Name: "Head " + chat, Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
		if _, err := db.Apply(ctx, store.Change{At: now, User: &u, Identity: &store.Identity{Channel: "test", ChatID: chat, UserID: u.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	r := &delivery.Receiver{Engine: eng, Store: db, Workers: 4}
	// Accepted while nothing runs: kept in the inbox.
	for i, text := range []string{"/help", "1", "/cancel"} {
		for _, chat := range []string{"a", "b"} {
			in := bot.Inbound{Channel: "test", ChatID: chat, MessageID: fmt.Sprint(chat, i), Text: text, At: now}
			if err := r.Accept(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r.Accepted() != 6 {
		t.Fatalf("accepted %d", r.Accepted())
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(run) }()
	if !platformtest.WaitFor(10*time.Second, func() bool { inbox, _, err := db.Queues(ctx); return err == nil && inbox == 0 }) {
		t.Fatal("the inbox was not emptied")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Outbox(ctx, "test", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, chat := range []string{"a", "b"} {
		var texts []string
		for _, m := range msgs {
			if m.ChatID == chat {
				texts = append(texts, m.Text)
			}
		}
		// /help, then the form started by "1" (its household picker), then
		// /cancel asking before throwing it away: in this order only.
		if len(texts) != 3 || !strings.Contains(texts[0], "/back") || !strings.Contains(texts[1], "Chọn hộ") || !strings.Contains(texts[2], "Hủy phiếu") {
			t.Fatalf("chat %s got, in order: %q", chat, texts)
		}
	}
}

// flaky fails a chat's first updates, as a full disk would, and records
// the order in which updates finally went through.
type flaky struct {
	mu       sync.Mutex
	failures map[string]int // update id → failures left
	handled  []string
	setAside []string
}

func (f *flaky) Handle(_ context.Context, in bot.Inbound) (bot.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures[in.MessageID] > 0 {
		f.failures[in.MessageID]--
		return bot.Result{}, errors.New("disk full")
	}
	f.handled = append(f.handled, in.MessageID)
	return bot.Result{}, nil
}

func (f *flaky) SetAside(_ context.Context, in bot.Inbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setAside = append(f.setAside, in.MessageID)
	return nil
}

// A failing update is retried before the chat's later ones; one that keeps
// failing is set aside, and the chat goes on.
func TestReceiverRetriesInOrderThenSetsAside(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	h := &flaky{failures: map[string]int{"a1": 2, "b1": 100}}
	r := &delivery.Receiver{Engine: h, Store: db, Workers: 2, Attempts: 4, Backoff: func(int) time.Duration { return time.Millisecond }}
	for _, id := range []string{"a1", "a2", "b1", "b2"} {
		if err := r.Accept(ctx, bot.Inbound{Channel: "test", ChatID: id[:1], MessageID: id}); err != nil {
			t.Fatal(err)
		}
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(run) }()
	if !platformtest.WaitFor(10*time.Second, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.handled)+len(h.setAside) == 4
	}) {
		t.Fatalf("handled %v, set aside %v", h.handled, h.setAside)
	}
	stop()
	<-done
	order := map[string][]string{}
	for _, id := range h.handled {
		order[id[:1]] = append(order[id[:1]], id)
	}
	if fmt.Sprint(order["a"]) != "[a1 a2]" || fmt.Sprint(order["b"]) != "[b2]" || fmt.Sprint(h.setAside) != "[b1]" {
		t.Fatalf("handled %v, set aside %v", order, h.setAside)
	}
}
