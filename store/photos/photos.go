// Package photos keeps the photos that answers refer to: files beside the
// database, in "<db>.files/", each named by the SHA-256 of its content and
// readable by the owner only. Only JPEG, PNG and WebP images that decode
// are kept, re-encoded as JPEG no wider or taller than MaxSide, which
// leaves their metadata (the camera's EXIF, with the place it was taken)
// behind.
//
// A file is written whole (a temporary name, fsync, rename) before the
// answer that names it is committed, so a committed answer never names a
// file that is not there; a file whose answer never got committed (the
// server killed between the two) is harmless and written again, to the
// same name, when the update is handled again.
//
// Beside a photo the store may keep its thumbnail and the id a platform
// knows it by (beside.go): neither is needed to read the photo.
package photos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // registered for image.Decode
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // Zalo and Android send WebP; the standard library reads no WebP
)

// The limits a photo is held to, each with the error that tells it.
const (
	// MaxBytes is the largest photo taken in, as the platform sends it
	// (ErrTooBig). Telegram's largest size of a phone photo is about
	// 0.3 MB, a Zalo photo about 1 MB; a photo sent as a file can be far
	// more.
	MaxBytes = 10 << 20
	// MaxPixels is the largest picture decoded (ErrTooManyPixels): a small
	// file can claim a huge picture and take gigabytes to decode.
	MaxPixels = 50_000_000
	// MaxSide is the longest side of a stored photo, in pixels: enough to
	// see a wall's cracks and a roof's sheets on a console.
	MaxSide = 1600
	// Quality is the stored JPEG's quality.
	Quality = 82
	// MinFree is the free disk below which no photo is stored
	// (ErrDiskFull), so that the database always has room to grow.
	MinFree = 1 << 30
	// WarnFree is the free disk below which a stored photo reports
	// LowDisk, for the admins to be warned before MinFree is reached.
	WarnFree = 5 << 30
)

// decoding lets one picture be decoded at a time in the process, so that
// photos arriving together take MaxPixels×4 bytes of memory at most.
var decoding = make(chan struct{}, 1)

// Errors of Put and Verify.
var (
	ErrTooBig        = errors.New("photos: photo larger than the limit")
	ErrNotImage      = errors.New("photos: not a JPEG, PNG or WebP image")
	ErrTooManyPixels = errors.New("photos: picture larger than the limit")
	ErrDiskFull      = errors.New("photos: too little free disk")
	ErrMissing       = errors.New("photos: file missing")
	ErrAltered       = errors.New("photos: file altered")
)

// Suffix ends every stored file's name: "<hash>.jpg".
const Suffix = ".jpg"

// Dir is the folder of the photos of the database at dbPath.
func Dir(dbPath string) string { return dbPath + ".files" }

// Store is a folder of photos. It is safe for concurrent use: two writers
// of the same photo write the same bytes under the same name.
type Store struct {
	dir string
	// MinFree and WarnFree are the store's disk limits; New sets them to
	// the package's, tests lower or raise them.
	MinFree, WarnFree uint64
	// FreeSpace tells the free bytes on the folder's disk; New sets the
	// operating system's.
	FreeSpace func(dir string) (uint64, error)
}

// New is the store of the photos in dir, made when the first is stored.
func New(dir string) *Store {
	return &Store{dir: dir, MinFree: MinFree, WarnFree: WarnFree, FreeSpace: freeSpace}
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Stored is what Put kept.
type Stored struct {
	Hash          string // the SHA-256 of the stored JPEG, 64 lowercase hex digits
	Size          int64  // its bytes
	Width, Height int
	// LowDisk says the disk has less than WarnFree left after it.
	LowDisk bool
}

// Put reads a photo (at most MaxBytes), checks that it is an image,
// re-encodes it as a JPEG no larger than MaxSide and keeps it. The error
// is ErrTooBig, ErrNotImage, ErrTooManyPixels or ErrDiskFull for a photo
// that cannot be kept, and another for a failure worth trying again.
func (s *Store) Put(ctx context.Context, r io.Reader) (Stored, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return Stored{}, fmt.Errorf("photos: read: %w", err)
	}
	if len(data) > MaxBytes {
		return Stored{}, ErrTooBig
	}
	select { // one picture decoded at a time: a large one takes up to 4 bytes a pixel
	case decoding <- struct{}{}:
	case <-ctx.Done():
		return Stored{}, ctx.Err()
	}
	out, w, h, err := reencode(data)
	<-decoding
	if err != nil {
		return Stored{}, err
	}
	if err := ctx.Err(); err != nil {
		return Stored{}, err
	}
	free, err := s.free()
	if err != nil {
		return Stored{}, err
	}
	if free < s.MinFree+uint64(len(out)) {
		return Stored{}, ErrDiskFull
	}
	sum := sha256.Sum256(out)
	st := Stored{Hash: hex.EncodeToString(sum[:]), Size: int64(len(out)), Width: w, Height: h,
		LowDisk: free-uint64(len(out)) < s.WarnFree}
	if err := s.write(st.Hash, out); err != nil {
		return Stored{}, err
	}
	return st, nil
}

