package delivery_test

import (
	"context"
	"fmt"
	"strings"
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
