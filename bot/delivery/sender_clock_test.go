package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
)

// scripted is a channel whose sends fail as scripted, then succeed.
type scripted struct {
	errs []error
	sent []string
}

func (s *scripted) Name() string { return "test" }

func (s *scripted) Send(_ context.Context, out Outbound) (string, error) {
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return "", err
	}
	s.sent = append(s.sent, out.Text)
	return "m1", nil
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// senderRig drives a sender's scheduling by hand: dispatch decides what is
// due at the fake clock's time, deliver settles it, nothing sleeps.
type senderRig struct {
	t     *testing.T
	s     *Sender
	ch    *scripted
	clock *fakeClock
	jobs  chan store.Message
	hand  *inHand
}

func newSenderRig(t *testing.T, limits Limits, errs ...error) *senderRig {
	clock := &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	ch := &scripted{errs: errs}
	r := &senderRig{t: t, ch: ch, clock: clock, jobs: make(chan store.Message, 1), hand: &inHand{busy: map[string]bool{}},
		s: &Sender{Store: storetest.Open(t), Channel: ch, Limits: limits, Now: clock.now}}
	r.s.init()
	return r
}

func (r *senderRig) queue(texts ...string) {
	r.t.Helper()
	msgs := make([]store.Message, len(texts))
	for i, text := range texts {
		msgs[i] = store.Message{Channel: "test", ChatID: "c1", Text: text}
	}
	queued, err := r.s.Store.Queue(context.Background(), r.clock.now(), msgs, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.s.Enqueue(queued)
}

// step dispatches at the clock's time and delivers what was handed out,
// returning how long the sender would sleep before looking again.
func (r *senderRig) step() (handed bool, sleep time.Duration) {
	sleep = r.s.dispatch(r.jobs, r.hand)
	select {
	case m := <-r.jobs:
		r.s.deliver(context.Background(), m)
		r.hand.sending--
		r.hand.done(m.ChatID)
		return true, sleep
	default:
		return false, sleep
	}
}

func (r *senderRig) outbox() []store.Message {
	r.t.Helper()
	msgs, err := r.s.Store.Outbox(context.Background(), "test", 10)
	if err != nil {
		r.t.Fatal(err)
	}
	return msgs
}

var fast = Limits{PerSecond: 1000, PerChat: 1000, ChatBurst: 10, Workers: 1}

// A 429 holds every chat for retry_after, then the message goes out once.
func TestSenderWaitsRetryAfter(t *testing.T) {
	r := newSenderRig(t, fast, &RetryAfterError{After: time.Minute, Err: errors.New("429")})
	r.queue("a")
	if handed, _ := r.step(); !handed {
		t.Fatal("a due message was not handed out")
	}
	if box := r.outbox(); len(box) != 1 || box[0].Attempts != 1 || !box[0].NotBefore.Equal(r.clock.now().Add(time.Minute)) {
		t.Fatalf("outbox after a 429: %+v", box)
	}
	r.clock.advance(59 * time.Second)
	if handed, sleep := r.step(); handed || sleep != time.Second {
		t.Fatalf("at 59 s: handed %v, sleeps %v; want nothing for 1 s", handed, sleep)
	}
	r.clock.advance(time.Second)
	if handed, _ := r.step(); !handed || len(r.ch.sent) != 1 || len(r.outbox()) != 0 {
		t.Fatalf("after retry_after: sent %v, outbox %d", r.ch.sent, len(r.outbox()))
	}
}

// Server errors back off 1 s, 2 s, 4 s …; the chat's later message waits
// behind the first, in order.
func TestSenderBacksOffInOrder(t *testing.T) {
	r := newSenderRig(t, fast, &TemporaryError{Err: errors.New("502")}, &TemporaryError{Err: errors.New("503")})
	r.queue("first", "second")
	for _, wait := range []time.Duration{time.Second, 2 * time.Second} {
		if handed, _ := r.step(); !handed {
			t.Fatal("not handed")
		}
		if handed, sleep := r.step(); handed || sleep != wait {
			t.Fatalf("after a failure: handed %v, sleeps %v; want %v", handed, sleep, wait)
		}
		r.clock.advance(wait)
	}
	r.step()
	r.step()
	if len(r.ch.sent) != 2 || r.ch.sent[0] != "first" || r.ch.sent[1] != "second" || len(r.outbox()) != 0 {
		t.Fatalf("sent %v, outbox %d", r.ch.sent, len(r.outbox()))
	}
}

// One message a second per chat after the burst.
func TestSenderKeepsThePerChatRate(t *testing.T) {
	r := newSenderRig(t, Limits{PerSecond: 1000, PerChat: 1, ChatBurst: 1, Workers: 1})
	r.queue("a", "b")
	if handed, _ := r.step(); !handed {
		t.Fatal("the first message waited")
	}
	if handed, sleep := r.step(); handed || sleep != time.Second {
		t.Fatalf("the second message: handed %v, sleeps %v; want 1 s", handed, sleep)
	}
	r.clock.advance(time.Second)
	if handed, _ := r.step(); !handed || len(r.ch.sent) != 2 {
		t.Fatalf("after a second: sent %v", r.ch.sent)
	}
}

// A message the platform refuses for good is dropped, not retried.
func TestSenderDropsARefusedMessage(t *testing.T) {
	r := newSenderRig(t, fast, &PermanentError{Err: errors.New("400 bad request")})
	r.queue("bad", "good")
	r.step()
	if handed, _ := r.step(); !handed || len(r.ch.sent) != 1 || r.ch.sent[0] != "good" || len(r.outbox()) != 0 {
		t.Fatalf("sent %v, outbox %d", r.ch.sent, len(r.outbox()))
	}
}

// splitting sends a text in parts of one line, failing once at a part.
type splitting struct {
	failAt int // the part (from 0) whose first try fails
	parts  []string
}

func (s *splitting) Name() string { return "test" }

func (s *splitting) Send(_ context.Context, out Outbound) (string, error) {
	return "", SendParts(out, out.Text, 5, func(part string, _ bool) error {
		if len(s.parts) == s.failAt {
			s.failAt = -1
			return &TemporaryError{Err: errors.New("502")}
		}
		s.parts = append(s.parts, strings.TrimSpace(part))
		return nil
	})
}

// A long text that fails half-way sends only its remaining parts again.
func TestSenderResendsOnlyTheUndeliveredParts(t *testing.T) {
	r := newSenderRig(t, fast)
	ch := &splitting{failAt: 2}
	r.s.Channel = ch
	r.queue("one\ntwo\nthree\nfour")
	r.step()
	if box := r.outbox(); len(box) != 1 || box[0].PartsSent != 2 {
		t.Fatalf("after the failure: %+v", box)
	}
	r.clock.advance(time.Second)
	r.step()
	if got := strings.Join(ch.parts, "|"); got != "one|two|three|four" || len(r.outbox()) != 0 {
		t.Fatalf("parts sent: %q, outbox %d", got, len(r.outbox()))
	}
}

// Refusals to strangers wait while any other message is due.
func TestSenderPutsStrangersLast(t *testing.T) {
	r := newSenderRig(t, fast)
	queued, err := r.s.Store.Queue(context.Background(), r.clock.now(), []store.Message{
		{Channel: "test", ChatID: "stranger", Text: "refusal", Low: true},
		{Channel: "test", ChatID: "head", Text: "answer"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.s.Enqueue(queued)
	r.step()
	r.step()
	if fmt.Sprint(r.ch.sent) != "[answer refusal]" {
		t.Fatalf("sent in the order %v", r.ch.sent)
	}
}

// When the bot's rate is spent, the next message to go is a registered
// user's, however many refusals to strangers wait: they take the rate only
// after the others.
func TestSenderGivesTheBotsRateToUsersFirst(t *testing.T) {
	r := newSenderRig(t, Limits{PerSecond: 1, PerChat: 1000, ChatBurst: 10, Workers: 4})
	var refusals []store.Message
	for i := range 5 {
		refusals = append(refusals, store.Message{Channel: "test", ChatID: fmt.Sprint("stranger", i), Text: "refusal", Low: true})
	}
	queued, err := r.s.Store.Queue(context.Background(), r.clock.now(), refusals, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.s.Enqueue(queued)
	if handed, _ := r.step(); !handed {
		t.Fatal("with nothing else due, a refusal waited")
	}
	queued, err = r.s.Store.Queue(context.Background(), r.clock.now(), []store.Message{{Channel: "test", ChatID: "head", Text: "answer"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.s.Enqueue(queued)
	if handed, sleep := r.step(); handed || sleep != time.Second {
		t.Fatalf("with the rate spent: handed %v, sleeps %v; want nothing for 1 s", handed, sleep)
	}
	r.clock.advance(time.Second)
	r.step()
	waiting := 0
	for i := range 5 {
		waiting += r.s.Queued(fmt.Sprint("stranger", i))
	}
	if fmt.Sprint(r.ch.sent) != "[refusal answer]" || r.s.Queued("head") != 0 || waiting != 4 {
		t.Fatalf("sent %v; queued for the head %d, for strangers %d", r.ch.sent, r.s.Queued("head"), waiting)
	}
}
