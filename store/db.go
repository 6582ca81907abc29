// Package store keeps Sổ Thôn's data in one bbolt file: areas, users,
// households, submissions, runs in progress, the outbox and the audit log.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket names. Index buckets hold keys only.
var (
	bucketMeta        = []byte("meta")
	bucketAreas       = []byte("areas")
	bucketUsers       = []byte("users")
	bucketIdentities  = []byte("identities")
	bucketInvites     = []byte("invites")
	bucketHouseholds  = []byte("households")
	bucketHHByArea    = []byte("households_by_area")
	bucketSubmissions = []byte("submissions")
	bucketSubByArea   = []byte("submissions_by_area")
	bucketRuns        = []byte("runs")
	bucketOutbox      = []byte("outbox")
	bucketSeen        = []byte("seen")
	bucketRounds      = []byte("rounds")
	bucketAudit       = []byte("audit")
	bucketInbox       = []byte("inbox")
	bucketKeyboards   = []byte("keyboards")
	bucketCounters    = []byte("counters")
	bucketFacts       = []byte("facts")
	bucketDigests     = []byte("digests")
	bucketThrottle    = []byte("throttle")
	bucketFiles       = []byte("files")
	bucketLogins      = []byte("logins")
	bucketSessions    = []byte("sessions")
	bucketAPITokens   = []byte("api_tokens")
	bucketTargets     = []byte("targets")
	bucketReviews     = []byte("reviews")
	bucketPending     = []byte("pending")
	bucketSubByHH     = []byte("submissions_by_household") // household id, NUL, form id → questionnaire
	bucketReturned    = []byte("returned")                 // forms returned and not corrected, as in submissions_by_area
	bucketAreaMoves   = []byte("area_moves")               // effective date, NUL, old area id → AreaMove
	bucketMeetings    = []byte("meetings")                 // village, NUL, round → Meeting
	bucketPostings    = []byte("postings")                 // village, NUL, round → Posting
	bucketRequests    = []byte("requests")                 // id → ReviewRequest
)

// lockWait is how long Open waits for another process to let go of the file.
const lockWait = 500 * time.Millisecond

// DB is an open Sổ Thôn database.
type DB struct {
	bolt     *bolt.DB
	path     string
	commits  *commits             // writes joined in shared commits, shared by borrowers
	areas    *genCache[*AreaTree] // the area tree as last read, shared by borrowers
	rounds   *genCache[[]Round]   // every round as last read, shared by borrowers
	borrowed bool                 // Close leaves the file to its owner
}

// Open opens or creates the database file and brings its schema up to date.
// It fails fast with ErrLocked when another process holds the file, and
// with ErrEmpty when the file is there but empty.
func Open(path string) (*DB, error) { return open(path, false) }

// OpenNew is Open for a caller that asked for a new database (`--new`): an
// empty file becomes one too. A file with data in it is never replaced.
func OpenNew(path string) (*DB, error) { return open(path, true) }

func open(path string, fresh bool) (db *DB, err error) {
	if !fresh {
		if err := notEmpty(path); err != nil {
			return nil, err
		}
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait, FreelistType: bolt.FreelistMapType})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
	case errors.As(err, new(*fs.PathError)): // no such folder, no permission
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	case err != nil: // bbolt read the file and found no sound database in it
		return nil, fmt.Errorf("store: open %s: %w (%v)", path, ErrDamaged, err)
	}
	db = newDB(b, path)
	if err := db.whole(); err != nil {
		b.Close()
		return nil, err
	}
	if err := db.migrate(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// OpenReadOnly opens a database for reading only, as on read-only media (a
// backup on a disc); other readers may share it. The file must already
// have this program's schema, as nothing can be migrated.
func OpenReadOnly(path string) (db *DB, err error) {
	if err := notEmpty(path); err != nil {
		return nil, err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockWait})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
	case errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("store: open %s: %w (%v)", path, ErrDamaged, err)
	}
	db = newDB(b, path)
	if err := db.whole(); err != nil {
		b.Close()
		return nil, err
	}
	if v, err := db.Version(); err != nil || v != SchemaVersion {
		b.Close()
		return nil, fmt.Errorf("store: %s has schema %d, this program reads %d: open it once with a command that writes (sothon serve, import, round open) to bring it up to date", path, v, SchemaVersion)
	}
	return db, nil
}

