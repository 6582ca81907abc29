package delivery

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sothon/bot"
	"sothon/store"
)

// Handler answers one inbound update: the engine. SetAside gives up on
// one that kept failing: it leaves the inbox with a polite word to its chat.
type Handler interface {
	Handle(ctx context.Context, in bot.Inbound) (bot.Result, error)
	SetAside(ctx context.Context, in bot.Inbound) error
}

// Receiver takes updates from the channel adapters, keeps them in the
// inbox so that nothing acknowledged to a platform is lost, and hands them
// to the engine: one chat's updates in order, chats in turn, registered
// users before strangers. What one chat may have waiting is bounded
// (Backlog), so a flood delays nobody else.
type Receiver struct {
	Engine  Handler
	Store   *store.DB
	Workers int
	// Answerers acknowledge button presses, by channel name.
	Answerers map[string]CallbackAnswerer
	Log       *slog.Logger
	// Drain bounds how long Run keeps handling updates in hand at shutdown.
	Drain time.Duration
	// Attempts is how often an update is tried before it is set aside, and
	// Backoff how long to wait before each new try; the chat's later
	// updates wait their turn meanwhile.
	Attempts int
	Backoff  func(attempt int) time.Duration
	// Outbox counts the replies waiting in the outbox for a chat; nil
	// counts none.
	Outbox func(channel, chatID string) int
	// Limits bound what waits; zero fields get DefaultBacklog's.
	Limits Backlog

	once     sync.Once
	accepted atomic.Uint64
	dropped  atomic.Uint64

	mu      sync.Mutex
	work    *sync.Cond // a chat became ready, or the receiver stops
	resumed bool       // the updates an earlier process left in the inbox are queued
	chats   map[chatKey]*chatQueue
	ready   [2]fifo // chats with an update to hand out: registered users', strangers'
	sweepAt int
	// strangers counts the updates of strangers accepted and not yet handled.
	strangers         int
	stopping, stopped bool
}

// Accepted counts the updates stored since the receiver started, for the
// health check: a platform's test compares it with what it handed out.
func (r *Receiver) Accepted() uint64 { return r.accepted.Load() }

// Dropped counts the updates acknowledged and dropped since the receiver
// started: the rest of a chat's burst, strangers past their bound.
func (r *Receiver) Dropped() uint64 { return r.dropped.Load() }

func (r *Receiver) init() {
	r.once.Do(func() {
		r.work = sync.NewCond(&r.mu)
		r.chats = map[chatKey]*chatQueue{}
		r.sweepAt = minSweep
		r.Workers = max(r.Workers, 1)
		if r.Log == nil {
			r.Log = slog.New(slog.DiscardHandler)
		}
		if r.Drain <= 0 {
			r.Drain = 5 * time.Second
		}
		if r.Attempts <= 0 {
			r.Attempts = 8
		}
		if r.Backoff == nil {
			r.Backoff = func(attempt int) time.Duration { return min(time.Second<<attempt, 30*time.Second) }
		}
		r.Limits = r.Limits.orDefaults()
	})
}

// resume, once, takes into the chats' queues the updates an earlier
// process accepted and did not finish; r.mu is held. Updates accepted
// from now on reach the queues from Accept, never read back.
func (r *Receiver) resume(ctx context.Context) error {
	if r.resumed {
		return nil
	}
	for last := uint64(0); ; {
		items, err := r.Store.Inbox(ctx, last, 256)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			break
		}
		for _, item := range items {
			c := r.chat(item.Channel, item.ChatID)
			c.count++
			if item.Stranger {
				r.strangers++
			}
			c.add(waiting{Incoming: item})
			r.push(c)
			last = item.ID
		}
	}
	r.resumed = true
	return nil
}

// Accept stores updates durably and wakes the workers. When it returns
// nil, the updates will be handled even if the process dies now — all but
// those it drops: what a chat sends past its bound (the first of which is
// answered with a request to slow down) and strangers' updates past
// theirs. Dropped updates are acknowledged all the same: sending them again
// would not help.
func (r *Receiver) Accept(ctx context.Context, ins ...bot.Inbound) error {
	r.init()
	refs := make([]store.ChatRef, len(ins))
	for i, in := range ins {
		refs[i] = store.ChatRef{Channel: in.Channel, ChatID: in.ChatID}
	}
	registered, err := r.Store.KnownChats(ctx, refs)
	if err != nil {
		return err
	}
	items, kept, taken, err := r.admit(ctx, ins, registered)
	if err != nil {
		return err
	}
	if len(items) > 0 {
		if err := r.Store.Receive(ctx, items); err != nil {
			r.release(taken, items)
			return err
		}
	}
	r.mu.Lock()
	for i, c := range taken {
		c.add(waiting{Incoming: items[i], in: &kept[i]})
		r.push(c)
	}
	r.mu.Unlock()
	r.accepted.Add(uint64(len(items)))
	r.dropped.Add(uint64(len(ins) - len(items)))
	return nil
}

