package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Writes at once share commits, and each gets its own outcome: one that
// fails or panics returns its error and changes nothing, the others are
// all written.
func TestConcurrentWritesShareCommits(t *testing.T) {
	db, bucket := trialDB(t)
	const writers = 200
	errs := make([]error, writers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			errs[i] = db.update(t.Context(), trialWrite(bucket, i, 50))
		})
	}
	close(start)
	wg.Wait()
	checkTrial(t, db, bucket, errs, 50)
	if n := db.commits.writers.Load(); n != 0 {
		t.Fatalf("%d writers still counted", n)
	}
}

// trialDB opens a database with a bucket for trialWrite.
func trialDB(t *testing.T) (*DB, []byte) {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "commits.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bucket := []byte("commits_test")
	if err := db.bolt.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	return db, bucket
}

var errRefused = errors.New("refused")

// trialWrite is write i of a trial: it puts its key, then, every mod
// writes, fails (the 7th) or panics (the 13th).
func trialWrite(bucket []byte, i, mod int) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucket).Put([]byte(fmt.Sprint(i)), []byte("x")); err != nil {
			return err
		}
		switch i % mod {
		case 7:
			return errRefused
		case 13:
			panic("a bug in one write")
		}
		return nil
	}
}

// trialFails tells the writes of a trial that fail or panic.
func trialFails(i, mod int) bool { return i%mod == 7 || i%mod == 13 }

