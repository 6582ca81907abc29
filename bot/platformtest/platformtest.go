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

// HouseholdAnswers are the terminal or chat answers that take a village head
// through the household questionnaire from the menu, for a poor household
// of the demo village (a ward, so urban: line 2.0 million):
// 5 people, 2 of working age, 2 children, 4.5 million a month.
var HouseholdAnswers = []string{
	"1",      // menu: household status
	"lương",  // search the register
	"1",      // Lương Thị Lan
	"5",      // members
	"2",      // working age
	"2",      // children
	"4tr5",   // income: 0.9 per person
	"co",     // job: lacking
	"khong",  // nutrition
	"có",     // insurance: lacking
	"k",      // adult education
	"k",      // schooling
	"k",      // house quality
	"bỏ qua", // photo of the house
	"bỏ qua", // where it stands
	"45",     // 9 m² per person: fine
	"co",     // water
	"co",     // latrine
	"co",     // internet
	"co",     // info means
	"2,3",    // causes
	"co",     // exit plan
	"1",      // needs
	"-",      // note
}
