package lists_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/locales"
	"sothon/office/register"
	"sothon/report/lists"
	"sothon/report/lists/liststest"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

var (
	ctx = context.Background()
	now = time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
)

// listsFixture: a ward's round with five households of Khuổi Pài reviewed:
// one stays poor, one leaves poverty for near-poverty, one leaves
// near-poverty, one was returned, one still waits. Two are approved and
// one more, so only approved forms make the lists.
func listsFixture(t *testing.T) (*store.DB, lists.Lists) {
	t.Helper()
	db := storetest.Open(t)
	file := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/khuoi-pai,K1,Nông Văn Tý,5,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K2,Hà Thị Lan,4,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K3,Lục Văn Sơn,3,near_poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K4,Đinh Văn Tài,6,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K5,Lý Thị Hoa,2,poor\n"
	if _, err := register.Import(ctx, db, "r.csv", strings.NewReader(file), register.Options{Now: now.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "Cuối năm", AreaID: "bac-kan/huyen-tung", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		hh, class string
		answers   map[string]string
	}{
		{"K1", "poor", map[string]string{"members": "5", "working_age": "3", "children": "2", "income": "3", "job": "no", "nutrition": "no",
			"insurance": "yes", "adult_education": "no", "schooling": "no", "house_quality": "no", "house_area": "60", "water": "no",
			"latrine": "no", "internet": "yes", "info_means": "yes"}},
		{"K2", "near_poor", map[string]string{"members": "4", "water": "no"}},
		{"K3", "middle", map[string]string{"members": "3", "water": "yes"}},
		{"K4", "poor", nil},
		{"K5", "poor", nil},
	} {
		s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdID: r.hh, SubmittedAt: now, Class: r.class, Answers: r.answers}
		if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	for id := uint64(1); id <= 4; id++ {
		d := store.Decision{Submission: id, Approve: id != 4, Reason: "Sai hộ", By: "o1", At: now}
		if _, _, err := db.Decide(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	forms, _ := flows.Default()
	l, err := lists.Build(ctx, db, forms, locales.MustLoad(), "bac-kan/huyen-tung", 0, "vi", now)
	if err != nil {
		t.Fatal(err)
	}
	return db, l
}

func names(entries []lists.Entry) string {
	var out []string
	for _, e := range entries {
		out = append(out, e.HeadName)
	}
	return strings.Join(out, ", ")
}

func TestListsOfARound(t *testing.T) {
	t.Parallel()
	_, l := listsFixture(t)
	if !l.Approved() || len(l.Villages) != 1 || l.Villages[0].Label != "Tổ Khuổi Pài (Huyền Tụng)" {
		t.Fatalf("lists: %+v", l)
	}
	v := l.Villages[0].Lists
	for kind, want := range map[string]string{"poor": "Nông Văn Tý", "near_poor": "Hà Thị Lan", "left_poor": "Hà Thị Lan", "left_near_poor": "Lục Văn Sơn"} {
		if got := names(v[kind]); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
	if got := strings.Join(v["poor"][0].Lacking, "; "); got != "Bảo hiểm y tế; Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh" || v["poor"][0].Members != 5 {
		t.Errorf("Nông Văn Tý: %+v", v["poor"][0])
	}
}

// The XLSX reads back cell by cell: the body, the title, each list with its
// count, the household's row, the date and the signatures.
func TestListsXLSX(t *testing.T) {
	t.Parallel()
	_, l := listsFixture(t)
	var buf bytes.Buffer
	if err := lists.WriteXLSX(l, locales.MustLoad(), &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	text := func(r, c int) string {
		if r < len(rows) && c < len(rows[r]) {
			return rows[r][c]
		}
		return ""
	}
	if sheet != "Tổ Khuổi Pài (Huyền Tụng)" || text(0, 0) != "UBND PHƯỜNG HUYỀN TỤNG" || text(0, 3) != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" ||
		text(1, 0) != "TỔ KHUỔI PÀI (HUYỀN TỤNG)" || text(1, 3) != "Độc lập - Tự do - Hạnh phúc" ||
		!strings.HasPrefix(text(3, 0), "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO — đợt rà soát «Cuối năm»") || text(4, 0) != "Phân loại theo chuẩn nghèo đa chiều giai đoạn 2022–2025 (Nghị định 07/2021/NĐ-CP; đợt thường xuyên). (Gồm các phiếu rà soát đã được duyệt)" {
		t.Fatalf("the header of %q: %q", sheet, rows[:5])
	}
	want := [][]string{
		{"1. Hộ nghèo (1 hộ)"},
		{"STT", "Họ tên chủ hộ", "Thôn, tổ", "Số nhân khẩu", "Phân loại", "Chỉ số thiếu hụt"},
		{"1", "Nông Văn Tý", "Tổ Khuổi Pài (Huyền Tụng)", "5", "Hộ nghèo", "Bảo hiểm y tế; Nguồn nước sinh hoạt; Nhà tiêu hợp vệ sinh"},
	}
	for i, row := range want {
		for c, cell := range row {
			if got := text(6+i, c); got != cell {
				t.Errorf("row %d, column %d: %q, want %q", 7+i, c+1, got, cell)
			}
		}
	}
	last := rows[len(rows)-1]
	if len(last) < 6 || last[1] != "TỔ TRƯỞNG" || last[5] != "TM. UBND PHƯỜNG" || !strings.Contains(rows[len(rows)-2][5], "Huyền Tụng, ngày 15 tháng 6 năm 2023") {
		t.Errorf("the signatures: %q / %q", rows[len(rows)-2], last)
	}
}

// The PDF is A4 with the font embedded, and its text reads back in
// Vietnamese: titles, names, indicators and signatures.
func TestListsPDF(t *testing.T) {
	t.Parallel()
	_, l := listsFixture(t)
	var buf bytes.Buffer
	if err := lists.WritePDF(l, locales.MustLoad(), &buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.Contains(data, []byte("/MediaBox [0 0 595.28 841.89]")) || !bytes.Contains(data, []byte("/FontFile2")) {
		t.Fatal("not an A4 page with an embedded TrueType font")
	}
	// The document's title, UTF-16 in its information, names the round's
	// days as offices write them.
	if utf16 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r>>8), byte(r))
		}
		return b
	}; !bytes.Contains(data, utf16("01/06/2023 – 30/06/2023")) {
		t.Error("the PDF's title lacks the round's days as dd/mm/yyyy")
	}
	got := pdfText(t, data)
	for _, want := range []string{"UBND PHƯỜNG HUYỀN TỤNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "1. Hộ nghèo (1 hộ)", "Nông Văn Tý", "Nhà tiêu hợp vệ sinh", "3. Hộ thoát nghèo (1 hộ)",
		"Hà Thị Lan", "Lục Văn Sơn", "Huyền Tụng, ngày 15 tháng 6 năm 2023", "TỔ TRƯỞNG", "TM. UBND PHƯỜNG"} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Đinh Văn Tài") || strings.Contains(got, "Lý Thị Hoa") {
		t.Errorf("a returned or waiting form is on the lists:\n%s", got)
	}
}

// pdfText is the text on a PDF's pages.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	text, err := liststest.PDFText(data)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// The lists count as the official list does: with SOTHON_COUNT=all, the
// form still waiting is on them too; a returned one never is.
func TestListsFollowTheCountBasis(t *testing.T) {
	t.Parallel()
	db, _ := listsFixture(t)
	if err := db.SetSetting(ctx, store.SettingCountBasis, store.CountAll); err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	l, err := lists.Build(ctx, db, forms, locales.MustLoad(), "bac-kan/huyen-tung", 0, "vi", now)
	if err != nil || l.Approved() {
		t.Fatalf("lists: approved basis %v, %v", l.Approved(), err)
	}
	if got := names(l.Villages[0].Lists["poor"]); got != "Lý Thị Hoa, Nông Văn Tý" {
		t.Errorf("poor, every form received: %q", got)
	}
}

// A village's posted lists are headed by the people's committee of its
// ward or commune of today, before and after the city's plan, and the
// round's lists still read after it.
func TestListsHeadedByTheWardOfToday(t *testing.T) {
	t.Parallel()
	db, _ := listsFixture(t)
	heading := func(area string) (string, string) {
		t.Helper()
		forms, _ := flows.Default()
		l, err := lists.Build(ctx, db, forms, locales.MustLoad(), area, 0, "vi", now)
		if err != nil || len(l.Villages) != 1 {
			t.Fatalf("lists of %s: %v", area, err)
		}
		var buf bytes.Buffer
		if err := lists.WriteXLSX(l, locales.MustLoad(), &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		last := rows[len(rows)-1]
		return rows[0][0], last[len(last)-1]
	}
	if body, sign := heading("bac-kan/huyen-tung/khuoi-pai"); body != "UBND PHƯỜNG HUYỀN TỤNG" || sign != "TM. UBND PHƯỜNG" {
		t.Fatalf("a village's lists before: %q, %q", body, sign)
	}
	plan, _, _ := tree.BuiltinPlan("bac-kan-2025")
	if _, err := db.Reorganise(ctx, plan, now, "admin", false); err != nil {
		t.Fatal(err)
	}
	if body, sign := heading("thai-nguyen/duc-xuan/khuoi-pai"); body != "UBND PHƯỜNG ĐỨC XUÂN" || sign != "TM. UBND PHƯỜNG" {
		t.Fatalf("a village's lists after: %q, %q", body, sign)
	}
	if body, sign := heading("thai-nguyen"); body != "UBND PHƯỜNG ĐỨC XUÂN" || sign != "TM. UBND PHƯỜNG" {
		t.Fatalf("the province's lists after: %q, %q", body, sign)
	}
	// The round of Huyền Tụng, now a part of Đức Xuân, agrees with its lists.
	if dis, err := lists.Agreement(ctx, db); err != nil || len(dis) > 0 {
		t.Fatalf("agreement: %v, %v", dis, err)
	}
}
