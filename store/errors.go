package store

import "errors"

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: no record with that key.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: the inbound message was handled before.
	ErrDuplicate = errors.New("store: message already handled")
	// ErrInviteUsed: the invite code was used, possibly a moment ago.
	ErrInviteUsed = errors.New("store: invite already used")
	// ErrLocked: another process holds the database file.
	ErrLocked = errors.New("store: the database file is in use by another sothon process (is `sothon serve` running?); stop it or point --db at another file")
	// ErrDamaged: the file is not a sound database (cut short, overwritten).
	ErrDamaged = errors.New("store: the database file is damaged; restore the newest backup (from SOTHON_BACKUP_DIR, or a copy made with `sothon backup`)")
	// ErrPanicked: a transaction's own code panicked (a bug), not the
	// file: a write whose function panicked is rolled back.
	ErrPanicked = errors.New("store: a transaction failed on a bug in Sổ Thôn, not in the database file; do not restore a backup for it")
	// ErrEmpty: the file is there with nothing in it. It is damaged too
	// (errors.Is(ErrEmpty, ErrDamaged)), unless a new database was asked for.
	ErrEmpty error = emptyFile{}
)

type emptyFile struct{}

func (emptyFile) Error() string {
	return "store: the database file is empty: restore the newest backup (from SOTHON_BACKUP_DIR, or a copy made with `sothon backup`), or start anew with --new"
}

func (emptyFile) Is(target error) bool { return target == ErrDamaged }
