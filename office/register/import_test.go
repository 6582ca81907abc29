package register_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/office/register"
	"sothon/store/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
)

func TestImportReportsBadRowsAndUpdates(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	bad := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/khuoi-pai,H1,Hà Văn Sơn,4,nghèo\n" +
		"bac-kan/nowhere,H2,Lục Mai,3,poor\n" +
		"bac-kan/huyen-tung,H3,Lục Mai,3,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,H4,A,3,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,H5,Nông Văn Hùng,0,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,H6,Nông Văn Hùng,2,rich\n" +
		"bac-kan/huyen-tung/khuoi-pai,H1,Hà Văn Sơn,4,poor\n"
	res, err := register.Import(ctx, db, "r.csv", strings.NewReader(bad), register.Options{Now: now})
	if !errors.Is(err, register.ErrBadRows) || len(res.Bad) != 6 || res.Imported != 0 {
		t.Fatalf("bad file: %+v, %v", res, err)
	}
	wantLines := []int{3, 4, 5, 6, 7, 8}
	for i, b := range res.Bad {
		if b.Line != wantLines[i] || b.Key == "" || strings.Contains(b.Error(), "register.") {
			t.Errorf("bad row %d: %+v, want line %d", i, b, wantLines[i])
		}
	}
	if hh, _ := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai"); len(hh) != 12 { // the demo register only
		t.Fatalf("a file with bad rows imported %d households", len(hh)-12)
	}
	res, err = register.Import(ctx, db, "r.csv", strings.NewReader(bad), register.Options{Now: now, SkipBad: true})
	if err != nil || res.Imported != 1 {
		t.Fatalf("--skip-bad: %+v, %v", res, err)
	}
	// Re-import the same id, now near-poor, from an XLSX file.
	f := excelize.NewFile()
	for i, row := range [][]any{{"Area_ID", "household_id", "head_name", "members", "status"},
		{"bac-kan/huyen-tung/khuoi-pai", "H1", "Hà Văn Sơn", 5, "Cận nghèo"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &row)
	}
	var xlsx bytes.Buffer
	f.Write(&xlsx)
	if res, err := register.Import(ctx, db, "r.xlsx", &xlsx, register.Options{Now: now}); err != nil || res.Imported != 1 {
		t.Fatalf("xlsx: %+v, %v", res, err)
	}
	hh, err := db.Household(ctx, "H1")
	if err != nil || hh.Status != "near_poor" || hh.Members != 5 || len(hh.History) != 2 {
		t.Fatalf("re-imported: %+v, %v", hh, err)
	}
	counters, _ := db.CountersIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	if c := counters["bac-kan/huyen-tung/khuoi-pai"]; c["status:poor"] != 0 || c["status:near_poor"] != 1 || c["register:near_poor"] != 1 {
		t.Fatalf("counters after re-import: %v", c)
	}
	for _, header := range []string{"area,household_id\n", ""} {
		if _, err := register.Import(ctx, db, "h.csv", strings.NewReader(header), register.Options{}); err == nil {
			t.Errorf("header %q accepted", header)
		}
	}
}

