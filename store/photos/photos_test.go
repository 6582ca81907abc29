package photos_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"sothon/store/photos"
	"sothon/store/photos/photostest"
)

var ctx = context.Background()

func newStore(t *testing.T) *photos.Store {
	t.Helper()
	s := photos.New(t.TempDir() + "/db.files")
	s.FreeSpace = func(string) (uint64, error) { return 100 << 30, nil }
	return s
}

// A phone's JPEG is kept smaller, without its EXIF, readable by the owner
// only, under the hash of what was kept; the same photo twice is one file.
func TestPutKeepsAResizedJPEGWithoutMetadata(t *testing.T) {
	s := newStore(t)
	in := photostest.JPEG(2400, 1800, 1)
	if !bytes.Contains(in, []byte(photostest.ExifMarker)) {
		t.Fatal("the test photo has no EXIF")
	}
	st, err := s.Put(ctx, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if st.Width != photos.MaxSide || st.Height != 1200 || st.LowDisk {
		t.Fatalf("stored %+v", st)
	}
	data, err := os.ReadFile(s.Path(st.Hash))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(photostest.ExifMarker)) || bytes.Contains(data, []byte("Exif")) {
		t.Fatal("the kept photo still has its EXIF")
	}
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || format != "jpeg" || cfg.Width != photos.MaxSide {
		t.Fatalf("kept %s %dx%d, %v", format, cfg.Width, cfg.Height, err)
	}
	info, _ := os.Stat(s.Path(st.Hash))
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode())
	}
	if err := s.Verify(st.Hash); err != nil {
		t.Fatal(err)
	}
	again, err := s.Put(ctx, bytes.NewReader(in))
	if err != nil || again.Hash != st.Hash {
		t.Fatalf("again: %v %v", again, err)
	}
	if hashes, _ := s.Hashes(); len(hashes) != 1 {
		t.Fatalf("%d files", len(hashes))
	}
}

func TestPutTakesPNGAndWebP(t *testing.T) {
	s := newStore(t)
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 40, 30)))
	// The WebP is golang.org/x/image's test picture (BSD licence).
	webp, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"png": buf.Bytes(), "webp": webp} {
		st, err := s.Put(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, format, err := image.DecodeConfig(mustOpen(t, s, st.Hash)); format != "jpeg" || err != nil {
			t.Fatalf("%s kept as %s, %v", name, format, err)
		}
	}
}

func mustOpen(t *testing.T, s *photos.Store, hash string) *os.File {
	t.Helper()
	f, err := s.Open(hash)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Every limit refuses with its own error and keeps nothing.
func TestPutRefuses(t *testing.T) {
	var small bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 2, 2)))
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	tests := []struct {
		name string
		data []byte
		free uint64
		want error
	}{
		{"too big", bytes.Repeat([]byte{0xFF}, photos.MaxBytes+1), 100 << 30, photos.ErrTooBig},
		{"not an image", []byte("<html>not a photo</html>"), 100 << 30, photos.ErrNotImage},
		{"a GIF", gif, 100 << 30, photos.ErrNotImage},
		{"a cut JPEG", photostest.JPEG(64, 64, 2)[:300], 100 << 30, photos.ErrNotImage},
		{"a decompression bomb", bomb(t, 10_000, 10_000), 100 << 30, photos.ErrTooManyPixels},
		{"disk full", small.Bytes(), photos.MinFree - 1, photos.ErrDiskFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			s.FreeSpace = func(string) (uint64, error) { return tt.free, nil }
			if _, err := s.Put(ctx, bytes.NewReader(tt.data)); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if hashes, _ := s.Hashes(); len(hashes) != 0 {
				t.Fatalf("kept %d files", len(hashes))
			}
		})
	}
}

// bomb is a small PNG whose header claims w×h pixels.
func bomb(t *testing.T, w, h uint32) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	data := buf.Bytes()
	ihdr := data[8+8 : 8+8+13] // after the signature, the chunk's length and type
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	binary.BigEndian.PutUint32(data[8+8+13:], crc32.ChecksumIEEE(data[12:8+8+13]))
	return data
}

// Below WarnFree a photo is kept and says so, for the admins' warning.
func TestLowDisk(t *testing.T) {
	s := newStore(t)
	s.FreeSpace = func(string) (uint64, error) { return photos.WarnFree, nil }
	st, err := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 3)))
	if err != nil || !st.LowDisk {
		t.Fatalf("%+v %v", st, err)
	}
}

func TestVerifyFindsMissingAndAltered(t *testing.T) {
	s := newStore(t)
	a, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 4)))
	b, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 5)))
	os.Remove(s.Path(a.Hash))
	os.WriteFile(s.Path(b.Hash), []byte("changed"), 0o600)
	if err := s.Verify(a.Hash); !errors.Is(err, photos.ErrMissing) {
		t.Fatalf("missing: %v", err)
	}
	if err := s.Verify(b.Hash); !errors.Is(err, photos.ErrAltered) {
		t.Fatalf("altered: %v", err)
	}
	if _, err := s.Open("../../etc/passwd"); !errors.Is(err, photos.ErrMissing) {
		t.Fatalf("a path for a hash: %v", err)
	}
}

// A backup's copy holds every photo as it was; an altered one is left out
// and named, and a copy made again adds only what is new.
func TestCopyTo(t *testing.T) {
	s := newStore(t)
	a, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 6)))
	b, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 7)))
	dst := photos.New(t.TempDir() + "/backup.db.files")
	if n, err := s.CopyTo(ctx, dst); n != 2 || err != nil {
		t.Fatalf("copied %d, %v", n, err)
	}
	for _, h := range []string{a.Hash, b.Hash} {
		if err := dst.Verify(h); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(32, 32, 8)))
	// Bit rot in a photo: a backup linked to it shares it (the backups
	// are to be copied off the machine), a new one leaves it out.
	os.WriteFile(s.Path(a.Hash)+".tmp", []byte("bit rot"), 0o600)
	os.Rename(s.Path(a.Hash)+".tmp", s.Path(a.Hash))
	dst2 := photos.New(t.TempDir() + "/other.db.files")
	n, err := s.CopyTo(ctx, dst2)
	if n != 2 || !errors.Is(err, photos.ErrAltered) || !strings.Contains(err.Error(), a.Hash) {
		t.Fatalf("copied %d, %v", n, err)
	}
	if err := dst2.Verify(c.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dst2.Path(a.Hash)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("an altered photo was copied")
	}
}

func TestRemoveBefore(t *testing.T) {
	s := newStore(t)
	st, _ := s.Put(ctx, bytes.NewReader(photostest.JPEG(16, 16, 1)))
	if removed, err := s.RemoveBefore(st.Hash, time.Now().Add(-time.Hour)); removed || err != nil {
		t.Fatalf("a new photo removed: %v %v", removed, err)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(s.Path(st.Hash), old, old)
	if _, err := s.Put(ctx, bytes.NewReader(photostest.JPEG(16, 16, 1))); err != nil { // wanted again
		t.Fatal(err)
	}
	if removed, _ := s.RemoveBefore(st.Hash, time.Now().Add(-time.Hour)); removed {
		t.Fatal("a photo sent again was removed as old")
	}
	os.Chtimes(s.Path(st.Hash), old, old)
	if removed, err := s.RemoveBefore(st.Hash, time.Now().Add(-time.Hour)); !removed || err != nil {
		t.Fatalf("an old photo kept: %v %v", removed, err)
	}
}
