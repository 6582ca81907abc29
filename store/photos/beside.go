package photos

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Beside a photo the store may keep what is known of it or made from it,
// never needed to read it: the id a platform knows it by ("<hash>.<channel>.id")
// and its thumbnail ("<hash>.thumb.jpg"). Either may be lost (a backup
// carries neither, and a platform's id means nothing to another bot) and
// is learnt or made again; a photo removed takes both with it.
//
// A platform's id sits in a file rather than the database because the
// photo is kept before the answer's transaction, outside it, and belongs
// to the file, which several submissions may name: the file and its id
// come and go together, and the database's buckets stay as they are.

// ThumbSide is the longest side of a thumbnail, in pixels: the console's
// lists and pages show photos small, each opening whole.
const ThumbSide = 320

// thumbQuality is a thumbnail's JPEG quality: small, and seen small.
const thumbQuality = 75

const (
	refSuffix   = ".id"
	thumbSuffix = ".thumb.jpg"
	maxRef      = 1 << 10 // a Telegram file_id is about 90 characters
)

// SetRef keeps the id a channel knows a stored photo by (Telegram's
// file_id of the photo a user sent), to send the photo by it rather than
// upload it again.
func (s *Store) SetRef(hash, channel, ref string) error {
	if !validHash(hash) || !validChannel(channel) || ref == "" || len(ref) > maxRef || strings.ContainsAny(ref, "\r\n") {
		return fmt.Errorf("photos: set ref: bad hash, channel or ref")
	}
	if s.Ref(hash, channel) == ref {
		return nil
	}
	if err := s.writeAs(s.refPath(hash, channel), []byte(ref)); err != nil {
		return fmt.Errorf("photos: set ref: %w", err)
	}
	return nil
}

// Ref is the id a channel knows a stored photo by, "" when none is known.
func (s *Store) Ref(hash, channel string) string {
	if !validHash(hash) || !validChannel(channel) {
		return ""
	}
	f, err := os.Open(s.refPath(hash, channel))
	if err != nil {
		return ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRef))
	if err != nil {
		return ""
	}
	return string(data)
}

func (s *Store) refPath(hash, channel string) string {
	return filepath.Join(s.dir, hash+"."+channel+refSuffix)
}

// validChannel is a channel's name as the adapters give it ("telegram"):
// it goes into a file's name.
func validChannel(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Thumb is a stored photo no larger than ThumbSide, as a JPEG: made the
// first time it is asked for and kept beside the photo (when the disk has
// room) for the next. ErrMissing when the photo is not kept.
func (s *Store) Thumb(ctx context.Context, hash string) ([]byte, error) {
	if !validHash(hash) {
		return nil, ErrMissing
	}
	cached := filepath.Join(s.dir, hash+thumbSuffix)
	if data, err := os.ReadFile(cached); err == nil {
		return data, nil
	}
	f, err := s.Open(hash)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("photos: thumbnail: %w", err)
	}
	select { // one picture decoded at a time, as Put does
	case decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out, err := thumbnail(data)
	<-decoding
	if err != nil {
		return nil, fmt.Errorf("photos: thumbnail %s: %w", hash, err)
	}
	if free, err := s.free(); err == nil && free >= s.MinFree+uint64(len(out)) {
		// A cache: a thumbnail not kept is made again when next asked for.
		_ = s.writeAs(cached, out)
	}
	return out, nil
}

// thumbnail decodes a stored photo (a JPEG of ours, but held to
// MaxPixels all the same: the folder may have been written to) and
// encodes it again no larger than ThumbSide.
func thumbnail(data []byte) ([]byte, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return nil, ErrTooManyPixels
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, scaled(img, ThumbSide), &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// removeBeside removes what the store keeps beside a photo it removed;
// what it cannot remove is harmless (Hashes lists photos only).
func (s *Store) removeBeside(hash string) {
	os.Remove(filepath.Join(s.dir, hash+thumbSuffix))
	refs, _ := filepath.Glob(filepath.Join(s.dir, hash+".*"+refSuffix))
	for _, p := range refs {
		os.Remove(p)
	}
}
