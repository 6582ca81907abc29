package photos_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sothon/store/photos"
	"sothon/store/photos/photostest"
)

// A photo's thumbnail is a JPEG no larger than ThumbSide, kept beside it
// for the next time and gone with it; no thumbnail of a photo not kept.
func TestThumb(t *testing.T) {
	s := newStore(t)
	st, err := s.Put(ctx, bytes.NewReader(photostest.JPEG(1200, 900, 1)))
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.Thumb(ctx, st.Hash)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != photos.ThumbSide || b.Dy() != 240 {
		t.Fatalf("thumbnail %v", b)
	}
	if hashes, _ := s.Hashes(); len(hashes) != 1 {
		t.Fatalf("the thumbnail is listed as a photo: %v", hashes)
	}
	cached, _ := filepath.Glob(filepath.Join(s.Dir(), st.Hash+".thumb.jpg"))
	if len(cached) != 1 {
		t.Fatal("the thumbnail was not kept")
	}
	if again, err := s.Thumb(ctx, st.Hash); err != nil || !bytes.Equal(again, data) {
		t.Fatalf("asked again: %v", err)
	}

	small, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(100, 60, 2)))
	data, _ = s.Thumb(ctx, small.Hash)
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != 100 || cfg.Height != 60 {
		t.Fatalf("a small photo's thumbnail: %+v %v", cfg, err)
	}

	if _, err := s.Thumb(ctx, strings.Repeat("ab", 32)); !errors.Is(err, photos.ErrMissing) {
		t.Fatalf("a photo not kept: %v", err)
	}
	if _, err := s.Thumb(ctx, "../../etc/passwd"); !errors.Is(err, photos.ErrMissing) {
		t.Fatalf("a path for a hash: %v", err)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(s.Path(st.Hash), old, old)
	if removed, _ := s.RemoveBefore(st.Hash, time.Now().Add(-time.Hour)); !removed {
		t.Fatal("not removed")
	}
	if left, _ := filepath.Glob(filepath.Join(s.Dir(), st.Hash+"*")); len(left) != 0 {
		t.Fatalf("left beside a removed photo: %v", left)
	}
}

// On a disk below MinFree a thumbnail is still made, and not kept.
func TestThumbNotKeptOnAFullDisk(t *testing.T) {
	s := newStore(t)
	st, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(640, 480, 3)))
	s.FreeSpace = func(string) (uint64, error) { return photos.MinFree - 1, nil }
	data, err := s.Thumb(ctx, st.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if cached, _ := filepath.Glob(filepath.Join(s.Dir(), st.Hash+".thumb.jpg")); len(cached) != 0 {
		t.Fatal("kept on a full disk")
	}
}

// A platform's id of a photo is kept beside it, by channel, read back as
// it was, and removed with the photo; a bad channel or id is refused.
func TestRef(t *testing.T) {
	s := newStore(t)
	st, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 4)))
	if got := s.Ref(st.Hash, "telegram"); got != "" {
		t.Fatalf("an id before any: %q", got)
	}
	if err := s.SetRef(st.Hash, "telegram", "AgACAgIAAxkBAAI0002"); err != nil {
		t.Fatal(err)
	}
	if got := s.Ref(st.Hash, "telegram"); got != "AgACAgIAAxkBAAI0002" {
		t.Fatalf("read back %q", got)
	}
	if got := s.Ref(st.Hash, "zalo"); got != "" {
		t.Fatalf("another channel's: %q", got)
	}
	if err := s.SetRef(st.Hash, "telegram", "AgACAgIAAxkBAAI0009"); err != nil || s.Ref(st.Hash, "telegram") != "AgACAgIAAxkBAAI0009" {
		t.Fatalf("replaced: %v %q", err, s.Ref(st.Hash, "telegram"))
	}
	for _, bad := range []struct{ hash, channel, ref string }{
		{st.Hash, "../x", "id"}, {st.Hash, "", "id"}, {st.Hash, "telegram", ""},
		{st.Hash, "telegram", "a\nb"}, {"../../etc/passwd", "telegram", "id"},
	} {
		if err := s.SetRef(bad.hash, bad.channel, bad.ref); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	if hashes, _ := s.Hashes(); len(hashes) != 1 {
		t.Fatalf("the id is listed as a photo: %v", hashes)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(s.Path(st.Hash), old, old)
	s.RemoveBefore(st.Hash, time.Now().Add(-time.Hour))
	if got := s.Ref(st.Hash, "telegram"); got != "" {
		t.Fatalf("kept after the photo: %q", got)
	}
}