// Registers as offices have them: ";" from Excel in Vietnamese settings,
// tabs, a BOM, CRLF line ends, quoted fields, Vietnamese headings.
func TestImportFilesOfficesHave(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"semicolon, BOM, CRLF, Vietnamese headings": "\ufeffMã địa bàn;Mã hộ;Họ tên chủ hộ;Số nhân khẩu;Phân loại\r\n" +
			"bac-kan/huyen-tung/khuoi-pai;K1;\"Hoàng Văn Thắng; con\";4;Hộ nghèo\r\n" +
			"bac-kan/huyen-tung/khuoi-pai;K2;Lục Thị Mai;3;cận nghèo\r\n",
		"tab": "area_id\thousehold_id\thead_name\tmembers\tstatus\n" +
			"bac-kan/huyen-tung/khuoi-pai\tK1\tHoàng Văn Thắng, con\t4\tpoor\n" +
			"bac-kan/huyen-tung/khuoi-pai\tK2\tLục Thị Mai\t3\tnear_poor\n",
		"comma, quoted comma": "area_id,household_id,head_name,members,status\n" +
			"bac-kan/huyen-tung/khuoi-pai,K1,\"Hoàng Văn Thắng, con\",4,ngheo\n" +
			"bac-kan/huyen-tung/khuoi-pai,K2,Lục Thị Mai,3,can ngheo\n",
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			db := storetest.Open(t)
			res, err := register.Import(ctx, db, "r.csv", strings.NewReader(file), register.Options{Now: now})
			if err != nil || res.Imported != 2 {
				t.Fatalf("import: %+v, %v", res, err)
			}
			k1, err := db.Household(ctx, "K1")
			if err != nil || k1.Status != "poor" || k1.Members != 4 || !strings.HasPrefix(k1.HeadName, "Hoàng Văn Thắng") {
				t.Fatalf("K1: %+v, %v", k1, err)
			}
			if k2, _ := db.Household(ctx, "K2"); k2.Status != "near_poor" {
				t.Fatalf("K2: %+v", k2)
			}
		})
	}
	db := storetest.Open(t)
	_, err := register.Import(ctx, db, "r.csv", strings.NewReader("Mã địa bàn;Mã hộ;Họ tên chủ hộ;Phân loại\nx;y;z;poor\n"), register.Options{Now: now})
	if err == nil || !strings.Contains(err.Error(), "lacks the column members (số nhân khẩu)") {
		t.Fatalf("a missing column: %v", err)
	}
}

// A register cannot smuggle a formula or control characters in a name.
func TestImportRefusesFormulasInNames(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	file := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/khuoi-pai,K1,\"=HYPERLINK(\"\"http://x\"\",\"\"Bấm\"\")\",4,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K2,\"Lục\x1bThị\",3,poor\n"
	res, err := register.Import(ctx, db, "r.csv", strings.NewReader(file), register.Options{Now: now})
	if !errors.Is(err, register.ErrBadRows) || len(res.Bad) != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
}

// Imports are bounded: bad rows listed up to a cap and counted past it, a
// village over its households_total warned about, an oversized file and a
// sheet of too many rows refused early.
func TestImportLimits(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	var b strings.Builder
	b.WriteString("area_id,household_id,head_name,members,status\n")
	for i := range 500 {
		fmt.Fprintf(&b, "nowhere,X%d,Tên %d,3,poor\n", i, i)
	}
	res, err := register.Import(ctx, db, "r.csv", strings.NewReader(b.String()), register.Options{Now: now})
	if !errors.Is(err, register.ErrBadRows) || len(res.Bad) != 100 || res.BadCount != 500 {
		t.Fatalf("bad rows: %d listed, %d counted, %v", len(res.Bad), res.BadCount, err)
	}
	b.Reset()
	b.WriteString("area_id,household_id,head_name,members,status\n")
	for i := range 481 { // Tổ Khuổi Pài has 480
		fmt.Fprintf(&b, "bac-kan/huyen-tung/khuoi-pai,K%d,Hộ số %d,3,none\n", i, i)
	}
	res, err = register.Import(ctx, db, "r.csv", strings.NewReader(b.String()), register.Options{Now: now})
	if err != nil || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "481 households") {
		t.Fatalf("an overfull village: %+v, %v", res.Warnings, err)
	}
	// The limits, made small for the test (64 MB and 500,000 rows by default).
	small := register.Options{Now: now, MaxBytes: 1 << 10, MaxRows: 100}
	huge := io.MultiReader(strings.NewReader("area_id,household_id,head_name,members,status\n"), strings.NewReader(strings.Repeat("x", 2<<10)))
	if _, err := register.Import(ctx, db, "r.csv", huge, small); err == nil || !strings.Contains(err.Error(), "over 1024 bytes") {
		t.Fatalf("an oversized file: %v", err)
	}
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"area_id", "household_id", "head_name", "members", "status"})
	for i := range 10_000 {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, []any{"x"})
	}
	sw.Flush()
	var xlsx bytes.Buffer
	f.Write(&xlsx)
	small.MaxBytes = 0 // the default: the sheet is small, its rows many
	if _, err := register.Import(ctx, db, "r.xlsx", &xlsx, small); err == nil || !strings.Contains(err.Error(), "more than 100 rows") {
		t.Fatalf("a sheet of too many rows: %v", err)
	}
}