// admit judges each update and counts those kept in their chats' backlog,
// returning them ready to store, as they were given, and the chats they
// were counted in.
func (r *Receiver) admit(ctx context.Context, ins []bot.Inbound, registered []bool) ([]store.Incoming, []bot.Inbound, []*chatQueue, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.resume(ctx); err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	items := make([]store.Incoming, 0, len(ins))
	kept := make([]bot.Inbound, 0, len(ins))
	taken := make([]*chatQueue, 0, len(ins))
	for i, in := range ins {
		c := r.chat(in.Channel, in.ChatID)
		c.stranger = !registered[i]
		switch r.judge(c, now) {
		case drop:
			continue
		case overflow:
			in.Overflow = true
		}
		payload, err := inboxPayload(in)
		if err != nil {
			r.releaseLocked(taken, items)
			return nil, nil, nil, err
		}
		c.count++
		if c.stranger {
			r.strangers++
		}
		items = append(items, store.Incoming{Channel: in.Channel, ChatID: in.ChatID, Payload: payload, Stranger: c.stranger})
		kept = append(kept, in)
		taken = append(taken, c)
	}
	return items, kept, taken, nil
}

// release uncounts updates that could not be stored.
func (r *Receiver) release(taken []*chatQueue, items []store.Incoming) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.releaseLocked(taken, items)
}

func (r *Receiver) releaseLocked(taken []*chatQueue, items []store.Incoming) {
	for i, c := range taken {
		c.count--
		if items[i].Stranger {
			r.strangers--
		}
	}
}

// Run handles updates until ctx ends, then finishes those received before
// (within Drain) and returns.
func (r *Receiver) Run(ctx context.Context) error {
	r.init()
	// Handling outlives ctx a little, so updates in hand are finished.
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, item, ok := r.next()
				if !ok {
					return
				}
				r.handle(work, item)
				r.finish(c, item)
			}
		}()
	}
	for {
		r.mu.Lock()
		err := r.resume(work)
		r.mu.Unlock()
		if err == nil {
			<-ctx.Done()
			break
		}
		r.Log.Error("read the updates left in the inbox; will retry", "err", err)
		select {
		case <-time.After(time.Second):
			continue
		case <-ctx.Done():
		}
		break
	}
	r.mu.Lock()
	r.stopping = true
	r.work.Broadcast()
	r.mu.Unlock()
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(r.Drain):
		r.Log.Warn("shutdown: updates still in hand are left in the inbox for next time")
		r.mu.Lock()
		r.stopped = true
		r.work.Broadcast()
		r.mu.Unlock()
		cancel()
		<-finished
	}
	return nil
}

// next waits for a chat with an update to hand out and takes its oldest;
// ok is false when the receiver stops.
func (r *Receiver) next() (c *chatQueue, item waiting, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for !r.stopped {
		if c := r.pop(); c != nil {
			item, c.items = c.items[0], c.items[1:]
			c.busy = true
			return c, item, true
		}
		if r.stopping {
			break
		}
		r.work.Wait()
	}
	return nil, waiting{}, false
}

// finish notes an update handled, and puts its chat back in turn, behind
// the others, when it has more.
func (r *Receiver) finish(c *chatQueue, item waiting) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.busy = false
	c.count--
	if item.Stranger {
		r.strangers--
	}
	r.push(c)
	if r.forgettable(c, time.Now()) {
		delete(r.chats, c.chatKey)
	}
}

func (r *Receiver) handle(ctx context.Context, item waiting) {
	var in bot.Inbound
	if item.in != nil {
		in = *item.in
	} else if read, err := decodeInbound(item.Payload); err != nil {
		r.Log.Error("unreadable inbox entry dropped", "id", item.ID, "err", err)
		r.Store.DropIncoming(ctx, item.ID)
		return
	} else {
		in = read
	}
	in.IncomingID = item.ID
	res, err := r.Engine.Handle(ctx, in)
	for attempt := 1; err != nil; attempt++ {
		// A store error or a full disk: try again before the chat's later
		// updates, and give up on this one only after a while.
		if attempt >= r.Attempts {
			r.Log.Error("update set aside after failing", "channel", in.Channel, "id", item.ID, "tries", attempt, "err", err)
			if err := r.Engine.SetAside(ctx, in); err != nil {
				r.Log.Error("set update aside", "channel", in.Channel, "id", item.ID, "err", err)
			}
			return
		}
		r.Log.Warn("handle update; will retry", "channel", in.Channel, "id", item.ID, "try", attempt, "err", err)
		if !Sleep(ctx, r.Backoff(attempt)) {
			return // shutting down: the update stays in the inbox for next time
		}
		res, err = r.Engine.Handle(ctx, in)
	}
	if in.CallbackID != "" {
		if a := r.Answerers[in.Channel]; a != nil {
			if err := a.AnswerCallback(ctx, in.CallbackID, res.Toast); err != nil {
				r.Log.Warn("answer button press", "channel", in.Channel, "err", err)
			}
		}
	}
}

// decodeInbound reads an update back from the inbox. Apart from handle, so
// that the update there stays off the heap: one json.Unmarshal decodes
// into would be on it, for every update.
func decodeInbound(payload []byte) (bot.Inbound, error) {
	var in bot.Inbound
	err := json.Unmarshal(payload, &in)
	return in, err
}
