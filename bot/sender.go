package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
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
// the closing of the last question's buttons go out together.
var DefaultLimits = Limits{PerSecond: 30, PerChat: 1, ChatBurst: 3, Workers: 8}

// Sender delivers queued replies from the outbox through a channel. Each
// chat's messages go out in order, one at a time; chats go in parallel. A
// message leaves the outbox only after the platform took it, so a crash
// can repeat at most the one message in flight per chat.
type Sender struct {
	Store   *store.DB
	Channel Channel
	Limits  Limits
	Now     func() time.Time
	Log     *slog.Logger

	kick    chan struct{}
	once    sync.Once
	global  *rate.Limiter
	chats   map[string]*rate.Limiter // used by the dispatching goroutine only
	backoff func(attempt int) time.Duration

	mu     sync.Mutex
	paused time.Time // a 429 pauses every chat: Telegram's flood limit is per bot
}

func (s *Sender) pauseUntil(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.paused) {
		s.paused = t
	}
}

func (s *Sender) pausedUntil() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
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
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.backoff == nil {
			s.backoff = backoff
		}
	})
}

// backoff doubles from one second up to five minutes.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9)
	return min(d, 5*time.Minute)
}

// Kick wakes the sender after new messages were queued.
func (s *Sender) Kick() {
	s.init()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// job is one message handed to a worker.
type job struct {
	msg store.Message
}

// Run delivers messages until ctx ends. What is still queued stays in the
// outbox for next time.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	jobs := make([]chan job, s.Limits.Workers)
	done := make(chan string, 1024) // chats whose message is settled
	var wg sync.WaitGroup
	for i := range jobs {
		jobs[i] = make(chan job, 1)
		wg.Add(1)
		go func(in chan job) {
			defer wg.Done()
			for j := range in {
				s.deliver(ctx, j.msg)
				done <- j.msg.ChatID
			}
		}(jobs[i])
	}
	defer func() {
		for _, c := range jobs {
			close(c)
		}
		go func() {
			for range done { // let workers finish their last message
			}
		}()
		wg.Wait()
		close(done)
	}()
	busy := map[string]bool{}
	for {
		wait := s.dispatch(ctx, jobs, busy)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case chat := <-done:
			delete(busy, chat)
		drain:
			for {
				select {
				case chat := <-done:
					delete(busy, chat)
				default:
					break drain
				}
			}
		case <-s.kick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// dispatch hands each idle chat's oldest due message to its worker and
// says how long to sleep before looking again.
func (s *Sender) dispatch(ctx context.Context, jobs []chan job, busy map[string]bool) time.Duration {
	const idle = time.Minute
	msgs, err := s.Store.Outbox(ctx, s.Channel.Name(), 4096)
	if err != nil {
		s.Log.Error("read outbox", "channel", s.Channel.Name(), "err", err)
		return time.Second
	}
	now := s.Now()
	next := now.Add(idle)
	if p := s.pausedUntil(); p.After(now) {
		return p.Sub(now)
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m.ChatID] || busy[m.ChatID] {
			seen[m.ChatID] = true
			continue
		}
		seen[m.ChatID] = true // later messages of the chat wait for this one
		if m.NotBefore.After(now) {
			next = earliest(next, m.NotBefore)
			continue
		}
		if d := s.chatDelay(m.ChatID, now); d > 0 {
			next = earliest(next, now.Add(d))
			continue
		}
		w := jobs[chatWorker(m.ChatID, len(jobs))]
		select {
		case w <- job{msg: m}:
			busy[m.ChatID] = true
		default: // the worker is busy with another chat; look again soon
			next = earliest(next, now.Add(10*time.Millisecond))
		}
	}
	return max(next.Sub(now), time.Millisecond)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// chatDelay takes a token from the chat's limiter, or says how long until
// one is free.
func (s *Sender) chatDelay(chat string, now time.Time) time.Duration {
	lim, ok := s.chats[chat]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(s.Limits.PerChat), s.Limits.ChatBurst)
		s.chats[chat] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

func chatWorker(chat string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(chat))
	return int(h.Sum32() % uint32(n))
}

// deliver sends one message and settles it in the outbox.
func (s *Sender) deliver(ctx context.Context, m store.Message) {
	if err := s.global.Wait(ctx); err != nil {
		return // shutting down: the message stays queued
	}
	id, err := s.Channel.Send(ctx, outbound(m))
	if ctx.Err() != nil && err != nil {
		return
	}
	if err := s.settle(context.WithoutCancel(ctx), m, id, err); err != nil {
		s.Log.Error("settle message", "channel", m.Channel, "message", m.ID, "err", err)
	}
}

// settle records the outcome of a send.
func (s *Sender) settle(ctx context.Context, m store.Message, sentID string, err error) error {
	var retry *RetryAfterError
	var perm *PermanentError
	now := s.Now()
	switch {
	case err == nil:
		return s.Store.Delivered(ctx, m, keyboardOf(m, sentID))
	case errors.As(err, &retry):
		s.Log.Warn("platform asked to wait", "channel", m.Channel, "after", retry.After)
		s.pauseUntil(now.Add(retry.After))
		return s.Store.Defer(ctx, m.ID, now.Add(retry.After), m.Attempts+1)
	case errors.Is(err, ErrUnreachable):
		s.Log.Info("user unreachable", "channel", m.Channel, "chat", m.ChatID)
		return s.Store.Undeliverable(ctx, m, true, err.Error(), now)
	case errors.As(err, &perm):
		s.Log.Error("message refused by the platform; dropped", "channel", m.Channel, "chat", m.ChatID, "err", err)
		return s.Store.Undeliverable(ctx, m, false, err.Error(), now)
	default:
		wait := s.backoff(m.Attempts)
		s.Log.Warn("send failed; will retry", "channel", m.Channel, "chat", m.ChatID, "in", wait, "err", err)
		return s.Store.Defer(ctx, m.ID, now.Add(wait), m.Attempts+1)
	}
}

func outbound(m store.Message) Outbound {
	return Outbound{ChatID: m.ChatID, Text: m.Text, Options: m.Options, Multi: m.Multi,
		DoneLabel: m.DoneLabel, Selected: m.Selected, Question: m.Question, Edit: m.Edit}
}

// keyboardOf remembers a sent message with buttons, so that the next
// answer can close them.
func keyboardOf(m store.Message, sentID string) *store.Keyboard {
	if len(m.Options) == 0 || sentID == "" {
		return nil
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
			if err := s.settle(ctx, m, id, err); err != nil {
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
