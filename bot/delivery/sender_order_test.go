package delivery

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/store"
	"sothon/store/storetest"
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

// gated is a channel whose sends wait until the test lets each go.
type gated struct {
	mu             sync.Mutex
	inFlight, peak int
	sent           []string
	release        chan struct{}
}

func (g *gated) Name() string { return "test" }

func (g *gated) Send(_ context.Context, out Outbound) (string, error) {
	g.mu.Lock()
	g.inFlight++
	g.peak = max(g.peak, g.inFlight)
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	g.sent = append(g.sent, out.Text)
	return "m", nil
}

func (g *gated) state() (inFlight, peak, sent int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight, g.peak, len(g.sent)
}

// Workers bounds the requests in flight, however many chats wait; each
// chat's messages still go one at a time, in order.
func TestSenderKeepsToItsWorkers(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	g := &gated{release: make(chan struct{})}
	s := &Sender{Store: storetest.Open(t), Channel: g, Limits: Limits{PerSecond: 1000, PerChat: 1000, ChatBurst: 10, Workers: 2}}
	var msgs []store.Message
	for i, chat := range []string{"a", "b", "c", "a", "d", "e", "a"} {
		msgs = append(msgs, store.Message{Channel: "test", ChatID: chat, Text: fmt.Sprint(chat, i)})
	}
	queued, err := s.Store.Queue(ctx, time.Now(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Enqueue(queued)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for left := len(msgs); left > 0; left-- {
		if !platformtest.WaitFor(10*time.Second, func() bool { n, _, _ := g.state(); return n == min(2, left) }) {
			n, _, sent := g.state()
			t.Fatalf("%d sends in flight with %d messages left (%d sent)", n, left, sent)
		}
		g.release <- struct{}{}
	}
	if !platformtest.WaitFor(10*time.Second, func() bool { out, err := s.Store.Outbox(ctx, "test", 10); return err == nil && len(out) == 0 }) {
		t.Fatal("the outbox was not emptied")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, peak, _ := g.state()
	var ofA []string
	for _, text := range g.sent {
		if text[0] == 'a' {
			ofA = append(ofA, text)
		}
	}
	if peak != 2 || fmt.Sprint(ofA) != "[a0 a3 a6]" {
		t.Fatalf("peak %d sends at once (want 2); chat a got %v", peak, ofA)
	}
}
