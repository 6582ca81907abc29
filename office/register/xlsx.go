package register

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
)

// Limits on an XLSX, read off its zip directory before anything is
// unpacked: a workbook is a zip of XML parts, and a few megabytes can
// unpack to gigabytes.
const (
	maxSheetBytes   = 256 << 20 // the first sheet, unpacked
	maxStringsBytes = 64 << 20  // the shared strings (the sheet's text), unpacked
	maxPartBytes    = 4 << 20   // the workbook and its relationships
	maxZipDirectory = 1 << 20   // the zip's directory: a few hundred parts at most
	// maxXMLRun bounds the bytes between two '<' in a part read: one
	// cell's text or one tag, far above Excel's 32,767 characters a cell.
	maxXMLRun = 256 << 10
	// maxHeading is how much of a header cell is kept to tell its column.
	maxHeading = 256
	// maxStrings bounds the shared strings: eight different texts a row of
	// the largest register.
	maxStrings = 8 * maxRegisterRows
)

// xlsxRows reads the first sheet of an XLSX as it unpacks, keeping of each
// row only the cells of the columns asked for.
type xlsxRows struct {
	name    string
	part    io.ReadCloser
	dec     *xml.Decoder
	strings *sharedStrings
	keep    []bool // by column; nil keeps every column (short), for the header
	line    int    // the row's number in the sheet
	row     []string
}

// openXLSX checks an XLSX's directory against the limits and opens its
// first sheet.
func openXLSX(name string, at io.ReaderAt, size int64, tempDir string) (*xlsxRows, error) {
	bad := FileError{Key: "register.xlsx_bad", Args: []any{"file", name}}
	head := make([]byte, 8)
	if _, err := at.ReadAt(head, 0); err == nil && binaryKind(head, false) == "register.xls" {
		return nil, FileError{Key: "register.xls", Args: []any{"file", name}}
	}
	if err := zipDirectoryFits(at, size); err != nil {
		return nil, bad
	}
	zr, err := zip.NewReader(at, size)
	if err != nil {
		return nil, bad
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	sheetPath, stringsPath := firstSheet(parts)
	sheet := parts[sheetPath]
	if sheet == nil {
		return nil, bad
	}
	if sheet.UncompressedSize64 > maxSheetBytes {
		return nil, FileError{Key: "register.xlsx_too_big", Args: []any{"file", name, "size", megabytes(sheet.UncompressedSize64), "max", maxSheetBytes >> 20}}
	}
	x := &xlsxRows{name: name, strings: &sharedStrings{}}
	if f := parts[stringsPath]; f != nil {
		if f.UncompressedSize64 > maxStringsBytes {
			return nil, FileError{Key: "register.xlsx_too_big", Args: []any{"file", name, "size", megabytes(f.UncompressedSize64), "max", maxStringsBytes >> 20}}
		}
		if x.strings, err = readSharedStrings(f, tempDir); err != nil {
			return nil, x.fail(err)
		}
	}
	if x.part, err = sheet.Open(); err != nil {
		x.strings.close()
		return nil, bad
	}
	x.dec = xml.NewDecoder(&xmlGuard{r: x.part})
	return x, nil
}

// zipDirectoryFits reads the end of a zip for the size of its directory,
// which archive/zip reads whole: a directory of millions of empty parts
// would fill the memory before any size is known.
func zipDirectoryFits(at io.ReaderAt, size int64) error {
	tail := make([]byte, min(size, 22+65535))
	if _, err := at.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return err
	}
	end := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if end < 0 || len(tail)-end < 22 {
		return errors.New("no zip directory")
	}
	rec := tail[end:]
	entries, dirSize, dirOffset := binary.LittleEndian.Uint16(rec[10:]), binary.LittleEndian.Uint32(rec[12:]), binary.LittleEndian.Uint32(rec[16:])
	// A zip64 directory (saturated fields) is for files far past a register.
	endAt := size - int64(len(tail)) + int64(end)
	if entries == 0xffff || dirSize == 0xffffffff || dirOffset == 0xffffffff || dirSize > maxZipDirectory ||
		int64(dirOffset) > endAt || endAt-int64(dirOffset) > maxZipDirectory {
		return errors.New("zip directory too large")
	}
	return nil
}

