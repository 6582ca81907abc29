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

// recording handles every update at once and notes the order, with the
// updates that came marked as past their chat's bound.
type recording struct {
	mu       sync.Mutex
	handled  []string
	overflow []string
}

func (h *recording) Handle(_ context.Context, in bot.Inbound) (bot.Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handled = append(h.handled, in.MessageID)
	if in.Overflow {
		h.overflow = append(h.overflow, in.MessageID)
	}
	return bot.Result{}, nil
}

func (h *recording) SetAside(context.Context, bot.Inbound) error { return nil }

func (h *recording) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.handled)
}

// registerChats makes each chat a registered user's on the test channel.
func registerChats(t *testing.T, db *store.DB, chats ...string) {
	t.Helper()
	for _, chat := range chats {
		u := store.User{ID: "u-" + chat, Name: "Head " + chat, Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
		if _, err := db.Apply(context.Background(), store.Change{User: &u, Identity: &store.Identity{Channel: "test", ChatID: chat, UserID: u.ID}}); err != nil {
			t.Fatal(err)
		}
	}
}

// runReceiver runs r until the test ends.
func runReceiver(t *testing.T, r *delivery.Receiver) {
	run, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(run) }()
	t.Cleanup(func() { stop(); <-done })
}

func accept(t *testing.T, r *delivery.Receiver, chat string, ids ...string) {
	t.Helper()
	ins := make([]bot.Inbound, len(ids))
	for i, id := range ids {
		ins[i] = bot.Inbound{Channel: "test", ChatID: chat, MessageID: id, Text: "1"}
	}
	if err := r.Accept(context.Background(), ins...); err != nil {
		t.Fatal(err)
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(prefix, i+1)
	}
	return out
}

// One chat's burst holds nobody up: another registered chat is served
// between its updates, strangers after both, and the burst past the chat's
// bound is answered once and dropped.
func TestReceiverServesOthersFirst(t *testing.T) {
	db := storetest.Open(t)
	registerChats(t, db, "flood", "head")
	h := &recording{}
	r := &delivery.Receiver{Engine: h, Store: db, Workers: 1}
	accept(t, r, "stranger1", "s1")
	accept(t, r, "flood", ids("f", 50)...)
	accept(t, r, "stranger2", "s2")
	accept(t, r, "head", "h1", "h2")
	runReceiver(t, r)
	if !platformtest.WaitFor(10*time.Second, func() bool { return h.count() == 25 }) {
		t.Fatalf("handled %v", h.handled)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// The flood's first 20 and its 21st, marked; then the rest is dropped.
	want := "[f1 h1 f2 h2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19 f20 f21 s1 s2]"
	if fmt.Sprint(h.handled) != want || fmt.Sprint(h.overflow) != "[f21]" {
		t.Fatalf("handled %v (past the bound %v); want %s", h.handled, h.overflow, want)
	}
	if r.Accepted() != 25 || r.Dropped() != 29 {
		t.Fatalf("accepted %d, dropped %d; want 25 and 29", r.Accepted(), r.Dropped())
	}
}

// The burst lasts until the chat's backlog is cleared, replies waiting in
// the outbox included; then the chat is served again, and asked to slow
// down at most once a minute.
func TestReceiverDropsTheRestOfTheBurst(t *testing.T) {
	db := storetest.Open(t)
	registerChats(t, db, "a")
	h := &recording{}
	var mu sync.Mutex
	replies := 0
	r := &delivery.Receiver{Engine: h, Store: db, Workers: 2, Limits: delivery.Backlog{PerChat: 3, PerChatOutbox: 2},
		Outbox: func(string, string) int { mu.Lock(); defer mu.Unlock(); return replies }}
	accept(t, r, "a", "a1", "a2", "a3", "a4", "a5")
	runReceiver(t, r)
	if !platformtest.WaitFor(10*time.Second, func() bool { return h.count() == 4 }) {
		t.Fatalf("handled %v", h.handled)
	}
	mu.Lock()
	replies = 4 // the answers and the request to slow down, not yet sent
	mu.Unlock()
	accept(t, r, "a", "a6")
	if r.Dropped() != 2 {
		t.Fatalf("dropped %d while the replies wait; want 2", r.Dropped())
	}
	mu.Lock()
	replies = 0
	mu.Unlock()
	accept(t, r, "a", "a7", "a8", "a9", "a10")
	if !platformtest.WaitFor(10*time.Second, func() bool { return h.count() == 7 }) {
		t.Fatalf("handled %v", h.handled)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if fmt.Sprint(h.handled) != "[a1 a2 a3 a4 a7 a8 a9]" || fmt.Sprint(h.overflow) != "[a4]" || r.Dropped() != 3 {
		t.Fatalf("handled %v, past the bound %v, dropped %d", h.handled, h.overflow, r.Dropped())
	}
}

// Strangers' updates past their bound are dropped; a registered user's
// are not.
func TestReceiverBoundsStrangers(t *testing.T) {
	db := storetest.Open(t)
	registerChats(t, db, "head")
	h := &recording{}
	r := &delivery.Receiver{Engine: h, Store: db, Workers: 1, Limits: delivery.Backlog{Strangers: 3}}
	for i := range 5 {
		accept(t, r, fmt.Sprint("s", i), fmt.Sprint("s", i))
	}
	accept(t, r, "head", "h1")
	if r.Accepted() != 4 || r.Dropped() != 2 {
		t.Fatalf("accepted %d, dropped %d; want 4 and 2", r.Accepted(), r.Dropped())
	}
	runReceiver(t, r)
	if !platformtest.WaitFor(10*time.Second, func() bool { return h.count() == 4 }) {
		t.Fatalf("handled %v", h.handled)
	}
	if h.handled[0] != "h1" {
		t.Fatalf("handled %v; want the head first", h.handled)
	}
}

// gated holds every update until the gate opens.
type gated struct {
	recording
	entered chan struct{}
	gate    chan struct{}
}

func (g *gated) Handle(ctx context.Context, in bot.Inbound) (bot.Result, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.gate
	return g.recording.Handle(ctx, in)
}

// Updates left in the inbox by a crash are all handled at the next start,
// however many, and count in their chat's backlog.
func TestReceiverKeepsWhatAnEarlierRunAccepted(t *testing.T) {
	db := storetest.Open(t)
	registerChats(t, db, "a")
	before := &delivery.Receiver{Engine: &recording{}, Store: db}
	accept(t, before, "a", ids("a", 20)...)
	// A new process: the inbox holds 20 of the chat's updates.
	h := &gated{entered: make(chan struct{}, 1), gate: make(chan struct{})}
	r := &delivery.Receiver{Engine: h, Store: db, Workers: 1}
	runReceiver(t, r)
	<-h.entered
	accept(t, r, "a", "late", "later")
	close(h.gate)
	if !platformtest.WaitFor(10*time.Second, func() bool { return h.count() == 21 }) {
		t.Fatalf("handled %v", h.handled)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.handled[0] != "a1" || h.handled[19] != "a20" || fmt.Sprint(h.overflow) != "[late]" || r.Dropped() != 1 {
		t.Fatalf("handled %v, past the bound %v, dropped %d", h.handled, h.overflow, r.Dropped())
	}
}
