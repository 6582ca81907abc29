package delivery

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"sothon/store"
)

// Limits are a channel's sending limits.
type Limits struct {
	PerSecond float64 // for the whole bot
	PerChat   float64 // for one chat
	ChatBurst int     // messages a chat may get at once before PerChat applies
	Workers   int     // requests in flight at once
}

// DefaultLimits follow Telegram's guidance: about 30 messages a second per
// bot and one a second per chat, with a short burst so that a reply and
// the closing of the last question's buttons go out together. At 30 a
// second a few requests are in flight; the workers are for a bot allowed
// more: with the limits lifted, 32 held up thousands of replies a second
// on a loaded machine, each waiting ~100 ms for a worker (docs/BENCHMARKS.md).
var DefaultLimits = Limits{PerSecond: 30, PerChat: 1, ChatBurst: 3, Workers: 64}

// Sender delivers queued replies from the outbox through a channel. Each
// chat's messages go out in order, one at a time; chats go in parallel. A
// message leaves the outbox only after the platform took it, so a crash
// can repeat at most the one message in flight per chat.
//
// The outbox in bbolt is the truth; the sender keeps its own queue per
// chat, loaded at start, fed by Enqueue after each commit and checked
// against the outbox every rescan interval, so it never searches the
// outbox on the hot path.
type Sender struct {
	Store   *store.DB
	Channel Channel
	Limits  Limits
	Now     func() time.Time
	Log     *slog.Logger
	// Backoff is how long a message waits after its attempt-th failure;
	// nil doubles from one second up to five minutes.
	Backoff func(attempt int) time.Duration

	kick   chan struct{}
	once   sync.Once
	global *rate.Limiter
	chats  map[string]*rate.Limiter // used by the dispatching goroutine only

	mu     sync.Mutex
	queues map[string][]store.Message // chat → messages not yet settled, by id
	spare  [][]store.Message          // emptied queues, for chats that have none
	known  map[uint64]bool
	paused time.Time // a 429 pauses every chat: Telegram's flood limit is per bot

	// Every chat with a queue is in one of: ready (its first message
	// waits for a worker, users' and strangers' apart, oldest message
	// first), parked (until its message is due or its rate lets it go) or
	// out (handed to a worker: in the Run loop's inHand). scheduled marks
	// them.
	ready     [2]readyHeap // users', strangers'
	parked    parkedHeap
	scheduled map[string]bool
	// held counts the users' chats parked by their own rate: their
	// message is due, so strangers wait.
	held int
}

// rescan is how often the sender compares its queues with the outbox.
const rescan = 30 * time.Second

func (s *Sender) pauseUntil(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.paused) {
		s.paused = t
	}
}

func (s *Sender) init() {
	s.once.Do(func() {
		s.kick = make(chan struct{}, 1)
		if s.Limits.PerSecond <= 0 {
			s.Limits = DefaultLimits
		}
		s.Limits.Workers = max(s.Limits.Workers, 1)
		s.Limits.ChatBurst = max(s.Limits.ChatBurst, 1)
		s.global = rate.NewLimiter(rate.Limit(s.Limits.PerSecond), max(1, int(s.Limits.PerSecond)))
		s.chats = map[string]*rate.Limiter{}
		s.queues = map[string][]store.Message{}
		s.known = map[uint64]bool{}
		s.scheduled = map[string]bool{}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Backoff == nil {
			s.Backoff = backoff
		}
	})
}

// backoff doubles from one second up to five minutes.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9)
	return min(d, 5*time.Minute)
}

// Enqueue hands the sender messages just committed to the outbox; those of
// other channels are ignored.
func (s *Sender) Enqueue(msgs []store.Message) {
	s.init()
	s.mu.Lock()
	for _, m := range msgs {
		if m.Channel == s.Channel.Name() {
			s.add(m)
		}
	}
	s.mu.Unlock()
	s.Kick()
}

// maxSpareQueues bounds the emptied queues kept: about as many chats as
// there are workers empty their queue between two answers.
const maxSpareQueues = 64