// checkTrial holds each write's outcome against the file: one that failed
// or panicked returns its own error and wrote nothing, the others are all
// written.
func checkTrial(t *testing.T, db *DB, bucket []byte, errs []error, mod int) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for i := range errs {
			written := tx.Bucket(bucket).Get([]byte(fmt.Sprint(i))) != nil
			switch i % mod {
			case 7:
				if !errors.Is(errs[i], errRefused) || written {
					return fmt.Errorf("write %d: %v, written %v; want its own error and nothing written", i, errs[i], written)
				}
			case 13:
				if !errors.Is(errs[i], ErrPanicked) || errors.Is(errs[i], ErrDamaged) || written {
					return fmt.Errorf("write %d panicked: %v, written %v; want ErrPanicked and nothing written", i, errs[i], written)
				}
			default:
				if errs[i] != nil || !written {
					return fmt.Errorf("write %d: %v, written %v", i, errs[i], written)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The inbox's write commits at once, without waiting for the writes
// gathering for the next commit: the platform's next batch of updates
// waits on it.
func TestReceiveDoesNotWaitForOthers(t *testing.T) {
	db, bucket := trialDB(t)
	// Batches would gather for an hour, and a write is already running,
	// so the next ones gather.
	db.commits.wait = func(int32) time.Duration { return time.Hour }
	db.commits.writers.Add(1)
	defer db.commits.writers.Add(-1)
	gathered := make(chan error, 1)
	go func() {
		gathered <- db.update(t.Context(), func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte("a"), []byte("x")) })
	}()
	for { // until that write waits in a batch
		db.commits.mu.Lock()
		waiting := db.commits.pending != nil && len(db.commits.pending.calls) == 1
		db.commits.mu.Unlock()
		if waiting {
			break
		}
		runtime.Gosched()
	}
	if err := db.Receive(t.Context(), []Incoming{{Channel: "telegram", ChatID: "1", Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	in, err := db.Inbox(t.Context(), 0, 10)
	if err != nil || len(in) != 1 {
		t.Fatalf("inbox %v, %v; want the update", in, err)
	}
	// The gathered write still waits for its batch; it commits when the
	// batch does.
	select {
	case err := <-gathered:
		t.Fatalf("the gathered write returned (%v) before its batch committed", err)
	default:
	}
	db.commit(db.commits.pending)
	if err := <-gathered; err != nil {
		t.Fatal(err)
	}
}

// The inbox's write goes before the writes waiting for the file, whether
// they came before or after it: every chat waits on it.
func TestReceiveGoesFirst(t *testing.T) {
	db, _ := trialDB(t)
	g := &db.commits.gate
	// Which goroutine a freed lock wakes first is the runtime's choice:
	// rounds enough that the inbox's write could not go first every time
	// by chance.
	for round := range 20 {
		g.enter(false) // a commit under way
		// The inbox's write and answers' writes wait for the file, the
		// inbox's first in even rounds, last in odd ones.
		received := make(chan error, 1)
		receive := func() {
			go func() {
				received <- db.Receive(t.Context(), []Incoming{{Channel: "telegram", ChatID: "1", Payload: []byte(`{}`)}})
			}()
			waitFor(g, func() bool { return g.urgent == 1 })
		}
		if round%2 == 0 {
			receive()
		}
		const answers = 20
		inboxFirst := make(chan bool, answers)
		for range answers {
			go func() {
				err := db.updateTx(func(tx *bolt.Tx) error {
					inboxFirst <- tx.Bucket(bucketInbox).Stats().KeyN == round+1
					return nil
				}, false)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		waitFor(g, func() bool { return g.waiting == answers })
		if round%2 == 1 {
			receive()
		}
		g.leave()
		if err := <-received; err != nil {
			t.Fatal(err)
		}
		for range answers {
			if !<-inboxFirst {
				t.Fatalf("round %d: an answer's write went before the inbox's, which came after it", round)
			}
		}
	}
}

// waitFor waits until cond, read under the gate's lock, holds.
func waitFor(g *gate, cond func() bool) {
	for {
		g.mu.Lock()
		ok := cond()
		g.mu.Unlock()
		if ok {
			return
		}
		runtime.Gosched()
	}
}

// BenchmarkReceiveWebhook stores updates one at a time from 40 callers at
// once, as a webhook does when Telegram delivers over 40 connections (its default):
// an op is one update stored, durable when Receive returns.
//
//	go test ./store -run '^$' -bench ReceiveWebhook -benchtime 5000x
func BenchmarkReceiveWebhook(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "inbox.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	payload := []byte(`{"channel":"telegram","chat_id":"5512345678","message_id":"900001","in_order":true,"text":"Có","at":"2026-11-30T09:00:00Z"}`)
	b.SetParallelism(20) // 40 callers on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.Receive(b.Context(), []Incoming{{Channel: "telegram", ChatID: "5512345678", Payload: payload}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n, _, err := db.Queues(b.Context()); err != nil || n != b.N {
		b.Fatalf("%d updates in the inbox after %d stored (%v)", n, b.N, err)
	}
}

// The inbox's writes that come while one waits for the file go together
// in the next commit, each with its own outcome: a webhook's updates come
// many at once.
func TestInboxWritesShareCommits(t *testing.T) {
	db, bucket := trialDB(t)
	g := &db.commits.gate
	g.enter(false) // a commit under way: the inbox's writes wait for the file
	const writers = 50
	errs := make([]error, writers)
	txs := make([]int, writers) // the transaction each write was last run in
	var wg sync.WaitGroup
	for i := range writers {
		write := trialWrite(bucket, i, 25)
		wg.Go(func() {
			errs[i] = db.updateNow(t.Context(), func(tx *bolt.Tx) error {
				txs[i] = tx.ID()
				return write(tx)
			})
		})
	}
	for { // until all of them wait
		db.commits.urgent.mu.Lock()
		n := len(db.commits.urgent.pending)
		db.commits.urgent.mu.Unlock()
		if n == writers {
			break
		}
		runtime.Gosched()
	}
	g.leave()
	wg.Wait()
	checkTrial(t, db, bucket, errs, 25)
	shared := map[int]bool{}
	for i := range writers {
		if !trialFails(i, 25) {
			shared[txs[i]] = true
		}
	}
	if len(shared) != 1 {
		t.Errorf("the %d writes that succeeded were committed in %d transactions, want 1", writers-4, len(shared))
	}
}

// A shared commit that panics once its pages are written (here a bug in
// an OnCommit hook, run when the commit is on disk; the store sets none)
// tells every write it carries, urgent (the inbox's) or gathered, and
// lets the file go: none waits forever, and the next write commits. A bug
// is not a damaged file (TestSharedCommitThatFaultsIsDamaged is the
// file's fault).
func TestSharedCommitThatPanicsTellsEveryWrite(t *testing.T) {
	for _, urgent := range []bool{true, false} {
		t.Run(fmt.Sprint("urgent=", urgent), func(t *testing.T) {
			for i, err := range panicInSharedCommit(t, urgent, func() { panic("a bug in the commit") }) {
				if !errors.Is(err, ErrPanicked) || errors.Is(err, ErrDamaged) {
					t.Errorf("write %d: %v, want ErrPanicked, not ErrDamaged", i, err)
				}
			}
		})
	}
}

// panicInSharedCommit runs 20 writes in one commit, urgent or gathered,
// the commit calling hook once its pages are written; it returns each
// write's error, once it has checked that a write after them commits.
func panicInSharedCommit(t *testing.T, urgent bool, hook func()) []error {
	db, bucket := trialDB(t)
	g := &db.commits.gate
	if urgent {
		g.enter(false) // a commit under way: the inbox's writes wait together
	} else {
		db.commits.wait = func(int32) time.Duration { return time.Hour }
		db.commits.writers.Add(1) // another write under way: these gather
	}
	const writers = 20
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = db.write(t.Context(), func(tx *bolt.Tx) error {
				if i == writers/2 {
					tx.OnCommit(hook)
				}
				return tx.Bucket(bucket).Put([]byte(fmt.Sprint(i)), []byte("x"))
			}, urgent)
		})
	}
	for { // until all of them wait
		n := 0
		if urgent {
			db.commits.urgent.mu.Lock()
			n = len(db.commits.urgent.pending)
			db.commits.urgent.mu.Unlock()
		} else {
			db.commits.mu.Lock()
			if db.commits.pending != nil {
				n = len(db.commits.pending.calls)
			}
			db.commits.mu.Unlock()
		}
		if n == writers {
			break
		}
		runtime.Gosched()
	}
	if urgent {
		g.leave()
	} else {
		db.commits.writers.Add(-1)
		db.commits.mu.Lock()
		b := db.commits.pending
		db.commits.mu.Unlock()
		go db.commit(b)
	}
	wg.Wait()
	if err := db.write(t.Context(), func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte("after"), []byte("x")) }, urgent); err != nil {
		t.Fatalf("the write after: %v", err)
	}
	return errs
}

