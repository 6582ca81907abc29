// Package platformtest holds what the fake chat platforms share: a
// recorder of the calls a bot made, and waiting for a state to hold.
package platformtest

import (
	"sync"
	"time"
)

// Recorder keeps the calls made to a fake, safe for concurrent use.
type Recorder[C any] struct {
	mu    sync.Mutex
	calls []C
}

// Record adds a call.
func (r *Recorder[C]) Record(c C) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

// Select returns the calls for which keep is true, in order.
func (r *Recorder[C]) Select(keep func(C) bool) []C {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []C
	for _, c := range r.calls {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor polls cond until it holds or timeout passes, and says which.
// Tests wait on a state this way, never on a fixed time.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}
