package store

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A change in a shared commit that fails there (its Replies panic once,
// after its user was given an id) runs again alone: the id it was given in
// the failed attempt is not kept, as the commit gave it to the next user.
// Every caller gets back the ids its user and identity were stored under.
func TestApplyRunAgainGetsItsOwnIDs(t *testing.T) {
	db, _ := trialDB(t)
	db.commits.wait = func(int32) time.Duration { return time.Hour }
	db.commits.writers.Add(1) // another write under way: these gather
	const writers = 10
	users := make([]User, writers)
	ids := make([]Identity, writers)
	errs := make([]error, writers)
	var once sync.Once
	var wg sync.WaitGroup
	for i := range writers {
		users[i] = User{Name: fmt.Sprint("head ", i)}
		ids[i] = Identity{Channel: "telegram", ChatID: fmt.Sprint(100 + i)}
		ch := Change{At: time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC), User: &users[i], Identity: &ids[i]}
		if i == 3 {
			ch.Replies = func(Applied) []Message {
				once.Do(func() { panic("a bug that strikes once") })
				return nil
			}
		}
		wg.Go(func() { _, errs[i] = db.Apply(t.Context(), ch) })
		for { // one after the other: the commit runs them in this order
			db.commits.mu.Lock()
			n := 0
			if db.commits.pending != nil {
				n = len(db.commits.pending.calls)
			}
			db.commits.mu.Unlock()
			if n == i+1 {
				break
			}
			runtime.Gosched()
		}
	}
	db.commits.writers.Add(-1)
	db.commits.mu.Lock()
	b := db.commits.pending
	db.commits.mu.Unlock()
	go db.commit(b)
	wg.Wait()
	seen := map[string]int{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for i := range writers {
			if errs[i] != nil {
				return fmt.Errorf("change %d: %v", i, errs[i])
			}
			if j, ok := seen[users[i].ID]; ok {
				return fmt.Errorf("changes %d and %d both got user %q", j, i, users[i].ID)
			}
			seen[users[i].ID] = i
			if ids[i].UserID != users[i].ID {
				return fmt.Errorf("change %d: identity of %q, user %q", i, ids[i].UserID, users[i].ID)
			}
			var u User
			if err := getUser(tx.Bucket(bucketUsers), []byte(users[i].ID), &u); err != nil || u.Name != users[i].Name {
				return fmt.Errorf("change %d: user %q holds %q (%v), want %q", i, users[i].ID, u.Name, err, users[i].Name)
			}
			if got := string(tx.Bucket(bucketIdentities).Get([]byte(identityKey("telegram", ids[i].ChatID)))); got != users[i].ID {
				return fmt.Errorf("change %d: chat %s is stored for %q, want %q", i, ids[i].ChatID, got, users[i].ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if users[3].ID != fmt.Sprintf("u%05d", writers) {
		t.Errorf("the change run again got %q; want the last id, u%05d (it ran alone, after the others)", users[3].ID, writers)
	}
}

// KnownChats tells only the chats with an identity: not one whose id is
// a prefix of a known one's, nor one a known one's id is a prefix of, nor
// the same chat on another channel; in any order.
func TestKnownChatsExactly(t *testing.T) {
	db, _ := trialDB(t)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, k := range []string{"telegram:12", "telegram:1234", "zalo:5"} {
			if err := tx.Bucket(bucketIdentities).Put([]byte(k), []byte("u00001")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	chats := []ChatRef{{"telegram", "1234"}, {"telegram", "1"}, {"telegram", "12"}, {"telegram", "123"}, {"telegram", "12345"},
		{"zalo", "12"}, {"zalo", "5"}, {"telegram", "5"}, {"telegram", "12"}, {"a", ""}, {"zzz", "9"}}
	want := []bool{true, false, true, false, false, false, true, false, true, false, false}
	got, err := db.KnownChats(t.Context(), chats)
	if err != nil {
		t.Fatal(err)
	}
	for i := range chats {
		if got[i] != want[i] {
			t.Errorf("%v: known %v, want %v", chats[i], got[i], want[i])
		}
	}
	if _, err := db.KnownChats(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}
