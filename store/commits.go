package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// commits joins concurrent writes in one commit: one pair of fsyncs, one
// write of the pages they share (the inbox's and the outbox's last pages,
// the buckets' roots, the freelist), for many answers. It is bbolt's
// Batch with a wait that follows the load: a write joins the writes that
// come within a wait long in proportion to how many are wanted at once.
// With a few chats the wait is short, so a head's reply is not held; under
// a flood it is longer, and a commit carries more: at 1,000 heads at once,
// a wait of 8 ms rather than 2 took the CPU per message down by a fifth
// (docs/BENCHMARKS.md, issue 22).
type commits struct {
	writers atomic.Int32 // write transactions wanted or running

	// nextRootTidy is the first commit that may merge the root's leaves
	// again (tidyRoot); read and set only inside write transactions.
	nextRootTidy int

	mu      sync.Mutex
	pending *batch // gathering writes, not yet committing

	// wait, when set, replaces how long a batch gathers writes (tests).
	wait func(writers int32) time.Duration

	gate   gate         // one commit at a time, the inbox's first
	urgent urgentWrites // the inbox's writes waiting for the file
}

// urgentWrites are the writes everyone waits on (the inbox's) that come
// while one of them waits for the file: they go together in the next
// commit, as soon as the file is free. The poller stores one batch of
// updates at a time, so its writes go alone; a webhook's updates come many
// at once (Telegram opens up to 100 connections), and each in a commit
// of its own cost a pair of fsyncs, one after another.
type urgentWrites struct {
	mu      sync.Mutex
	pending []batchCall
}

// gate lets one write transaction through at a time, those that everyone
// waits on first. bbolt takes its writers in no set order: under a flood,
// the inbox's write for the next 100 updates queued behind commits of
// hundreds of answers each, and every chat waited on it.
type gate struct {
	mu         sync.Mutex
	free       sync.Cond
	busy       bool
	urgent     int  // urgent writes waiting
	waiting    int  // other writes waiting
	lastUrgent bool // the write let through last was urgent
}

func (g *gate) enter(urgent bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.free.L == nil {
		g.free.L = &g.mu
	}
	if urgent {
		g.urgent++
		defer func() { g.urgent-- }()
	} else {
		g.waiting++
		defer func() { g.waiting-- }()
	}
	for g.busy || g.yields(urgent) {
		g.free.Wait()
	}
	g.busy, g.lastUrgent = true, urgent
}

// yields tells whether a write waiting for the file lets the other kind
// go first: an urgent write goes before the others, but not twice running
// while others wait, so that a webhook's flood of updates, one urgent
// commit after another, does not hold back the answers' commits.
func (g *gate) yields(urgent bool) bool {
	if urgent {
		return g.lastUrgent && g.waiting > 0
	}
	return g.urgent > 0 && !g.lastUrgent
}

func (g *gate) leave() {
	g.mu.Lock()
	g.busy = false
	g.mu.Unlock()
	g.free.Broadcast()
}

// updateUrgent runs fn in the next commit of the inbox's writes: the
// first of them to come waits for the file, then commits those that came
// meanwhile with its own. fn may run more than once.
func (db *DB) updateUrgent(fn func(*bolt.Tx) error) error {
	u := &db.commits.urgent
	call := batchCall{fn: fn, err: outcomes.Get().(chan error)}
	u.mu.Lock()
	u.pending = append(u.pending, call)
	lead := len(u.pending) == 1
	u.mu.Unlock()
	if lead {
		g := &db.commits.gate
		g.enter(true)
		u.mu.Lock()
		calls := u.pending
		u.pending = nil
		u.mu.Unlock()
		func() {
			defer g.leave()
			db.commitCalls(calls)
		}()
	}
	err := <-call.err
	outcomes.Put(call.err) // empty again: commitCalls tells each call once
	if err == errSolo {
		err = db.updateTx(fn, true)
	}
	return err
}

