package register_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"sothon/office/register"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// A register file from outside must never crash the import, what it
// imports must be all or nothing, every name stored must be text (UTF-8,
// composed, nothing lost to U+FFFD), and the same register saved by Excel
// as Unicode Text or as Windows-1258 must read as it does in UTF-8.
func FuzzImport(f *testing.F) {
	f.Add([]byte("area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/khuoi-pai,H1,Hà Văn Sơn,4,nghèo\n"))
	f.Add([]byte("household_id,area_id,status,members,head_name\nH1,bac-kan/nong-thuong/na-rao,cận nghèo,2,Bàn Thị Xuân\n"))
	f.Add([]byte("\ufeffarea_id,household_id,head_name,members,status\n\"bac-kan/duc-xuan/to-1\",\"H,1\",\"A \"\"B\"\"\",30,none\n"))
	f.Add([]byte("area_id\n\n\n"))
	f.Add([]byte("Mã địa bàn;Mã hộ;Họ tên chủ hộ;Số nhân khẩu;Phân loại\r\nbac-kan/huyen-tung/khuoi-pai;K1;\"A; B\";4;Hộ nghèo\r\n"))
	f.Add([]byte("area_id\thousehold_id\thead_name\tmembers\tstatus\nbac-kan/huyen-tung/khuoi-pai\tK1\tA, B\t4\tpoor\n"))
	f.Add([]byte("\"mã hộ;x\",area_id;household_id\n"))
	names := writeRows(fixture(f), ';', true)
	cp, _ := windows1258(names)
	f.Add(cp)
	f.Add(utf16Text(f, strings.ReplaceAll(names, ";", "\t"), unicode.LittleEndian, unicode.UseBOM))
	f.Add(utf16Text(f, names, unicode.BigEndian, unicode.IgnoreBOM))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	db := storetest.Open(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := db.CountersIn(ctx, "bac-kan")
		if err != nil {
			t.Fatal(err)
		}
		res, err := register.Import(ctx, db, "fuzz.csv", bytes.NewReader(data), register.Options{})
		if errors.Is(err, register.ErrBadRows) && res.Imported != 0 {
			t.Fatalf("a file with bad rows imported %d households", res.Imported)
		}
		if err != nil {
			after, cerr := db.CountersIn(ctx, "bac-kan")
			if cerr != nil {
				t.Fatal(cerr)
			}
			if !reflect.DeepEqual(after, before) {
				t.Fatalf("a refused file changed the counters")
			}
		}
		if res.Imported > 0 {
			storedAsText(t, db)
		}
		// A file read as UTF-8 (valid, and without the NULs of UTF-16).
		if (err == nil || errors.Is(err, register.ErrBadRows)) && utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 {
			sameInExcelEncodings(t, db, data)
		}
	})
}

// storedAsText checks every household's name and id is text.
func storedAsText(t *testing.T, db *store.DB) {
	t.Helper()
	for _, a := range tree.Default() {
		hhs, err := db.HouseholdsIn(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, hh := range hhs {
			for _, s := range []string{hh.ID, hh.HeadName} {
				if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || !norm.NFC.IsNormalString(s) {
					t.Fatalf("stored %q", s)
				}
			}
		}
	}
}

// sameInExcelEncodings checks that a register read from UTF-8 reads the
// same, row by row, from UTF-16 and from Windows-1258.
func sameInExcelEncodings(t *testing.T, db *store.DB, data []byte) {
	t.Helper()
	text := bytes.TrimPrefix(data, []byte("\ufeff"))
	check := func(encoding string, file []byte) {
		dry := register.Options{DryRun: true}
		want, werr := register.Import(ctx, db, "fuzz.csv", bytes.NewReader(data), dry)
		got, gerr := register.Import(ctx, db, "fuzz.csv", bytes.NewReader(file), dry)
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
			t.Fatalf("%s reads otherwise: %+v, %v; in UTF-8 %+v, %v", encoding, got, gerr, want, werr)
		}
	}
	check("UTF-16", utf16Text(t, string(text), unicode.LittleEndian, unicode.UseBOM))
	// Windows-1258 when the code page has the text and the file cannot be
	// taken for UTF-8 (or UTF-16) where it first leaves ASCII.
	cp, ok := windows1258(string(text))
	if i := bytes.IndexFunc(cp, func(r rune) bool { return r >= utf8.RuneSelf }); ok && i >= 0 {
		r, size := utf8.DecodeRune(cp[i:])
		ok = r == utf8.RuneError && size == 1 && !bytes.HasPrefix(cp, []byte("\xff\xfe")) && !bytes.HasPrefix(cp, []byte("\xfe\xff"))
	}
	if ok {
		check("Windows-1258", cp)
	}
}