// add puts m in its chat's queue, in id order; s.mu is held.
func (s *Sender) add(m store.Message) {
	if s.known[m.ID] {
		return
	}
	s.known[m.ID] = true
	q, ok := s.queues[m.ChatID]
	if n := len(s.spare); !ok && n > 0 { // most chats wait for one message at a time
		q, s.spare = s.spare[n-1], s.spare[:n-1]
	}
	i := len(q)
	for i > 0 && q[i-1].ID > m.ID {
		i--
	}
	s.queues[m.ChatID] = slices.Insert(q, i, m)
	s.schedule(m.ChatID)
}

// schedule puts a chat with a queue in line, unless it is already; s.mu
// is held.
func (s *Sender) schedule(chat string) {
	q := s.queues[chat]
	if s.scheduled[chat] || len(q) == 0 {
		return
	}
	s.scheduled[chat] = true
	s.ready[priority(q[0])].push(readyChat{chat: chat, id: q[0].ID})
}

func priority(m store.Message) int {
	if m.Low {
		return 1
	}
	return 0
}

// load adds what the outbox holds and the queues lack: everything at
// start, and anything a missed Enqueue left behind.
//
// The lock is held while the outbox is read: a worker settles a message
// in the store before it takes the lock to drop it from the queue, so a
// message read here is either still known or already gone from the store,
// never sent twice.
func (s *Sender) load(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs, err := s.Store.Outbox(ctx, s.Channel.Name(), math.MaxInt)
	if err != nil {
		s.Log.Error("read outbox", "channel", s.Channel.Name(), "err", err)
		return
	}
	for _, m := range msgs {
		s.add(m)
	}
}

// Kick wakes the sender.
func (s *Sender) Kick() {
	s.init()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx ends. What is still queued stays in the
// outbox for next time.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	s.load(ctx)
	// Any worker takes any chat's message: one chat's backlog holds one
	// worker at most, never the chats that would share it. A worker is
	// free again once the platform answered; a recorder writes the outcome
	// beside it, so a commit's wait holds the chat, not the worker. There
	// is a recorder for each chat the dispatch may have in hand, so an
	// outcome never waits for one, and each lives as long as the run
	// rather than a goroutine starting for every message.
	jobs := make(chan store.Message, s.Limits.Workers)
	freed := make(chan struct{}, s.Limits.Workers) // a send ended
	outcomes := make(chan outcome, settling*s.Limits.Workers)
	done := make(chan string, 1024)      // chats whose message is settled
	record := context.WithoutCancel(ctx) // an outcome is recorded even at shutdown
	var sending, recording sync.WaitGroup
	for range s.Limits.Workers {
		sending.Go(func() {
			for m := range jobs {
				id, err := s.Channel.Send(ctx, outbound(m))
				freed <- struct{}{}
				outcomes <- outcome{m: m, id: id, err: err}
			}
		})
	}
	for range settling * s.Limits.Workers {
		recording.Go(func() {
			for o := range outcomes {
				s.settled(ctx, record, o.m, o.id, o.err)
				done <- o.m.ChatID
			}
		})
	}
	defer func() {
		close(jobs)
		go func() {
			for range done { // let recorders finish the last messages
			}
		}()
		sending.Wait()
		close(outcomes)
		recording.Wait()
		close(done)
	}()
	hand := &inHand{busy: map[string]bool{}}
	ticker := time.NewTicker(rescan)
	defer ticker.Stop()
	timer := time.NewTimer(rescan) // one for the run: Reset, not a new one each look
	defer timer.Stop()
	for {
		timer.Reset(s.dispatch(jobs, hand))
		select {
		case <-ctx.Done():
			return nil
		case <-freed:
			hand.sending--
		case chat := <-done:
			hand.done(chat)
		case <-s.kick:
		case <-ticker.C:
			s.load(ctx)
		case <-timer.C:
		}
	drain: // all that ended meanwhile, before the next look
		for {
			select {
			case <-freed:
				hand.sending--
			case chat := <-done:
				hand.done(chat)
			default:
				break drain
			}
		}
	}
}

// outcome is how a send of m ended: the platform's id for it, or err.
type outcome struct {
	m   store.Message
	id  string
	err error
}

