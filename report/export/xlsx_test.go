package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/report/export"
	"sothon/store/storetest"
)

func TestXLSXExportReadBack(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	seed(t, db)
	forms, _ := flows.Default()
	var buf bytes.Buffer
	n, err := export.Write(ctx, db, forms, export.Options{Format: export.XLSX, TZ: time.FixedZone("ICT", 7*3600)}, &buf)
	if err != nil || n != 2 {
		t.Fatalf("export: %d, %v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 4 || sheets[0] != "Rà soát tình trạng hộ" || sheets[1] != "Rà soát hộ theo chuẩn 2027–2030" {
		t.Fatalf("sheets: %v", sheets)
	}
	for cell, want := range map[string]string{"A1": "Số phiếu", "G1": "Chủ hộ", "I1": "Trạng thái duyệt", "L1": "Phiếu hiện hành", "I2": "Chờ duyệt", "M1": "Hộ", "N1": "Chủ hộ (2)", "A2": "1",
		"B2": "Rà soát tình trạng hộ", "G2": "Hà Văn Sơn", "D2": "15/06/2023 09:30"} {
		if got, _ := f.GetCellValue(sheets[0], cell); got != want {
			t.Errorf("%s!%s = %q, want %q", sheets[0], cell, got, want)
		}
	}
	rows, _ := f.GetRows(sheets[0])
	col := map[string]int{}
	for i, h := range rows[0] {
		if _, dup := col[h]; dup {
			t.Errorf("header %q repeats", h)
		}
		col[h] = i
	}
	if got := rows[1][col["Phân loại"]]; got != "Hộ nghèo" {
		t.Errorf("class cell %q, want Hộ nghèo", got)
	}
	if got := rows[1][col["Nguyên nhân nghèo"]]; got != "Thiếu đất sản xuất; Thiếu lao động" {
		t.Errorf("causes cell %q", got)
	}
	panes, _ := f.GetPanes(sheets[0])
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v", panes)
	}
	if model, _ := f.GetCellValue(sheets[2], "G2"); model != "Bàn Thị Xuân" {
		t.Errorf("model sheet: %q", model)
	}
}