// notEmpty refuses a file that exists with no bytes in it: bbolt would
// quietly make a new database there, and a database that lost everything
// (a copy that never started, a disk full at the first write) would look
// like a fresh start. A file that is not there is left for Open to create.
func notEmpty(path string) error {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() == 0 {
		return fmt.Errorf("store: open %s: %w", path, ErrEmpty)
	}
	return nil
}

// whole checks that the file is as long as its last commit says: a file cut
// short (a copy stopped halfway, a full disk) would fault on the first read
// of a missing page, in a goroutine of bbolt's where no recovery can help.
func (db *DB) whole() error {
	st, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", db.path, err)
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		if st.Size() < tx.Size() {
			return fmt.Errorf("store: open %s: %w (%d bytes, its last commit needs %d)", db.path, ErrDamaged, st.Size(), tx.Size())
		}
		return nil
	})
}

// Close closes the file.
func (db *DB) Close() error {
	if db.borrowed {
		return nil
	}
	return db.bolt.Close()
}

// newDB is the store over an open bbolt file, with its own commits and
// caches.
func newDB(b *bolt.DB, path string) *DB {
	return &DB{bolt: b, path: path, commits: new(commits), areas: new(genCache[*AreaTree]), rounds: new(genCache[[]Round])}
}

// Borrow gives the open database to code that will Close it when done,
// without closing it for its owner: the server lends its file this way to
// the office's commands that come through its admin socket.
func (db *DB) Borrow() *DB {
	return &DB{bolt: db.bolt, path: db.path, commits: db.commits, areas: db.areas, rounds: db.rounds, borrowed: true}
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Backup writes a consistent copy of the database while it stays in use.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// BackupBeside writes a checked copy of the database next to its file
// ("sothon.db.before-reorganise-20250701-080000"), before a change that
// nothing else could undo, and returns its path.
func (db *DB) BackupBeside(ctx context.Context, why string, now time.Time) (string, error) {
	path := db.path + "." + why + "-" + now.Format(backupLayout)
	if _, err := db.BackupFile(ctx, path); err != nil {
		return "", err
	}
	return path, nil
}

// view and update run fn in a transaction unless ctx is already done.
func (db *DB) view(ctx context.Context, fn func(*bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.bolt.View(fn)
}

// damaged turns bbolt's panic on a page it cannot read (a file cut short
// or overwritten) into ErrDamaged, so that a broken file is an error that
// points to the backups rather than a crash. Reading past the end of the
// mapped file is a fault, not a panic, unless SetPanicOnFault is on for
// the goroutine, which every guarded call turns on for its duration.
//
// A panic in Sổ Thôn's own code (a bug in a write's function) is an error
// too, but not ErrDamaged: told the file was damaged, an office would put
// back a backup and lose the answers since, for a file that is sound.
func damaged(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if origin, ours := panicOrigin(r); ours {
		*err = fmt.Errorf("%w: %v (in %s)", ErrPanicked, r, origin)
		return
	}
	*err = fmt.Errorf("%w (%v)", ErrDamaged, r)
}

// panicOrigin names the function a recovered panic began in, called from
// the deferred function that recovered it, and tells whether that is
// outside bbolt and is not a fault on memory: a bug, not a damaged file.
// A fault (SetPanicOnFault's, a page read past the mapped file) carries its
// address; a panic of bbolt's own (a page of the wrong type, a broken
// freelist) begins in bbolt's code. A panic raised again by a deferred
// function on the way (panic(r) after tidying up) is still on the stack
// under the one recovered: every panic there counts (one begun in bbolt
// is the file), and the last raised is named.
func panicOrigin(r any) (origin string, ours bool) {
	if _, fault := r.(interface{ Addr() uintptr }); fault {
		return "", false
	}
	pcs := make([]uintptr, 128)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic" || f.Function == "runtime.sigpanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			if strings.HasPrefix(f.Function, "go.etcd.io/bbolt") {
				return f.Function, false
			}
			if origin == "" {
				origin = f.Function
			}
			panicking = false
		}
		if !more {
			return origin, origin != "" // no frame to blame: as before, the file
		}
	}
}