// inHand is what the dispatch has handed out: the chats whose message is
// being sent or its outcome recorded, and how many sends are under way;
// back lists the chats settled since the dispatch last looked, to put in
// line again.
type inHand struct {
	busy    map[string]bool
	sending int
	back    []string
}

// done notes that chat's message is settled.
func (h *inHand) done(chat string) {
	delete(h.busy, chat)
	h.back = append(h.back, chat)
}

// settling bounds the chats in hand, per worker: a worker is free once its
// send ends, and the chats whose outcome waits for a commit (a shared
// commit's ~12 ms under load) are kept beside it, up to this many a worker.
const settling = 16

// dispatch hands the oldest due message of the chats not in hand to the
// free workers, within the bot's and the chat's rates, and says how long to
// sleep before looking again. busy holds the chats whose message a worker
// has; a chat handed out comes back in line once it is no longer busy.
// Chats are served in the order of their oldest message, whichever worker
// is free; each chat's messages one at a time, in order. Messages of low
// priority (refusals to strangers) go out only when no other is due, and
// take the bot's rate only after the others: a flood of strangers never
// delays a village head.
func (s *Sender) dispatch(jobs chan<- store.Message, hand *inHand) time.Duration {
	busy := hand.busy
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, chat := range hand.back {
		delete(s.scheduled, chat)
		s.schedule(chat)
	}
	hand.back = hand.back[:0]
	for len(s.parked) > 0 && !s.parked[0].at.After(now) {
		p := s.parked[0]
		heap.Pop(&s.parked)
		if p.held {
			s.held--
		}
		delete(s.scheduled, p.chat)
		s.schedule(p.chat)
	}
	if s.paused.After(now) {
		return s.paused.Sub(now)
	}
	waiting := s.held > 0
	for low := range 2 {
		if low == 1 && waiting {
			break
		}
		h := &s.ready[low]
		for len(*h) > 0 {
			r := (*h)[0]
			q := s.queues[r.chat]
			switch {
			case len(q) == 0: // nothing left
				heap.Pop(h)
				delete(s.scheduled, r.chat)
				continue
			case priority(q[0]) != low || q[0].ID != r.id: // its first message changed: back in line by it
				heap.Pop(h)
				s.ready[priority(q[0])].push(readyChat{chat: r.chat, id: q[0].ID})
				continue
			}
			m := q[0]
			if m.NotBefore.After(now) {
				heap.Pop(h)
				s.parked.push(parkedChat{chat: r.chat, at: m.NotBefore})
				continue
			}
			waiting = true
			if hand.sending >= s.Limits.Workers || len(busy) >= settling*s.Limits.Workers { // the Run loop hears when one is free
				break
			}
			if s.global.TokensAt(now) < 1 { // the bot's rate is spent: nothing goes before a token is back
				return max(delay(s.global, now), time.Millisecond)
			}
			heap.Pop(h)
			if d := s.chatDelay(r.chat, now); d > 0 {
				s.parked.push(parkedChat{chat: r.chat, at: now.Add(d), held: low == 0})
				if low == 0 {
					s.held++
				}
				continue
			}
			s.global.AllowN(now, 1) // takes the token TokensAt saw
			jobs <- m               // cannot block: there is room for a message per worker
			hand.sending++
			busy[r.chat] = true
		}
	}
	next := now.Add(rescan)
	if len(s.parked) > 0 {
		next = earliest(next, s.parked[0].at)
	}
	return max(next.Sub(now), time.Millisecond)
}

// readyChat is a chat whose first message (id) waits for a worker.
type readyChat struct {
	chat string
	id   uint64
}

// readyHeap orders ready chats by their first message, oldest first.
//
// Its Pop drops the least without returning it (read (*h)[0] before
// heap.Pop), and push adds one without container/heap's any: a chat boxed
// in an interface is an allocation, twice a message.
type readyHeap []readyChat