// firstSheet finds the parts of the workbook's first sheet and of its
// shared strings, as its relationships name them, or where Excel puts them.
func firstSheet(parts map[string]*zip.File) (sheet, sst string) {
	sheet, sst = "xl/worksheets/sheet1.xml", "xl/sharedstrings.xml"
	var book struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	const bookPath = "xl/workbook.xml"
	if readPart(parts[bookPath], &book) != nil || readPart(parts["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return sheet, sst
	}
	for _, r := range rels.Rel {
		target := strings.ToLower(r.Target)
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(path.Dir(bookPath), target)
		}
		switch {
		case len(book.Sheets) > 0 && r.ID == book.Sheets[0].ID:
			sheet = target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sst = target
		}
	}
	return sheet, sst
}

// readPart decodes a small part of the workbook.
func readPart(f *zip.File, v any) error {
	if f == nil || f.UncompressedSize64 > maxPartBytes {
		return errors.New("register: no such part, or too large")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(&xmlGuard{r: rc}).Decode(v)
}

// sharedStrings is the workbook's table of text, which cells point into:
// its texts one after another in a temporary file, where each ends in
// memory (4 bytes a text), and the short ones read once kept at hand, as a
// register repeats its villages and statuses.
type sharedStrings struct {
	file  *os.File
	ends  []uint32
	short map[int]string
}

// Short texts, up to maxShortText bytes, are kept at hand up to maxShort.
const (
	maxShortText = 64
	maxShort     = 1 << 16
)

func (s *sharedStrings) at(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	if text, ok := s.short[i]; ok {
		return text, true
	}
	from := uint32(0)
	if i > 0 {
		from = s.ends[i-1]
	}
	buf := make([]byte, s.ends[i]-from)
	if _, err := s.file.ReadAt(buf, int64(from)); err != nil && len(buf) > 0 {
		return "", false
	}
	text := string(buf)
	if len(text) <= maxShortText && len(s.short) < maxShort {
		s.short[i] = text
	}
	return text, true
}

func (s *sharedStrings) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

// readSharedStrings reads the table: each <si>'s text runs, without the
// phonetic guides (<rPh>), into a file in dir.
func readSharedStrings(f *zip.File, dir string) (_ *sharedStrings, err error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := &sharedStrings{short: map[int]string{}}
	if s.file, err = os.CreateTemp(dir, "sothon-strings-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	w := bufio.NewWriterSize(s.file, 64<<10)
	dec := xml.NewDecoder(&xmlGuard{r: rc})
	inText, phonetic, size, from := false, 0, 0, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return s, w.Flush()
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "rPh":
				phonetic--
			case "si":
				if len(s.ends) == maxStrings {
					return nil, tooManyStrings{}
				}
				s.ends = append(s.ends, uint32(size))
				from = size
			}
		case xml.CharData:
			if inText {
				if size += len(t); size-from > maxXMLRun {
					return nil, xmlTooLong{}
				}
				if _, err := w.Write(t); err != nil {
					return nil, err
				}
			}
		}
	}
}

// next reads the sheet to the end of its next row.
func (x *xlsxRows) next() ([]string, int, error) {
	x.row = x.row[:0]
	var (
		inRow                  bool
		col                    = -1
		kind, value            string
		inValue, inInline, inT bool
		text                   []byte
	)
	for {
		tok, err := x.dec.RawToken()
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if err != nil {
			return nil, 0, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, col = true, -1
				x.line++
				if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > 0 {
					x.line = n
				}
			case "c":
				col++
				if c, ok := columnOf(attr(t, "r")); ok {
					col = c
				}
				kind, value, text = attr(t, "t"), "", text[:0]
			case "v":
				inValue = true
			case "is":
				inInline = true
			case "t":
				inT = inInline
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inValue = false
			case "is":
				inInline = false
			case "t":
				inT = false
			case "c":
				if inRow && x.kept(col) {
					if value, err = x.cell(kind, text); err != nil {
						return nil, 0, err
					}
					x.put(col, value)
				}
			case "row":
				if inRow {
					return x.row, x.line, nil
				}
			case "sheetData":
				return nil, 0, io.EOF
			}
		case xml.CharData:
			// Inline text is every <t> of <is>, phonetic guides aside (rare
			// in a register); a value is <v>.
			if (inValue || inT) && x.kept(col) {
				if text = append(text, t...); len(text) > maxXMLRun {
					return nil, 0, x.fail(xmlTooLong{})
				}
			}
		}
	}
}

