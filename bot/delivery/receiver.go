package delivery

import (
	"context"
	"encoding/json"
	"hash/fnv"
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
// to the engine: one chat's updates in order, different chats in parallel.
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

	once     sync.Once
	kick     chan struct{}
	accepted atomic.Uint64
}

// Accepted counts the updates stored since the receiver started, for the
// health check: a platform's test compares it with what it handed out.
func (r *Receiver) Accepted() uint64 { return r.accepted.Load() }

func (r *Receiver) init() {
	r.once.Do(func() {
		r.kick = make(chan struct{}, 1)
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
	})
}

// Accept stores updates durably and wakes the workers. When it returns
// nil, the updates will be handled even if the process dies now.
func (r *Receiver) Accept(ctx context.Context, ins ...bot.Inbound) error {
	r.init()
	items := make([]store.Incoming, len(ins))
	for i, in := range ins {
		payload, err := json.Marshal(in)
		if err != nil {
			return err
		}
		items[i] = store.Incoming{Channel: in.Channel, ChatID: in.ChatID, Payload: payload}
	}
	if err := r.Store.Receive(ctx, items); err != nil {
		return err
	}
	r.accepted.Add(uint64(len(items)))
	select {
	case r.kick <- struct{}{}:
	default:
	}
	return nil
}

// Run handles updates until ctx ends, then finishes those in hand (within
// Drain) and returns.
func (r *Receiver) Run(ctx context.Context) error {
	r.init()
	queues := make([]chan store.Incoming, r.Workers)
	var wg sync.WaitGroup
	// Handling outlives ctx a little, so updates in hand are finished.
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	for i := range queues {
		queues[i] = make(chan store.Incoming, 64)
		wg.Add(1)
		go func(q chan store.Incoming) {
			defer wg.Done()
			for item := range q {
				r.handle(work, item)
			}
		}(queues[i])
	}
	var last uint64
	for {
		last = r.dispatch(work, queues, last)
		select {
		case <-r.kick:
			continue
		case <-time.After(time.Second):
			continue
		case <-ctx.Done():
		}
		break
	}
	r.dispatch(work, queues, last) // the updates received before the stop
	for _, q := range queues {
		close(q)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(r.Drain):
		r.Log.Warn("shutdown: updates still in hand are left in the inbox for next time")
		cancel()
		<-finished
	}
	return nil
}

// dispatch queues every inbox entry after last, returning the last id queued.
func (r *Receiver) dispatch(ctx context.Context, queues []chan store.Incoming, last uint64) uint64 {
	for {
		items, err := r.Store.Inbox(ctx, last, 256)
		if err != nil {
			r.Log.Error("read inbox", "err", err)
			return last
		}
		if len(items) == 0 {
			return last
		}
		for _, item := range items {
			queues[shardOf(item.Channel+":"+item.ChatID, len(queues))] <- item
			last = item.ID
		}
	}
}

// shardOf picks one of n workers for a chat, always the same one, so that
// a chat's messages are handled (and sent) in order.
func shardOf(chat string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(chat))
	return int(h.Sum32() % uint32(n))
}

func (r *Receiver) handle(ctx context.Context, item store.Incoming) {
	var in bot.Inbound
	if err := json.Unmarshal(item.Payload, &in); err != nil {
		r.Log.Error("unreadable inbox entry dropped", "id", item.ID, "err", err)
		r.Store.DropIncoming(ctx, item.ID)
		return
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