func (h readyHeap) Len() int           { return len(h) }
func (h readyHeap) Less(i, j int) bool { return h[i].id < h[j].id }
func (h readyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *readyHeap) Push(x any)        { *h = append(*h, x.(readyChat)) }
func (h *readyHeap) Pop() any          { *h = (*h)[:len(*h)-1]; return nil }
func (h *readyHeap) push(r readyChat)  { *h = append(*h, r); heap.Fix(h, len(*h)-1) }

// parkedChat is a chat whose first message may go at the earliest at at:
// it is not due before, or the chat's rate holds it back (held).
type parkedChat struct {
	chat string
	at   time.Time
	held bool
}

// parkedHeap orders parked chats by when they may go, soonest first; its
// Pop and push are readyHeap's.
type parkedHeap []parkedChat

func (h parkedHeap) Len() int           { return len(h) }
func (h parkedHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h parkedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *parkedHeap) Push(x any)        { *h = append(*h, x.(parkedChat)) }
func (h *parkedHeap) Pop() any          { *h = (*h)[:len(*h)-1]; return nil }
func (h *parkedHeap) push(p parkedChat) { *h = append(*h, p); heap.Fix(h, len(*h)-1) }

// delay is how long until lim has a token, taking none.
func delay(lim *rate.Limiter, now time.Time) time.Duration {
	r := lim.ReserveN(now, 1)
	defer r.CancelAt(now)
	return r.DelayFrom(now)
}

// Queued counts the messages waiting for a chat, the one in flight
// included: the receiver bounds what one chat may have queued.
func (s *Sender) Queued(chatID string) int {
	s.init()
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queues[chatID])
}

