package delivery

import (
	"context"
	"fmt"
	"testing"

	"sothon/store"
)

// Ready chats are served in the order of their oldest message, by
// whichever worker is free, each chat's messages in order: a chat never
// loses its turn to chats whose messages came later.
func TestSenderServesChatsInMessageOrder(t *testing.T) {
	r := newSenderRig(t, fast)
	var msgs []store.Message
	for _, chat := range []string{"e", "a", "d", "a", "b", "e", "c", "b"} {
		msgs = append(msgs, store.Message{Channel: "test", ChatID: chat, Text: chat + fmt.Sprint(len(msgs))})
	}
	queued, err := r.s.Store.Queue(context.Background(), r.clock.now(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.s.Enqueue(queued)
	for range msgs {
		if handed, _ := r.step(); !handed {
			t.Fatalf("a due message waited; sent %v", r.ch.sent)
		}
	}
	if got := fmt.Sprint(r.ch.sent); got != "[e0 a1 d2 a3 b4 e5 c6 b7]" {
		t.Fatalf("sent in the order %s", got)
	}
	if len(r.outbox()) != 0 {
		t.Fatal("the outbox is not empty")
	}
}
