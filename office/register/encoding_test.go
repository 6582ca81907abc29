package register_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"sothon/locales"
	"sothon/office/register"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// fixture reads the register of real Vietnamese names, in UTF-8.
func fixture(t testing.TB) [][]string {
	t.Helper()
	f, err := os.Open("testdata/register-vi.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// writeRows writes rows as a text register, with a separator and line end.
func writeRows(rows [][]string, sep rune, crlf bool) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = sep, crlf
	w.WriteAll(rows)
	return b.String()
}

// windows1258 encodes text as Excel's plain "CSV" does on Vietnamese
// Windows: the letters the code page has, and the tone marks it lacks
// composed as combining characters after the letter (ễ is ê and U+0303).
func windows1258(s string) ([]byte, bool) {
	var out []byte
	for _, r := range s {
		if b, ok := charmap.Windows1258.EncodeRune(r); ok {
			out = append(out, b)
			continue
		}
		var letter, tone []rune
		for _, d := range norm.NFD.String(string(r)) {
			if strings.ContainsRune("\u0300\u0301\u0303\u0309\u0323", d) {
				tone = append(tone, d)
			} else {
				letter = append(letter, d)
			}
		}
		for _, c := range norm.NFC.String(string(letter)) + string(tone) {
			b, ok := charmap.Windows1258.EncodeRune(c)
			if !ok {
				return nil, false
			}
			out = append(out, b)
		}
	}
	return out, true
}

func utf16Text(t testing.TB, s string, order unicode.Endianness, bom unicode.BOMPolicy) []byte {
	t.Helper()
	b, err := unicode.UTF16(order, bom).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A register as Excel saves it, in any of its encodings, stores the same
// names as typed in UTF-8, to the byte: Windows-1258's combining tone marks
// come out composed (NFC), as phones type them.
func TestImportAsExcelSavesIt(t *testing.T) {
	t.Parallel()
	rows := fixture(t)
	mustCP := func(s string) []byte {
		b, ok := windows1258(s)
		if !ok {
			t.Fatalf("the fixture is not Windows-1258: %q", s)
		}
		return b
	}
	files := []struct {
		name, file string
		data       []byte
	}{
		{"CSV UTF-8", "so-ho.csv", append([]byte("\ufeff"), writeRows(rows, ',', true)...)},
		{"CSV, Windows-1258, semicolons", "so-ho.csv", mustCP(writeRows(rows, ';', true))},
		{"Text, Windows-1258, tabs", "so-ho.txt", mustCP(writeRows(rows, '\t', true))},
		{"Unicode Text: UTF-16LE, tabs", "so-ho.txt", utf16Text(t, writeRows(rows, '\t', true), unicode.LittleEndian, unicode.UseBOM)},
		{"UTF-16BE with a byte-order mark", "so-ho.csv", utf16Text(t, writeRows(rows, ',', false), unicode.BigEndian, unicode.UseBOM)},
		{"UTF-16LE without one", "so-ho.csv", utf16Text(t, writeRows(rows, ';', true), unicode.LittleEndian, unicode.IgnoreBOM)},
	}
	// The Windows-1258 file is what the test means it to be: not UTF-8, with
	// "Nguyễn" as "Nguy", ê, combining tilde.
	if cp := files[1].data; utf8.Valid(cp) || !bytes.Contains(cp, []byte("Nguy\xea\xden")) {
		t.Fatalf("the Windows-1258 file is not as Excel writes it: %q", cp[:120])
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			db := storetest.Open(t)
			res, err := register.Import(ctx, db, f.file, bytes.NewReader(f.data), register.Options{Now: now})
			if err != nil || res.Imported != len(rows)-1 {
				t.Fatalf("import: %+v, %v", res, err)
			}
			for _, row := range rows[1:] {
				hh, err := db.Household(ctx, row[1])
				if err != nil || hh.HeadName != row[2] || hh.AreaID != row[0] {
					t.Errorf("%s: %q in %s, want %q in %s (%v)", row[1], hh.HeadName, hh.AreaID, row[2], row[0], err)
				}
			}
			if hh, _ := db.Household(ctx, "KP-103"); hh.Status != "middle" {
				t.Errorf("KP-103 (mức sống trung bình): %q", hh.Status)
			}
		})
	}
}