// Writes of every kind under way when the file closes all return, and
// every one that returned no error is in the file when it opens again.
func TestWritesUnderWayAtCloseReturn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "commits.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	bucket := []byte("commits_test")
	if err := db.bolt.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	const writers = 300
	errs := make([]error, writers)
	started := make(chan struct{}, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			started <- struct{}{}
			errs[i] = db.write(t.Context(), func(tx *bolt.Tx) error {
				if i%37 == 5 {
					return errors.New("refused")
				}
				return tx.Bucket(bucket).Put([]byte(fmt.Sprint(i)), []byte("x"))
			}, i%3 == 0)
		})
	}
	for range writers / 2 {
		<-started
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acknowledged := 0
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for i := range writers {
			if errs[i] != nil {
				continue
			}
			acknowledged++
			if tx.Bucket(bucket).Get([]byte(fmt.Sprint(i))) == nil {
				return fmt.Errorf("write %d returned no error and is not in the file", i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d writes acknowledged before the close", acknowledged, writers)
}

// Writes of both kinds at once, some failing, each commit once: a counter
// every write adds one to ends at the writes acknowledged, each of those
// is in the file, and the gate and queues are left empty.
func TestMixedWritesCommitOnce(t *testing.T) {
	db, bucket := trialDB(t)
	const writers = 400
	errs := make([]error, writers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			errs[i] = db.write(t.Context(), func(tx *bolt.Tx) error {
				b := tx.Bucket(bucket)
				var n int
				fmt.Sscan(string(b.Get([]byte("n"))), &n)
				if err := b.Put([]byte("n"), []byte(fmt.Sprint(n+1))); err != nil {
					return err
				}
				if err := b.Put([]byte(fmt.Sprint(i)), []byte("x")); err != nil {
					return err
				}
				if i%41 == 3 {
					return errors.New("refused")
				}
				return nil
			}, i%2 == 0)
		})
	}
	close(start)
	wg.Wait()
	acknowledged := 0
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for i := range writers {
			written := b.Get([]byte(fmt.Sprint(i))) != nil
			if (errs[i] == nil) != written {
				return fmt.Errorf("write %d: %v, written %v", i, errs[i], written)
			}
			if written {
				acknowledged++
			}
		}
		var n int
		fmt.Sscan(string(b.Get([]byte("n"))), &n)
		if n != acknowledged {
			return fmt.Errorf("the counter is %d after %d writes acknowledged", n, acknowledged)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g := &db.commits.gate
	g.mu.Lock()
	busy, urgent, waiting := g.busy, g.urgent, g.waiting
	g.mu.Unlock()
	db.commits.urgent.mu.Lock()
	queued := len(db.commits.urgent.pending)
	db.commits.urgent.mu.Unlock()
	db.commits.mu.Lock()
	gathering := db.commits.pending != nil
	db.commits.mu.Unlock()
	if busy || urgent != 0 || waiting != 0 || queued != 0 || gathering || db.commits.writers.Load() != 0 {
		t.Fatalf("left: busy %v, %d urgent and %d other writes waiting, %d queued, a batch gathering %v, %d writers",
			busy, urgent, waiting, queued, gathering, db.commits.writers.Load())
	}
}

// The inbox's writes go first, but not twice running while answers'
// writes wait: a webhook's flood of updates does not hold the answers back.
func TestInboxWritesLetAnswersThrough(t *testing.T) {
	db, _ := trialDB(t)
	g := &db.commits.gate
	order := make(chan string, 3)
	write := func(name string, urgent bool) {
		go func() {
			err := db.updateTx(func(*bolt.Tx) error { order <- name; return nil }, urgent)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	g.enter(true) // an inbox write under way
	write("answer", false)
	waitFor(g, func() bool { return g.waiting == 1 })
	write("inbox", true)
	waitFor(g, func() bool { return g.urgent == 1 })
	g.leave()
	if first, second := <-order, <-order; first != "answer" || second != "inbox" {
		t.Fatalf("after an inbox write, %s went before %s; want the answer's first", first, second)
	}
}

// A bug in a transaction's function, alone or in a shared commit, a read
// or a write, is ErrPanicked, not ErrDamaged: told its file was damaged,
// an office would put a backup back over a sound file. Nothing of the
// write is kept, and the file goes on.
func TestBugIsNotDamage(t *testing.T) {
	db, bucket := trialDB(t)
	var missing *User
	bug := func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucket).Put([]byte("half"), []byte("x")); err != nil {
			return err
		}
		_ = missing.Name // a nil dereference: a fault at address 0 is a bug, not the file
		return nil
	}
	for name, run := range map[string]func() error{
		"write":  func() error { return db.write(t.Context(), bug, false) },
		"urgent": func() error { return db.write(t.Context(), bug, true) },
		"read":   func() error { return db.view(t.Context(), func(tx *bolt.Tx) error { _ = missing.Name; return nil }) },
	} {
		err := run()
		if !errors.Is(err, ErrPanicked) || errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "TestBugIsNotDamage") {
			t.Errorf("%s: %v; want ErrPanicked naming where, not ErrDamaged", name, err)
		}
	}
	err := db.view(t.Context(), func(tx *bolt.Tx) error {
		if tx.Bucket(bucket).Get([]byte("half")) != nil {
			return errors.New("half a write was kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.write(t.Context(), func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte("after"), []byte("x")) }, false); err != nil {
		t.Fatalf("the write after: %v", err)
	}
}