// update runs fn in a write transaction. When other writes are under way
// (many chats at once), it joins them in one commit (commits.go): one
// fsync for many answers instead of one each. fn may then run more than
// once, so it must only depend on what it reads in the transaction.
func (db *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	return db.write(ctx, fn, false)
}

// updateNow is update for a write that everyone waits on: it commits as
// soon as the file is free, ahead of the writes waiting, never waiting for
// others to join it nor running the answers' writes; the writes of its
// kind that came while it waited for the file (a webhook's updates) go
// with it. fn may run more than once.
func (db *DB) updateNow(ctx context.Context, fn func(*bolt.Tx) error) error {
	return db.write(ctx, fn, true)
}

func (db *DB) write(ctx context.Context, fn func(*bolt.Tx) error, urgent bool) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	c := db.commits
	others := c.writers.Add(1) > 1
	defer c.writers.Add(-1)
	switch {
	case urgent:
		return db.updateUrgent(fn)
	case others:
		return db.batch(fn)
	}
	return db.updateTx(fn, false)
}

// denseFill is the fill of a bucket whose keys only grow (a sequence), or
// that takes thousands of keys a commit (a register): its pages are filled
// whole when they split, where bbolt's default half leaves room for keys
// that will never come between.
const denseFill = 1.0

// seqKey is a sequence number as 8 big-endian bytes, so keys sort by number.
func seqKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// seqOf reads a number seqKey wrote. A key of another length is none the
// store wrote: the file is damaged, and says so, rather than a panic in
// the store's own code that would be taken for a bug (ErrPanicked).
func seqOf(k []byte) (uint64, error) {
	if len(k) != 8 {
		return 0, fmt.Errorf("%w (a key of %d bytes where a number of 8 is kept: %x)", ErrDamaged, len(k), k)
	}
	return binary.BigEndian.Uint64(k), nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getJSON(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	return json.Unmarshal(data, v)
}

// timeKey formats t so that keys sort by time (RFC 3339 in UTC, fixed width).
func timeKey(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

const timeLayout = "2006-01-02T15:04:05Z"

// Check verifies the file's internal consistency (pages, freelist). bbolt's
// check is safe beside other writers only in a writable transaction: on a
// file the server is writing (a `sothon check` or `doctor` through its
// socket), a read-only one can see pages freed by a commit in between and
// call a sound file damaged. So a writable file is checked in a writable
// transaction, rolled back; a read-only file has no other writer.
func (db *DB) Check() (err error) {
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	check := func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: the checker sends every error
			if first == nil {
				first = err
			}
		}
		return first
	}
	if db.bolt.IsReadOnly() {
		return db.bolt.View(check)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		return errCheckedOnly // roll back: the check writes nothing
	})
	if errors.Is(err, errCheckedOnly) {
		return nil
	}
	return err
}

var errCheckedOnly = errors.New("store: checked, nothing written")

// VerifyCopy opens a copy of a database read-only and checks its pages, so
// that a backup counts only once it is known to open.
func VerifyCopy(path string) (err error) {
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockWait})
	if err != nil {
		return fmt.Errorf("store: verify %s: %w (%v)", path, ErrDamaged, err)
	}
	defer b.Close()
	copyDB := newDB(b, path)
	if err := copyDB.whole(); err != nil {
		return err
	}
	if err := copyDB.Check(); err != nil {
		return fmt.Errorf("store: verify %s: %w", path, err)
	}
	return nil
}
