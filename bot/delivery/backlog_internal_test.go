package delivery

import (
	"testing"

	"sothon/store"
)

// Updates of one chat accepted side by side (two webhook calls at once)
// may reach its queue in another order than the inbox stored them: the
// queue keeps the inbox's.
func TestChatQueueKeepsInboxOrder(t *testing.T) {
	var c chatQueue
	for _, id := range []uint64{3, 1, 4, 2, 6, 5} {
		c.add(waiting{Incoming: store.Incoming{ID: id}})
	}
	for i, w := range c.items {
		if w.ID != uint64(i+1) {
			t.Fatalf("queue holds %v at %d", w.ID, i)
		}
	}
}
