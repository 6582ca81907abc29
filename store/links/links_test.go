package links_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"sothon/store/links"
	"sothon/store/storetest"
)

// The key is made once and kept; a file's link is signed as the server
// signed it before photos (so links handed out then still open); a
// photo's link is checked against its hash and expiry, and expires.
func TestLinks(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if f, err := links.Photos(ctx, db, "https://sothon.example.vn", time.Now()); err != nil || f != nil {
		t.Fatalf("before the server made a key: %v, links %v", err, f != nil)
	}
	s, err := links.New(ctx, db, "https://sothon.example.vn/")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := links.Key(ctx, db)
	if len(s.Key) != 48 || string(again) != string(s.Key) {
		t.Fatalf("key %q, again %q", s.Key, again)
	}
	mac := hmac.New(sha256.New, s.Key)
	mac.Write([]byte("file:abc"))
	if got := s.File("abc"); got != "https://sothon.example.vn/files/abc?s="+hex.EncodeToString(mac.Sum(nil)) {
		t.Fatalf("file link %q", got)
	}
	hash := strings.Repeat("ab", 32)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	photo, err := links.Photos(ctx, db, "https://sothon.example.vn", now)
	if err != nil || photo == nil {
		t.Fatal(err)
	}
	u, err := url.Parse(photo(hash))
	if err != nil || u.Path != "/photos/"+hash+".jpg" {
		t.Fatalf("photo link %q", photo(hash))
	}
	e, sig := u.Query().Get("e"), u.Query().Get("s")
	for _, c := range []struct {
		hash, e, sig string
		at           time.Time
		want         error
	}{
		{hash, e, sig, now, nil},
		{hash, e, sig, now.Add(links.PhotoLife - time.Second), nil},
		{hash, e, sig, now.Add(links.PhotoLife), links.ErrExpired},
		{strings.Repeat("cd", 32), e, sig, now, links.ErrNotOurs},
		{hash, e + "0", sig, now, links.ErrNotOurs},
		{hash, e, sig[1:], now, links.ErrNotOurs},
		{hash, "x", sig, now, links.ErrNotOurs},
	} {
		if err := s.CheckPhoto(c.hash, c.e, c.sig, c.at); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%s… e=%s at %v: %v, want %v", c.hash[:4], c.e, c.at, err, c.want)
		}
	}
	if (links.Signer{}).CheckPhoto(hash, e, sig, now) == nil {
		t.Error("a signer without a key took a link")
	}
}
