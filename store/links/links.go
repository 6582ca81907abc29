// Package links signs the addresses the server hands out for its files —
// a chart or spreadsheet kept for Zalo, a stored photo named in an export
// — so that each opens only to whoever holds its link, and a photo's only
// until its link expires. The key is kept in the database, so that links
// outlive a restart and the command line signs as the server checks.
package links

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sothon/store"
)

// PhotoLife is how long a photo's link in an export opens: long enough
// to open a spreadsheet the week it was sent.
const PhotoLife = 7 * 24 * time.Hour

// KeySetting keeps the key that signs links across restarts (the server's
// file links have used it since before photos).
const KeySetting = "file_link_secret"

// Key is the key that signs links, made on first use.
func Key(ctx context.Context, db *store.DB) ([]byte, error) {
	key, err := db.Setting(ctx, KeySetting)
	if err != nil || key != "" {
		return []byte(key), err
	}
	b := make([]byte, 24)
	rand.Read(b)
	key = hex.EncodeToString(b)
	if err := db.SetSetting(ctx, KeySetting, key); err != nil {
		return nil, fmt.Errorf("links: keep key: %w", err)
	}
	return []byte(key), nil
}

// Signer signs and checks links under a public address.
type Signer struct {
	Key  []byte
	Base string // the public address, "https://sothon.example.vn"
}

// New is a signer with the database's key under a public address.
func New(ctx context.Context, db *store.DB, publicURL string) (Signer, error) {
	key, err := Key(ctx, db)
	if err != nil {
		return Signer{}, err
	}
	return Signer{Key: key, Base: strings.TrimRight(publicURL, "/")}, nil
}

// Sign is the MAC of a message, in hex.
func (s Signer) Sign(msg string) string {
	mac := hmac.New(sha256.New, s.Key)
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

// Valid reports whether sig is the MAC of msg, for a signer with a key.
func (s Signer) Valid(msg, sig string) bool {
	return len(s.Key) > 0 && hmac.Equal([]byte(sig), []byte(s.Sign(msg)))
}

// File is the link to a kept file (store.File) by its id.
func (s Signer) File(id string) string {
	return s.Base + "/files/" + id + "?s=" + s.Sign(fileMessage(id))
}

// FileValid checks a kept file's link.
func (s Signer) FileValid(id, sig string) bool { return s.Valid(fileMessage(id), sig) }

func fileMessage(id string) string { return "file:" + id }

// Photo is the link to a stored photo (by its content hash) that opens
// until expires: /photos/HASH.jpg?e=UNIX&s=MAC.
func (s Signer) Photo(hash string, expires time.Time) string {
	e := strconv.FormatInt(expires.Unix(), 10)
	return s.Base + "/photos/" + hash + ".jpg?e=" + e + "&s=" + s.Sign(photoMessage(hash, e))
}

// Errors of CheckPhoto.
var (
	ErrNotOurs = errors.New("links: not a link this server signed")
	ErrExpired = errors.New("links: link expired")
)

// CheckPhoto checks a photo's link at now: ErrNotOurs when its MAC is
// wrong, ErrExpired when it was ours but has expired.
func (s Signer) CheckPhoto(hash, e, sig string, now time.Time) error {
	unix, err := strconv.ParseInt(e, 10, 64)
	switch {
	case err != nil || !s.Valid(photoMessage(hash, e), sig):
		return ErrNotOurs
	case !now.Before(time.Unix(unix, 0)):
		return ErrExpired
	}
	return nil
}

func photoMessage(hash, expires string) string { return "photo:" + hash + ":" + expires }

// Photos is the function an export names photos by: each its link for
// PhotoLife from now. It is nil without a public address, or before a
// server has run with one and made the key (it reads the key only, so
// that an export from a read-only copy works), and the export then leaves
// its links empty.
func Photos(ctx context.Context, db *store.DB, publicURL string, now time.Time) (func(hash string) string, error) {
	if publicURL == "" {
		return nil, nil
	}
	key, err := db.Setting(ctx, KeySetting)
	if err != nil || key == "" {
		return nil, err
	}
	s := Signer{Key: []byte(key), Base: strings.TrimRight(publicURL, "/")}
	expires := now.Add(PhotoLife)
	return func(hash string) string { return s.Photo(hash, expires) }, nil
}