func (s *Store) free() (uint64, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return 0, fmt.Errorf("photos: make folder: %w", err)
	}
	n, err := s.FreeSpace(s.dir)
	if err != nil {
		return 0, fmt.Errorf("photos: free disk: %w", err)
	}
	return n, nil
}

// reencode decodes a JPEG, PNG or WebP image and encodes it again as a
// JPEG, scaled down to MaxSide.
func reencode(data []byte) (out []byte, w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "webp") {
		return nil, 0, 0, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return nil, 0, 0, ErrTooManyPixels
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, ErrNotImage
	}
	img = scaled(img, MaxSide)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: Quality}); err != nil {
		return nil, 0, 0, fmt.Errorf("photos: encode: %w", err)
	}
	b := img.Bounds()
	return buf.Bytes(), b.Dx(), b.Dy(), nil
}

// scaled is img no larger than side on its longer side, drawn on an
// opaque white ground (a PNG's transparency has no place in a JPEG).
func scaled(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > side {
		w, h = max(1, w*side/long), max(1, h*side/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}

// write keeps data under its hash.
func (s *Store) write(hash string, data []byte) error {
	final := s.Path(hash)
	if old, err := os.ReadFile(final); err == nil && bytes.Equal(old, data) {
		now := time.Now() // kept already: newly wanted, so not pruned as old (RemoveBefore)
		return os.Chtimes(final, now, now)
	}
	return s.writeAs(final, data)
}

// writeAs writes data whole to a file of the folder: a temporary file,
// synced, renamed.
func (s *Store) writeAs(final string, data []byte) error {
	f, err := os.CreateTemp(s.dir, filepath.Base(final)+".*.partial")
	if err != nil {
		return fmt.Errorf("photos: write: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("photos: write: %w", err)
	}
	return syncDir(s.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("photos: sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("photos: sync folder: %w", err)
	}
	return nil
}

// Path is where the photo with this hash is kept. hash must be one
// (flows.IsFileHash): the path is then always inside the folder.
func (s *Store) Path(hash string) string { return filepath.Join(s.dir, hash+Suffix) }

// Open opens a stored photo for reading; ErrMissing when it is not kept.
func (s *Store) Open(hash string) (*os.File, error) {
	if !validHash(hash) {
		return nil, ErrMissing
	}
	f, err := os.Open(s.Path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrMissing, hash)
	}
	return f, err
}

// Verify reads a stored photo again and checks it is the one its name
// says: ErrMissing when it is gone, ErrAltered when its bytes changed.
func (s *Store) Verify(hash string) error {
	f, err := s.Open(hash)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("photos: verify %s: %w", hash, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != hash {
		return fmt.Errorf("%w: %s", ErrAltered, hash)
	}
	return nil
}

// RemoveBefore removes a kept photo last written before a time, and
// reports whether it did.
func (s *Store) RemoveBefore(hash string, before time.Time) (bool, error) {
	if !validHash(hash) {
		return false, nil
	}
	st, err := os.Stat(s.Path(hash))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !st.ModTime().Before(before)) {
		return false, nil
	}
	if err == nil {
		err = os.Remove(s.Path(hash))
	}
	if err != nil {
		return false, fmt.Errorf("photos: remove: %w", err)
	}
	s.removeBeside(hash)
	return true, nil
}

// Hashes lists the photos kept, by hash.
func (s *Store) Hashes() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("photos: list: %w", err)
	}
	var out []string
	for _, e := range entries {
		if hash, ok := strings.CutSuffix(e.Name(), Suffix); ok && validHash(hash) && e.Type().IsRegular() {
			out = append(out, hash)
		}
	}
	return out, nil
}

func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// CopyTo copies every photo kept into another store's folder (a backup's),
// checking each against its name on the way: a photo already there is
// left, one altered here is not copied and is reported in the error after
// the others are. It returns how many it copied. On the same disk a copy
// is a hard link, which costs no space: a stored photo is never changed,
// so seven nightly backups hold one photo once.
func (s *Store) CopyTo(ctx context.Context, dst *Store) (int, error) {
	hashes, err := s.Hashes()
	if err != nil || len(hashes) == 0 {
		return 0, err
	}
	if err := os.MkdirAll(dst.dir, 0o700); err != nil {
		return 0, fmt.Errorf("photos: copy: %w", err)
	}
	n := 0
	var bad []error
	for _, hash := range hashes {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if dst.Verify(hash) == nil {
			continue
		}
		data, err := os.ReadFile(s.Path(hash))
		if err != nil {
			return n, fmt.Errorf("photos: copy: %w", err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
			bad = append(bad, fmt.Errorf("%w: %s", ErrAltered, hash))
			continue
		}
		if err := dst.link(s.Path(hash), hash, data); err != nil {
			return n, err
		}
		n++
	}
	return n, errors.Join(bad...)
}

// link keeps the photo at src (whose bytes are data) under its hash: a
// hard link where the disk allows, else a copy.
func (s *Store) link(src, hash string, data []byte) error {
	final := s.Path(hash)
	os.Remove(final) // an altered copy, if any: Verify found it wanting
	if os.Link(src, final) == nil {
		return nil
	}
	return s.write(hash, data)
}