// pruneLimiters drops the limiters that hold nothing back; s.mu is held.
func (s *Sender) pruneLimiters(now time.Time) {
	for chat, lim := range s.chats {
		if _, queued := s.queues[chat]; !queued && lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(s.chats, chat)
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maxIdleLimiters bounds the per-chat limiters kept: past it, those of
// chats with nothing queued and a full bucket are dropped, which forgets
// nothing (a new limiter starts full too).
const maxIdleLimiters = 10000

// chatDelay takes a token from the chat's limiter, or says how long until
// one is free.
func (s *Sender) chatDelay(chat string, now time.Time) time.Duration {
	lim, ok := s.chats[chat]
	if !ok {
		if len(s.chats) >= maxIdleLimiters {
			s.pruneLimiters(now)
		}
		lim = rate.NewLimiter(rate.Limit(s.Limits.PerChat), s.Limits.ChatBurst)
		s.chats[chat] = lim
	}
	if lim.AllowN(now, 1) { // AllowN, unlike ReserveN, allocates nothing
		return 0
	}
	return max(delay(lim, now), time.Nanosecond)
}

// deliver sends one message and settles it in the outbox and the queue;
// dispatch took its place in the bot's and the chat's rates.
func (s *Sender) deliver(ctx context.Context, m store.Message) {
	id, err := s.Channel.Send(ctx, outbound(m))
	s.settled(ctx, context.WithoutCancel(ctx), m, id, err)
}

// settled records how a send of m ended (the platform's id for it, or
// err) in the outbox and the chat's queue: with record, which outlives ctx,
// unless the send failed because ctx ended.
func (s *Sender) settled(ctx, record context.Context, m store.Message, id string, err error) {
	if ctx.Err() != nil && err != nil {
		return
	}
	sendErr := err
	until, err := s.settle(record, m, id, err)
	if err != nil {
		// The store failed: try again in a moment rather than at once.
		s.Log.Error("settle message", "channel", m.Channel, "message", m.ID, "err", err)
		until = s.Now().Add(time.Second)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[m.ChatID]
	switch {
	case len(q) == 0 || q[0].ID != m.ID:
	case until.IsZero():
		delete(s.known, m.ID)
		if len(q) == 1 {
			delete(s.queues, m.ChatID)
			if len(s.spare) < maxSpareQueues {
				clear(q[:1]) // not holding its text
				s.spare = append(s.spare, q[:0])
			}
		} else {
			s.queues[m.ChatID] = q[1:]
		}
	default:
		q[0].NotBefore, q[0].Attempts, q[0].PartsSent = until, m.Attempts+1, partsAfter(m, sendErr)
	}
}

// settle records the outcome of a send in the outbox. A message to try
// again later gets the time it is due; one that is done, a zero time.
func (s *Sender) settle(ctx context.Context, m store.Message, sentID string, err error) (time.Time, error) {
	if err == nil { // first, before the targets of errors.As, which escape
		return time.Time{}, s.Store.Delivered(ctx, m, keyboardOf(m, sentID))
	}
	var retry *RetryAfterError
	var perm *PermanentError
	now := s.Now()
	parts := partsAfter(m, err)
	switch {
	case errors.As(err, &retry):
		s.Log.Warn("platform asked to wait", "channel", m.Channel, "after", retry.After)
		s.pauseUntil(now.Add(retry.After))
		return now.Add(retry.After), s.Store.Defer(ctx, m.ID, now.Add(retry.After), m.Attempts+1, parts)
	case errors.Is(err, ErrUnreachable):
		s.Log.Info("user unreachable", "channel", m.Channel, "chat", m.ChatID)
		return time.Time{}, s.Store.Undeliverable(ctx, m, true, err.Error(), now)
	case errors.As(err, &perm):
		s.Log.Error("message refused by the platform; dropped", "channel", m.Channel, "chat", m.ChatID, "err", err)
		return time.Time{}, s.Store.Undeliverable(ctx, m, false, err.Error(), now)
	default:
		wait := s.Backoff(m.Attempts)
		s.Log.Warn("send failed; will retry", "channel", m.Channel, "chat", m.ChatID, "in", wait, "err", err)
		return now.Add(wait), s.Store.Defer(ctx, m.ID, now.Add(wait), m.Attempts+1, parts)
	}
}

// partsAfter is how many parts of m's text the platform has taken, after
// an attempt that ended with err.
func partsAfter(m store.Message, err error) int {
	if err == nil {
		return m.PartsSent
	}
	var partial *PartialError
	if errors.As(err, &partial) {
		return partial.Sent
	}
	return m.PartsSent
}

func outbound(m store.Message) Outbound {
	return Outbound{ChatID: m.ChatID, Text: m.Text, Options: m.Options, Multi: m.Multi,
		DoneLabel: m.DoneLabel, Selected: m.Selected, Question: m.Question, Edit: m.Edit, Attachment: m.Attachment,
		PartsSent: m.PartsSent, NoPreview: m.NoPreview, PlaceLabel: m.PlaceLabel, Typed: m.Typed}
}

// keyboardOf remembers a sent message with buttons, so that the next
// answer can close them. A channel whose buttons need no closing (a
// keyboard the next message replaces) returns no id for the message.
func keyboardOf(m store.Message, sentID string) *store.Keyboard {
	if len(m.Options) == 0 || sentID == "" || m.PlaceLabel != "" {
		return nil // a place's keyboard is the chat's own, which closes itself once used
	}
	if m.Edit != "" {
		sentID = m.Edit
	}
	return &store.Keyboard{MessageID: sentID, Text: m.Text, Question: m.Question}
}

// Flush delivers, one by one and in order, every message of the channel
// that is due now. It is for the terminal and for tests; servers use Run.
// It stops at the first failure the platform did not settle.
func (s *Sender) Flush(ctx context.Context) error {
	s.init()
	for {
		msgs, err := s.Store.Outbox(ctx, s.Channel.Name(), 64)
		if err != nil {
			return err
		}
		sent := 0
		for _, m := range msgs {
			if m.NotBefore.After(s.Now()) {
				continue
			}
			id, err := s.Channel.Send(ctx, outbound(m))
			var tmp *TemporaryError
			if err != nil && (errors.As(err, &tmp) || !isClassified(err)) {
				return fmt.Errorf("bot: send message %d on %s: %w", m.ID, m.Channel, err)
			}
			if _, err := s.settle(ctx, m, id, err); err != nil {
				return err
			}
			sent++
		}
		if sent == 0 {
			return nil
		}
	}
}

func isClassified(err error) bool {
	var retry *RetryAfterError
	var perm *PermanentError
	return errors.Is(err, ErrUnreachable) || errors.As(err, &retry) || errors.As(err, &perm)
}
