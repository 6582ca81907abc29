//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// A shared commit that faults on memory, as bbolt does reading a page of a
// file cut short under it, tells every write the file is damaged. (The
// fault comes from an OnCommit hook, once the commit is on disk: what
// matters here is how a fault in the commit is told, not what was kept.)
func TestSharedCommitThatFaultsIsDamaged(t *testing.T) {
	for _, urgent := range []bool{true, false} {
		t.Run(fmt.Sprint("urgent=", urgent), func(t *testing.T) {
			for i, err := range panicInSharedCommit(t, urgent, func() { readUnmapped(t) }) {
				if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrPanicked) {
					t.Errorf("write %d: %v, want ErrDamaged", i, err)
				}
			}
		})
	}
}

// readUnmapped reads a page that is no longer mapped: a fault, which the
// store's guarded calls (SetPanicOnFault) turn into a panic.
func readUnmapped(t *testing.T) {
	page, err := syscall.Mmap(-1, 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Munmap(page); err != nil {
		t.Fatal(err)
	}
	faulted = page[0] // a read the compiler keeps
}

var faulted byte