// kept tells whether a column's cells are kept.
func (x *xlsxRows) kept(col int) bool {
	if x.keep == nil {
		return col < 16384 // Excel's last column, XFD
	}
	return col >= 0 && col < len(x.keep) && x.keep[col]
}

// put sets a cell of the row, short for the header row.
func (x *xlsxRows) put(col int, value string) {
	if x.keep == nil && len(value) > maxHeading {
		value = value[:maxHeading]
	}
	for len(x.row) <= col {
		x.row = append(x.row, "")
	}
	x.row[col] = value
}

// cell is a cell's value as Excel shows it unformatted: the text of a
// shared or inline string, a number as stored.
func (x *xlsxRows) cell(kind string, text []byte) (string, error) {
	switch kind {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(string(text)))
		s, ok := x.strings.at(i)
		if err != nil || !ok {
			return "", FileError{Key: "register.xlsx_bad", Args: []any{"file", x.name}}
		}
		if x.keep == nil && len(s) > maxHeading {
			s = s[:maxHeading]
		}
		return s, nil
	case "b":
		if string(text) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return string(text), nil
}

// keepColumns keeps, from now on, only the cells of these columns.
func (x *xlsxRows) keepColumns(cols map[string]int) {
	x.keep = nil
	for _, c := range cols {
		for len(x.keep) <= c {
			x.keep = append(x.keep, false)
		}
		x.keep[c] = true
	}
	if x.keep == nil {
		x.keep = []bool{}
	}
}

func (x *xlsxRows) close() error {
	x.strings.close()
	return x.part.Close()
}

// fail turns an error reading the workbook into the file's FileError.
func (x *xlsxRows) fail(err error) error {
	var fe FileError
	if errors.As(err, &fe) {
		return fe
	}
	if errors.As(err, new(*fs.PathError)) { // the server's disk, not the file
		return fmt.Errorf("register: read %s: %w", x.name, err)
	}
	if errors.As(err, new(tooManyStrings)) {
		return FileError{Key: "register.xlsx_strings", Args: []any{"file", x.name, "max", maxStrings}}
	}
	switch {
	case errors.As(err, new(xmlTooLong)) && x.line == 0: // in the shared strings
		return FileError{Key: "register.cell_too_long", Args: []any{"file", x.name, "max", maxXMLRun >> 10}}
	case errors.As(err, new(xmlTooLong)):
		return FileError{Key: "register.row_too_long", Args: []any{"file", x.name, "line", x.line, "max", maxXMLRun >> 10}}
	}
	return FileError{Key: "register.xlsx_bad", Args: []any{"file", x.name}}
}

// megabytes is a size in MB, rounded up: a part over a limit never reads
// as at it.
func megabytes(n uint64) uint64 { return (n + 1<<20 - 1) >> 20 }

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// columnOf is the column of a cell reference ("C12" is 2), ok false when
// there is none.
func columnOf(ref string) (int, bool) {
	col := 0
	i := 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	return col - 1, i > 0
}

type tooManyStrings struct{}

func (tooManyStrings) Error() string { return "too many shared strings" }

type xmlTooLong struct{}

func (xmlTooLong) Error() string { return "a run of text or a tag too long" }

// xmlGuard passes a part of a workbook on to the XML decoder, and stops
// where the decoder would hold much at once: a run of more than maxXMLRun
// bytes without a '<' (one cell's text, or one tag), or what no
// spreadsheet writes: a DOCTYPE, CDATA or a comment ("<!"), whose text may
// hold '<'.
type xmlGuard struct {
	r   io.Reader
	run int
	lt  bool // the last byte was '<'
}

func (g *xmlGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		if g.lt && b == '!' {
			return 0, errors.New("register: markup no spreadsheet writes")
		}
		g.lt = b == '<'
		if g.lt {
			g.run = 0
		} else if g.run++; g.run > maxXMLRun {
			return 0, xmlTooLong{}
		}
	}
	return n, err
}
