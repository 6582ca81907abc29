package console

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sothon/office/register"
)

// Uploads wait this long between their check and their saving.
const uploadTTL = time.Hour

// uploadsPerAdmin bounds the uploads an admin has, their files and their
// reports: a further upload replaces the oldest.
const uploadsPerAdmin = 2

// uploadSuffix names the files of the uploads folder, so that clearing it
// touches nothing else.
const uploadSuffix = ".upload"

// What an upload is doing.
type uploadState int

const (
	uploadWaiting  uploadState = iota // for its turn to be checked
	uploadChecking                    // its rows being read
	uploadChecked                     // its report ready, its file waiting to be saved
	uploadRefused                     // nothing to save: no file kept
	uploadSaving
	uploadSaved // no file kept
)

// upload is a register uploaded to the console: a file in the uploads
// folder (never in the database) while it may be saved, and what its check
// or its saving found.
type upload struct {
	id, owner, name, path string
	at                    time.Time
	seq                   uint64 // the order of uploads made at the same moment
	// Rows read by the check, or households stored by the saving.
	done, total atomic.Int64

	// Under uploads.mu.
	state    uploadState
	saving   bool // the work in hand is a saving, waiting or running
	res      register.Result
	err      error
	cancel   context.CancelFunc // stops the check in hand
	finished chan struct{}      // closed when the work in hand ends
	queued   chan struct{}      // closed when that work waits for its turn
}

// hasFile tells an upload whose file is kept.
func (u *upload) hasFile() bool { return u.state != uploadRefused && u.state != uploadSaved }

// uploads keeps the console's uploads: their files in a folder of their own
// beside the database, 0600, named by a random id, for an hour at most.
// One check or saving runs at a time, so that the memory they take (a
// bounded amount each) is taken once.
type uploads struct {
	mu   sync.Mutex
	dir  string // made on the first upload when ""
	all  map[string]*upload
	turn chan struct{}
	made uint64 // uploads made so far, for their seq
}

func newUploads(dir string) *uploads {
	u := &uploads{dir: dir, all: map[string]*upload{}, turn: make(chan struct{}, 1)}
	if dir != "" {
		u.clear()
	}
	return u
}

// clear removes the files a previous run of the server left: nothing points
// to them any more. The checks' own temporary files (an XLSX's shared
// strings) are named sothon-….
func (us *uploads) clear() {
	entries, _ := os.ReadDir(us.dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), uploadSuffix) || strings.HasPrefix(e.Name(), "sothon-") {
			os.Remove(filepath.Join(us.dir, e.Name()))
		}
	}
}

// create makes the file of a new upload of owner's, after making room: the
// owner's oldest uploads past uploadsPerAdmin are dropped (but one being
// saved), as are uploads past their hour.
func (us *uploads) create(owner, name string, now time.Time) (*upload, *os.File, error) {
	us.mu.Lock()
	defer us.mu.Unlock()
	if us.dir == "" {
		dir, err := os.MkdirTemp("", "sothon-uploads-")
		if err != nil {
			return nil, nil, err
		}
		us.dir = dir
	}
	if err := os.MkdirAll(us.dir, 0o700); err != nil {
		return nil, nil, err
	}
	us.pruneLocked(now)
	var mine []*upload
	for _, up := range us.all {
		if up.owner == owner && !up.saving {
			mine = append(mine, up)
		}
	}
	slices.SortFunc(mine, func(a, b *upload) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq)) })
	for len(mine) >= uploadsPerAdmin {
		us.dropLocked(mine[0])
		mine = mine[1:]
	}
	b := make([]byte, 16)
	rand.Read(b)
	us.made++
	up := &upload{id: hex.EncodeToString(b), owner: owner, name: name, at: now, seq: us.made, state: uploadWaiting, finished: make(chan struct{})}
	up.path = filepath.Join(us.dir, up.id+uploadSuffix)
	f, err := os.OpenFile(up.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	close(up.finished) // nothing in hand until a check begins
	us.all[up.id] = up
	return up, f, nil
}

// get finds an upload of owner's within its hour.
func (us *uploads) get(id, owner string, now time.Time) (*upload, bool) {
	us.mu.Lock()
	defer us.mu.Unlock()
	up, ok := us.all[id]
	if !ok || up.owner != owner || now.Sub(up.at) > uploadTTL {
		return nil, false
	}
	return up, true
}

// drop forgets an upload and removes its file, stopping its check.
func (us *uploads) drop(up *upload) {
	us.mu.Lock()
	defer us.mu.Unlock()
	us.dropLocked(up)
}

func (us *uploads) dropLocked(up *upload) {
	if up.cancel != nil {
		up.cancel()
	}
	os.Remove(up.path)
	delete(us.all, up.id)
}

// prune drops the uploads past their hour; it says how many.
func (us *uploads) prune(now time.Time) int {
	us.mu.Lock()
	defer us.mu.Unlock()
	return us.pruneLocked(now)
}

func (us *uploads) pruneLocked(now time.Time) int {
	n := 0
	for _, up := range us.all {
		if now.Sub(up.at) > uploadTTL && !up.saving {
			us.dropLocked(up)
			n++
		}
	}
	return n
}

// begin starts work on an upload in the background: work runs in its turn,
// and what it returns is the upload's new state. It is refused (false)
// when other work on the upload is in hand.
func (us *uploads) begin(up *upload, state uploadState, work func(ctx context.Context) (uploadState, register.Result, error)) bool {
	us.mu.Lock()
	defer us.mu.Unlock()
	select {
	case <-up.finished:
	default:
		return false
	}
	if _, ok := us.all[up.id]; !ok {
		return false
	}
	// A saving runs to its end: its batches are stored as it goes.
	ctx, cancel := context.WithCancel(context.Background())
	if state == uploadSaving {
		ctx = context.WithoutCancel(ctx)
	}
	up.state, up.saving, up.cancel = uploadWaiting, state == uploadSaving, cancel
	up.finished, up.queued = make(chan struct{}), make(chan struct{})
	up.done.Store(0)
	finished, queued := up.finished, up.queued
	go func() {
		defer close(finished)
		defer cancel()
		select {
		case us.turn <- struct{}{}:
		default:
			close(queued)
			select {
			case us.turn <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
		defer func() { <-us.turn }()
		us.set(up, state)
		next, res, err := work(ctx)
		us.mu.Lock()
		defer us.mu.Unlock()
		if _, ok := us.all[up.id]; !ok { // dropped meanwhile
			return
		}
		up.state, up.res, up.err, up.cancel, up.saving = next, res, err, nil, false
		if !up.hasFile() {
			os.Remove(up.path)
		}
	}()
	return true
}

func (us *uploads) set(up *upload, state uploadState) {
	us.mu.Lock()
	defer us.mu.Unlock()
	up.state = state
}

// status is an upload's state and result, read together; a saving that
// waits for its turn reads as saving.
func (us *uploads) status(up *upload) (uploadState, register.Result, error) {
	us.mu.Lock()
	defer us.mu.Unlock()
	if up.saving {
		return uploadSaving, up.res, up.err
	}
	return up.state, up.res, up.err
}

// wait waits until the work in hand on an upload ends, for a while at
// most, or the request ends; it says whether the work ended. Work that
// must wait for its turn is not waited for.
func (us *uploads) wait(ctx context.Context, up *upload, d time.Duration) bool {
	us.mu.Lock()
	finished, queued := up.finished, up.queued
	us.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-finished:
		return true
	case <-queued:
	case <-ctx.Done():
	case <-timer.C:
	}
	return false
}