// updateTx runs fn in a write transaction of its own once the gate lets
// it through.
func (db *DB) updateTx(fn func(*bolt.Tx) error, urgent bool) error {
	g := &db.commits.gate
	g.enter(urgent)
	defer g.leave()
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return db.tidyRoot(tx)
	})
}

const (
	// waitPerWriter is how much longer a batch waits for each write
	// wanted beside it, up to maxBatchWait.
	waitPerWriter = 100 * time.Microsecond
	maxBatchWait  = 10 * time.Millisecond
	// maxBatch is the most writes one commit carries.
	maxBatch = 1000
)

// batch is the writes of one commit.
type batch struct {
	calls []batchCall
	timer *time.Timer
	once  sync.Once
}

type batchCall struct {
	fn  func(*bolt.Tx) error
	err chan error
}

// outcomes keeps the channels on which calls hear how their commit went,
// between writes: two writes a message.
var outcomes = sync.Pool{New: func() any { return make(chan error, 1) }}

// errSolo tells a write whose function failed in a shared commit to run
// alone: its error is then its own, and the others' commit goes on without
// it.
var errSolo = errors.New("store: run the write alone")

// batch runs fn in a commit shared with the writes that come meanwhile.
// fn may run more than once.
func (db *DB) batch(fn func(*bolt.Tx) error) error {
	c := db.commits
	call := batchCall{fn: fn, err: outcomes.Get().(chan error)}
	c.mu.Lock()
	b := c.pending
	if b == nil {
		b = &batch{}
		c.pending = b
		wait := min(maxBatchWait, time.Duration(c.writers.Load())*waitPerWriter)
		if c.wait != nil {
			wait = c.wait(c.writers.Load())
		}
		b.timer = time.AfterFunc(wait, func() { db.commit(b) })
	}
	b.calls = append(b.calls, call)
	full := len(b.calls) >= maxBatch
	if full { // no more join it
		c.pending = nil
	}
	c.mu.Unlock()
	if full {
		go db.commit(b)
	}
	err := <-call.err
	outcomes.Put(call.err) // empty again: commitCalls tells each call once
	if err == errSolo {
		err = db.updateTx(fn, false)
	}
	return err
}

// commit writes a batch once. The batch takes the writes that come until
// the file is free: while the commit before it is under way (a slow disk's
// fsync), they join it rather than a batch of their own that would wait
// behind it, so a slow commit makes the next one larger, not later.
func (db *DB) commit(b *batch) {
	b.once.Do(func() {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true)) // a damaged file's fault is an error, as in update
		g := &db.commits.gate
		g.enter(false)
		defer g.leave()
		c := db.commits
		c.mu.Lock()
		if c.pending == b {
			c.pending = nil
		}
		calls := b.calls // appended to under c.mu, until it is no longer pending
		b.timer.Stop()   // set under c.mu, when the batch began
		c.mu.Unlock()
		db.commitCalls(calls)
	})
}

// commitCalls writes calls in one commit, the gate passed, and tells each
// its outcome. A call whose function fails is told to run alone
// (errSolo), and the others commit without it.
func (db *DB) commitCalls(calls []batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := func() (err error) {
			defer damaged(&err) // a damaged file's fault is every write's error, and no one waits forever
			return db.bolt.Update(func(tx *bolt.Tx) error {
				for i, call := range calls {
					if err := safely(call.fn, tx); err != nil {
						failed = i
						return err
					}
				}
				return db.tidyRoot(tx)
			})
		}()
		if failed >= 0 {
			calls[failed].err <- errSolo
			calls = append(calls[:failed], calls[failed+1:]...)
			continue
		}
		for _, call := range calls {
			call.err <- err
		}
		return
	}
}

// safely runs fn, turning a panic into an error, so that one write's bug
// does not take the others' commit down with it.
func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write panicked: %v", p)
		}
	}()
	return fn(tx)
}