// A name with combining marks in an XLSX (typed on a Mac, or pasted) is
// stored composed, as the same name from a phone.
func TestImportComposesNames(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	x := excelize.NewFile()
	for i, row := range [][]any{{"area_id", "household_id", "head_name", "members", "status"},
		{"bac-kan/huyen-tung/khuoi-pai", "KP-301", norm.NFD.String("Nguyễn Thị Hồng Nhung"), 4, norm.NFD.String("cận nghèo")}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	var data bytes.Buffer
	x.Write(&data)
	if _, err := register.Import(ctx, db, "so-ho.xlsx", &data, register.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	if hh, _ := db.Household(ctx, "KP-301"); hh.HeadName != "Nguyễn Thị Hồng Nhung" || hh.Status != "near_poor" {
		t.Fatalf("stored %q (%s)", hh.HeadName, hh.Status)
	}
}

// A file that is not text in any encoding a register comes in is refused
// whole, saying why in the reader's language, and changes nothing.
func TestImportRefusesWhatIsNotText(t *testing.T) {
	t.Parallel()
	text := writeRows(fixture(t), ',', false) // 11 lines
	var zipped bytes.Buffer
	excelize.NewFile().Write(&zipped)
	ole2 := []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00\x3e\x00\x03\x00\xfe\xff")
	// Past what is sniffed of the file, a UTF-8 register turns into
	// Windows-1258 on line 13.
	mixed := []byte(text + strings.Repeat(" ", 5000) + "\nbac-kan/nong-thuong/na-rao,NR-299,L\xf5\xf2ng,2,poor\n")
	var spoiledXLSX bytes.Buffer
	x := excelize.NewFile()
	for i, row := range [][]any{{"area_id", "household_id", "head_name", "members", "status"}, {"bac-kan/nong-thuong/na-rao", "NR-1", "L\ufffdng", 2, "poor"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	x.Write(&spoiledXLSX)
	header := utf16Text(t, "area_id\thousehold_id\thead_name\tmembers\tstatus\n", unicode.LittleEndian, unicode.UseBOM)
	halfPair := append(header, "\x3d\xd8x\x00"...) // U+D83D alone, then "x"
	cases := []struct {
		name, file string
		data       []byte
		key        string
		line       int
	}{
		{"a picture", "so-ho.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), "register.binary", 0},
		{"an XLSX renamed", "so-ho.csv", zipped.Bytes(), "register.binary", 0},
		{"an old Excel workbook", "so-ho.xls", ole2, "register.xls", 0},
		{"an old Excel workbook renamed .xlsx", "so-ho.xlsx", ole2, "register.xls", 0},
		{"an old Excel workbook renamed .csv", "so-ho.csv", ole2, "register.xls", 0},
		{"a PDF", "so-ho.csv", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "register.binary", 0},
		{"UTF-8 turning into something else", "so-ho.csv", mixed, "register.not_text", 13},
		{"a byte Windows-1258 has not", "so-ho.csv", []byte("area_id,household_id,head_name,members,status\nbac-kan/nong-thuong/na-rao,NR-1,L\xf5\x81ng,2,poor\n"), "register.not_text", 2},
		{"a NUL far into the file", "so-ho.csv", []byte(text + strings.Repeat(" ", 5000) + "\x00\n"), "register.not_text", 12},
		{"half a UTF-16 pair", "so-ho.txt", halfPair, "register.not_text", 2},
		{"a name an earlier conversion spoiled", "so-ho.csv", []byte(strings.Replace(text, "Hồng", "H\ufffdng", 1)), "register.not_text", 2},
		{"a spoiled name in an XLSX", "so-ho.xlsx", spoiledXLSX.Bytes(), "register.not_text", 2},
		{"a file name that is not text", "so-h\xf4.csv", []byte(text), "register.file_name", 0},
	}
	cat := locales.MustLoad()
	db := storetest.Open(t)
	before := registerState(t, db)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := register.Import(ctx, db, c.file, bytes.NewReader(c.data), register.Options{Now: now})
			var refused register.FileError
			if !errors.As(err, &refused) || refused.Key != c.key || res.Imported != 0 {
				t.Fatalf("%+v, %v; want %s", res, err, c.key)
			}
			vi := refused.Text(cat, "vi")
			if c.line > 0 && !strings.Contains(vi, fmt.Sprintf("dòng %d ", c.line)) {
				t.Errorf("the message does not name line %d: %s", c.line, vi)
			}
			if strings.Contains(vi, "register.") || c.key != "register.file_name" && (!strings.Contains(vi, "«"+c.file+"»") || !strings.Contains(vi, "Lưu thành")) {
				t.Errorf("the message: %s", vi)
			}
			if after := registerState(t, db); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused file changed the register")
			}
		})
	}
}

// registerState is every household of the city and every counter, to see
// that a refused file changes nothing.
func registerState(t *testing.T, db *store.DB) []any {
	t.Helper()
	counters, err := db.CountersIn(ctx, "bac-kan")
	if err != nil {
		t.Fatal(err)
	}
	state := []any{counters}
	for _, a := range tree.Default() {
		hhs, err := db.HouseholdsIn(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		state = append(state, hhs)
	}
	return state
}
