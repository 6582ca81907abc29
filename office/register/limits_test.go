package register_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"sothon/office/register"
	"sothon/store/storetest"
)

// endless is a register that never ends: its header, then good rows.
type endless struct {
	buf  bytes.Buffer
	rows int
}

func (e *endless) Read(p []byte) (int, error) {
	for e.buf.Len() < len(p) {
		if e.rows == 0 {
			e.buf.WriteString("area_id,household_id,head_name,members,status\n")
		}
		e.rows++
		fmt.Fprintf(&e.buf, "bac-kan/huyen-tung/khuoi-pai,K%d,Hộ số %d,3,poor\n", e.rows, e.rows)
	}
	return e.buf.Read(p)
}

// sheet is an XLSX of one sheet whose <sheetData> holds rows (as XML),
// with shared strings when strings is not "".
func sheet(t *testing.T, rows, strings string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	parts := map[string]string{
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="A" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/strings.xml"/>` +
			`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/ho.xml"/></Relationships>`,
		"xl/worksheets/ho.xml": `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` + rows + `</x:sheetData></x:worksheet>`,
	}
	if strings != "" {
		parts["xl/strings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + strings + `</sst>`
	}
	for name, text := range parts {
		w, _ := zw.Create(name)
		io.WriteString(w, text)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const header = `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>area_id</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>household_id</x:t></x:is></x:c>` +
	`<x:c r="C1" t="s"><x:v>0</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>members</x:t></x:is></x:c><x:c r="E1" t="inlineStr"><x:is><x:t>status</x:t></x:is></x:c></x:row>`

// A register is read as it comes and refused where a limit is reached,
// saying why in the reader's words: a stream is read no further than the
// last row a register may have, a row or a cell too long for a register
// stops the reading, and an XLSX that is no workbook is said to be one.
func TestImportStopsAtTheLimits(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	var stream endless
	_, err := register.Import(ctx, db, "r.csv", &stream, register.Options{DryRun: true, Now: now, MaxRows: 1000})
	var fe register.FileError
	if !errors.As(err, &fe) || fe.Key != "register.too_many_rows" || stream.rows > 10_000 { // what the buffers read ahead, no more
		t.Fatalf("an endless register: %v after %d rows made", err, stream.rows)
	}

	long := "area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/khuoi-pai,K1,An,3,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K2,\"" + strings.Repeat("Lò Văn ", 10_000) + "\n" + strings.Repeat("x", 100) + "\",3,poor\n"
	quotes := "area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/khuoi-pai,K1,An \"Tí\",3,poor\n"
	bigCell := `<x:row r="7"><x:c r="A7" t="inlineStr"><x:is><x:t>` + strings.Repeat("x", 300<<10) + `</x:t></x:is></x:c></x:row>`
	manyRuns := `<si><t>head_name</t></si><si>` + strings.Repeat(`<r><t>`+strings.Repeat("y", 1000)+`</t></r>`, 300) + `</si>`
	for _, tc := range []struct {
		file string
		data []byte
		want string
	}{
		{"r.csv", []byte(long), "r.csv, line 3: the row is over 64 KB"},
		{"r.csv", []byte(quotes), "r.csv, line 2: a quote (\") out of place"},
		{"r.xlsx", sheet(t, header+bigCell, `<si><t>head_name</t></si>`), "r.xlsx, line 7: the row is over 256 KB"},
		{"r.xlsx", sheet(t, header, manyRuns), "r.xlsx has a cell over 256 KB"},
		{"r.xlsx", sheet(t, `<!DOCTYPE x [<!ENTITY a "aaaa">]>`+header, `<si><t>head_name</t></si>`), "r.xlsx cannot be read as an Excel workbook"},
		{"r.xlsx", sheet(t, header+`<x:row><x:c t="s"><x:v>9</x:v></x:c></x:row>`, `<si><t>head_name</t></si>`), "r.xlsx cannot be read as an Excel workbook"},
		{"r.xlsx", []byte("PK\x03\x04 not a zip at all"), "r.xlsx cannot be read as an Excel workbook"},
		{"r.xlsx", manyParts(t, 30_000), "r.xlsx cannot be read as an Excel workbook"},
		{"r.xlsx", []byte{}, "r.xlsx cannot be read as an Excel workbook"},
		{"r.pdf", []byte("%PDF-"), "r.pdf is not a register: a register is a .csv, .txt or .xlsx file"},
		{"r.csv", []byte("\n\n"), "r.csv is empty"},
	} {
		_, err := register.Import(ctx, db, tc.file, bytes.NewReader(tc.data), register.Options{Now: now})
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.file, err, tc.want)
		}
	}
}

// manyParts is a zip of n empty parts: a directory archive/zip would read
// whole before a size could be told.
func manyParts(t *testing.T, n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range n {
		zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/p%06d.xml", i), Method: zip.Store})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An XLSX is read as Excel writes it: its first sheet wherever the
// workbook's relationships put it, element names with a prefix, cells by
// their references (gaps and all), rich text runs joined and phonetic
// guides left out, and only the register's columns kept.
func TestImportReadsAWorkbookAsWritten(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	rows := header +
		`<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>K1</x:t></x:is></x:c><x:c r="A3" t="s"><x:v>1</x:v></x:c>` +
		`<x:c r="C3" t="s"><x:v>2</x:v></x:c><x:c r="D3"><x:v>4</x:v></x:c><x:c r="E3" t="str"><x:f>"poor"</x:f><x:v>poor</x:v></x:c>` +
		`<x:c r="Z3" t="inlineStr"><x:is><x:t>` + strings.Repeat("ghi chú ", 1000) + `</x:t></x:is></x:c></x:row>`
	strs := `<si><t>head_name</t></si><si><t>bac-kan/huyen-tung/khuoi-pai</t></si>` +
		`<si><r><t>Hoàng </t></r><r><rPr><b/></rPr><t xml:space="preserve">Văn Thắng</t></r><rPh><t>ふりがな</t></rPh></si>`
	res, err := register.Import(ctx, db, "so-ho.xlsx", bytes.NewReader(sheet(t, rows, strs)), register.Options{Now: now})
	if err != nil || res.Imported != 1 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	hh, err := db.Household(ctx, "K1")
	if err != nil || hh.HeadName != "Hoàng Văn Thắng" || hh.Members != 4 || hh.Status != "poor" || hh.AreaID != "bac-kan/huyen-tung/khuoi-pai" {
		t.Fatalf("K1: %+v, %v", hh, err)
	}
}
