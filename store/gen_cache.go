package store

import (
	"sync"
	"sync/atomic"
)

// genCache keeps a value read from the file with the generation it was
// read at. Every write that touches what it holds bumps the generation
// before it starts and after it commits, so that a value read meanwhile,
// possibly from the old data, is never taken for the new one. One cache
// serves the file's owner and its borrowers; the file lock keeps other
// processes out.
type genCache[T any] struct {
	gen atomic.Uint64
	mu  sync.Mutex
	val T
	ok  bool
	at  uint64 // the generation val was read at
}

// changing marks the value as changing; call the result when the write is
// over (committed or not).
func (c *genCache[T]) changing() func() {
	c.gen.Add(1)
	return func() { c.gen.Add(1) }
}

// get gives the value kept, or reads it when it changed since.
func (c *genCache[T]) get(read func() (T, error)) (T, error) {
	gen := c.gen.Load()
	c.mu.Lock()
	if c.ok && c.at == gen {
		v := c.val
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := read()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.gen.Load() == gen && (!c.ok || c.at != gen) {
		c.val, c.ok, c.at = v, true, gen
	}
	c.mu.Unlock()
	return v, nil
}
