package store

import "errors"

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: no record with that key.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: the inbound message was handled before.
	ErrDuplicate = errors.New("store: message already handled")
	// ErrLocked: another process holds the database file.
	// ErrInviteUsed: the invite code was used, possibly a moment ago.
	ErrInviteUsed = errors.New("store: invite already used")
	ErrLocked     = errors.New("store: the database file is in use by another sothon process (is `sothon serve` running?); stop it or point --db at another file")
)
