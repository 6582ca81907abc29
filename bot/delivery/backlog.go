package delivery

import (
	"slices"
	"time"

	"sothon/bot"
	"sothon/store"
)

// Backlog bounds what the receiver lets wait, so that nobody's flood
// delays anybody else.
type Backlog struct {
	// PerChat is how many updates of one chat may wait or be in hand, and
	// PerChatOutbox how many replies to it may wait in the outbox. The
	// update past either is answered with a request to slow down, and
	// what the chat sends until its backlog is cleared is dropped.
	PerChat, PerChatOutbox int
	// Strangers is how many updates of chats nobody registered may wait
	// or be in hand; past it, strangers' updates are dropped unanswered.
	Strangers int
	// Notice is how often a chat is asked at most to slow down.
	Notice time.Duration
}

// DefaultBacklog lets a person type far faster than anyone answers a
// questionnaire, and keeps a flood to a few seconds of work.
var DefaultBacklog = Backlog{PerChat: 20, PerChatOutbox: 20, Strangers: 5000, Notice: time.Minute}

func (b Backlog) orDefaults() Backlog {
	d := DefaultBacklog
	if b.PerChat <= 0 {
		b.PerChat = d.PerChat
	}
	if b.PerChatOutbox <= 0 {
		b.PerChatOutbox = d.PerChatOutbox
	}
	if b.Strangers <= 0 {
		b.Strangers = d.Strangers
	}
	if b.Notice <= 0 {
		b.Notice = d.Notice
	}
	return b
}

// chatQueue is one chat's updates in the receiver's hands.
type chatQueue struct {
	chatKey
	items    []waiting // not yet handed out, in id order
	count    int       // accepted and not yet handled: waiting, in the inbox or in hand
	busy     bool      // one of its updates is being handled
	queued   bool      // in a ready list
	stranger bool      // nobody registered the chat when it last wrote
	flooding bool      // past a bound: its updates are dropped until its backlog is cleared
	noticed  time.Time // when it was last asked to slow down
}

// waiting is an update in a chat's queue: stored in the inbox, and
// decoded once when this process accepted it (in is nil for one an
// earlier process accepted, read back from the inbox at start).
type waiting struct {
	store.Incoming
	in *bot.Inbound
}

// add puts an update in c's queue by its inbox id: updates accepted side
// by side may be stored in one order and reach here in another; r.mu is
// held.
func (c *chatQueue) add(w waiting) {
	i := len(c.items)
	for i > 0 && c.items[i-1].ID > w.ID {
		i--
	}
	c.items = slices.Insert(c.items, i, w)
}

// verdict is what the receiver does with an update.
type verdict int

const (
	admit    verdict = iota // stored and handled
	overflow                // stored, and answered with a request to slow down
	drop                    // acknowledged to the platform and forgotten
)

// judge decides on one update of c; r.mu is held.
func (r *Receiver) judge(c *chatQueue, now time.Time) verdict {
	if c.stranger && r.strangers >= r.Limits.Strangers {
		return drop // many strangers at once: theirs wait no more
	}
	outbox := r.outbox(c)
	if c.flooding && c.count == 0 && outbox == 0 {
		c.flooding = false // everything before is answered: a new burst may begin
	}
	if c.flooding {
		return drop
	}
	if c.count < r.Limits.PerChat && outbox < r.Limits.PerChatOutbox {
		return admit
	}
	c.flooding = true
	if !c.noticed.IsZero() && now.Sub(c.noticed) < r.Limits.Notice {
		return drop
	}
	r.Log.Warn("a chat sends faster than it is answered; dropping the rest of its burst", "channel", c.channel, "chat", c.chatID,
		"waiting", c.count, "replies", outbox)
	c.noticed = now
	return overflow
}

func (r *Receiver) outbox(c *chatQueue) int {
	if r.Outbox == nil {
		return 0
	}
	return r.Outbox(c.channel, c.chatID)
}

// chat finds or makes a chat's queue; r.mu is held.
func (r *Receiver) chat(channel, chatID string) *chatQueue {
	key := chatKey{channel, chatID}
	c := r.chats[key]
	if c == nil {
		if len(r.chats) >= r.sweepAt {
			r.sweep(time.Now())
		}
		c = &chatQueue{chatKey: key}
		r.chats[key] = c
	}
	return c
}

// chatKey names a chat: its channel and its id there. Two strings, not
// one joined: looking a chat up then builds nothing.
type chatKey struct {
	channel, chatID string
}

// sweep forgets the chats that need not be remembered; r.mu is held.
func (r *Receiver) sweep(now time.Time) {
	for key, c := range r.chats {
		if r.forgettable(c, now) {
			delete(r.chats, key)
		}
	}
	r.sweepAt = max(minSweep, 2*len(r.chats))
}

// minSweep is how many chats the receiver remembers before it looks for
// some to forget.
const minSweep = 4096

// forgettable tells whether c holds nothing worth remembering: nothing in
// hand, no burst still being dropped, not asked to slow down lately.
func (r *Receiver) forgettable(c *chatQueue, now time.Time) bool {
	return c.count == 0 && now.Sub(c.noticed) >= r.Limits.Notice && (!c.flooding || r.outbox(c) == 0)
}

// push makes c ready to hand out its next update: registered chats are
// served before strangers, each class in turn; r.mu is held.
func (r *Receiver) push(c *chatQueue) {
	if c.busy || c.queued || len(c.items) == 0 {
		return
	}
	c.queued = true
	class := 0
	if c.items[0].Stranger {
		class = 1
	}
	r.ready[class].push(c)
	r.work.Signal()
}

// pop takes the next ready chat, registered first; r.mu is held.
func (r *Receiver) pop() *chatQueue {
	for i := range r.ready {
		if c := r.ready[i].pop(); c != nil {
			c.queued = false
			return c
		}
	}
	return nil
}

// fifo is a queue of chats.
type fifo struct {
	items []*chatQueue
	head  int
}

func (q *fifo) push(c *chatQueue) { q.items = append(q.items, c) }

func (q *fifo) pop() *chatQueue {
	if q.head == len(q.items) {
		return nil
	}
	c := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) || q.head > 1024 && q.head*2 > len(q.items) {
		q.items = append(q.items[:0], q.items[q.head:]...)
		q.head = 0
	}
	return c
}
