package register

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"sothon/locales"
)

// FileError is a register file refused as a whole, before any row is
// read: why, as a message key (in locales) with its arguments.
type FileError struct {
	Key  string
	Args []any
}

// Text says what is wrong with the file in a language.
func (e FileError) Text(cat *locales.Catalog, lang string) string {
	return cat.T(lang, e.Key, e.Args...)
}

func (e FileError) Error() string { return "register: " + e.Text(english(), "en") }

// textRows reads the rows of a register saved as text, one record at a
// time.
type textRows struct {
	cr   *csv.Reader
	line int
}

func openText(name string, r io.Reader) (*textRows, error) {
	text, err := textReader(name, r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&rowGuard{r: text, name: name}, 64<<10)
	head, err := br.Peek(64 << 10) // the header line, to tell the separator
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = separator(head), -1, true
	return &textRows{cr: cr}, nil
}

func (t *textRows) next() ([]string, int, error) {
	row, err := t.cr.Read()
	if err != nil {
		return nil, 0, err
	}
	t.line++
	return row, t.line, nil
}

func (t *textRows) close() error { return nil }

// rowGuard passes decoded text on, and stops at a row longer than
// maxRowBytes, so that no row fills the memory: a line end inside quotes
// belongs to the row.
type rowGuard struct {
	r      io.Reader
	name   string
	run    int
	quoted bool
	line   int
}

func (g *rowGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		switch {
		case b == '"':
			g.quoted = !g.quoted
		case b == '\n':
			g.line++
			if !g.quoted {
				g.run = 0
				continue
			}
		}
		if g.run++; g.run > maxRowBytes {
			return 0, FileError{Key: "register.row_too_long", Args: []any{"file", g.name, "line", g.line + 1, "max", maxRowBytes >> 10}}
		}
	}
	return n, err
}

// readError names the file in an error, unless the error speaks for the
// reader already.
func readError(name string, err error) error {
	var fe FileError
	var big tooBig
	var parse *csv.ParseError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &big):
		return big.file()
	case errors.As(err, &parse):
		return FileError{Key: "register.quotes", Args: []any{"file", name, "line", parse.StartLine}}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("register: read %s: %w", name, err)
}

// textReader reads a register saved as text, as Excel saves one, and gives
// it as UTF-8 in NFC (names then compare equal to those typed on a phone):
//   - UTF-8, with or without a byte-order mark ("CSV UTF-8");
//   - UTF-16 with a byte-order mark ("Unicode Text", tab-separated), or
//     without one when its bytes say so;
//   - otherwise, when the bytes are not UTF-8, Windows-1258 (plain "CSV"
//     on Vietnamese Windows, whose tone marks are combining characters).
//
// It refuses a file that is not text: the error is a FileError. The text
// is decoded as it is read, never held whole.
func textReader(name string, r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF {
		return nil, err
	}
	var decode transform.Transformer
	order, utf16 := utf16Order(head)
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		decode, utf16 = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), true
	case utf16:
		decode = unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder()
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		decode = &utf8OrLegacy{mode: modeUTF8}
	default:
		decode = &utf8OrLegacy{}
	}
	if key := binaryKind(head, utf16); key != "" {
		return nil, FileError{Key: key, Args: []any{"file", name}}
	}
	return &textErrors{name: name, r: transform.NewReader(br, transform.Chain(decode, &textCheck{}, norm.NFC))}, nil
}

// sniffLen is how much of a file its kind is told from: a few lines of a
// register, far more than any file signature.
const sniffLen = 4096

// binaryKind tells a file that is no text from its first bytes, as the key
// of the message refusing it: for an old Excel workbook (or an encrypted
// one), for another file (a picture, an archive, an XLSX renamed), or ""
// for what may be text. Text holds no control characters but tabs and line
// ends, nor NULs outside UTF-16 (where every other byte of Latin text is).
func binaryKind(head []byte, utf16 bool) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "register.xls"
	case bytes.HasPrefix(head, []byte("%PDF-")), bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "register.binary"
	case !utf16 && bytes.IndexFunc(head, binaryControl) >= 0:
		return "register.binary"
	}
	return ""
}

// binaryControl is a control character that text never holds: as
// net/http sniffs content, ESC and form feed excepted.
func binaryControl(r rune) bool {
	return r <= 0x08 || r == 0x0b || (r >= 0x0e && r <= 0x1a) || (r >= 0x1c && r <= 0x1f)
}

// utf16Order tells UTF-16 without a byte-order mark from its bytes: Latin
// text, Vietnamese included (U+0000–U+01FF, U+1Exx), has a NUL in at least
// every other high byte and almost never in a low one.
func utf16Order(head []byte) (unicode.Endianness, bool) {
	pairs := len(head) / 2
	if pairs < 4 {
		return unicode.LittleEndian, false
	}
	var evenNUL, oddNUL int
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			evenNUL++
		}
		if head[i+1] == 0 {
			oddNUL++
		}
	}
	switch {
	case 2*oddNUL >= pairs && 10*evenNUL <= pairs:
		return unicode.LittleEndian, true
	case 2*evenNUL >= pairs && 10*oddNUL <= pairs:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// notText is the line where a file stops being text.
type notText struct{ line int }

func (e notText) Error() string { return fmt.Sprintf("not text at line %d", e.line) }

// textErrors turns the decoders' errors into the file's FileError.
type textErrors struct {
	name string
	r    io.Reader
}

func (t *textErrors) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if e, ok := err.(notText); ok {
		err = FileError{Key: "register.not_text", Args: []any{"file", t.name, "line", e.line}}
	}
	return n, err
}

const (
	modeUndecided = iota
	modeUTF8
	modeLegacy
)

// utf8OrLegacy passes UTF-8 through, checked, and decodes a file that is
// not UTF-8 as Windows-1258. It decides at the first byte past ASCII, which
// both share; a file that turns from UTF-8 into something else is no text.
type utf8OrLegacy struct {
	mode   int
	line   int
	legacy transform.Transformer
}

func (d *utf8OrLegacy) Reset() {
	d.mode, d.line, d.legacy = modeUndecided, 0, nil
}

func (d *utf8OrLegacy) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if d.mode == modeLegacy {
			if d.legacy == nil {
				d.legacy = charmap.Windows1258.NewDecoder()
			}
			n, m, err := d.legacy.Transform(dst[nDst:], src[nSrc:], atEOF)
			return nDst + n, nSrc + m, err
		}
		size := 1
		if c := src[nSrc]; c >= utf8.RuneSelf {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, n := utf8.DecodeRune(src[nSrc:])
			if r == utf8.RuneError && n == 1 {
				if d.mode == modeUTF8 {
					return nDst, nSrc, notText{d.line + 1}
				}
				d.mode = modeLegacy
				continue
			}
			d.mode, size = modeUTF8, n
		} else if c == '\n' {
			d.line++
		}
		if nDst+size > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
	}
	return nDst, nSrc, nil
}

// textCheck passes decoded text on, and stops at a control character no
// text holds or at U+FFFD: a byte that is not Windows-1258, a broken
// UTF-16 pair, or a name an earlier conversion has already spoiled.
type textCheck struct{ line int }

func (c *textCheck) Reset() { c.line = 0 }

func (c *textCheck) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r, size := rune(src[nSrc]), 1
		if r >= utf8.RuneSelf {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = utf8.DecodeRune(src[nSrc:])
		}
		switch {
		case r == utf8.RuneError || binaryControl(r):
			return nDst, nSrc, notText{c.line + 1}
		case r == '\n':
			c.line++
		}
		if nDst+size > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
	}
	return nDst, nSrc, nil
}
