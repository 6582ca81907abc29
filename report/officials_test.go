package report_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/locales"
	"sothon/report"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

var now = time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// cityRegister writes a register of Bắc Kạn city as mid-2023: every village
// with its households_total, 285 poor and 114 near-poor in all.
func cityRegister(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"area_id", "household_id", "head_name", "members", "status"})
	poor, near := 285, 114
	n := 0
	for _, a := range tree.Default() {
		if a.Kind != tree.Village {
			continue
		}
		for i := 0; i < a.HouseholdsTotal; i++ {
			n++
			status := "none"
			switch {
			case poor > 0 && n%40 == 0:
				status, poor = "nghèo", poor-1
			case near > 0 && n%97 == 1:
				status, near = "cận nghèo", near-1
			}
			w.Write([]string{a.ID, fmt.Sprintf("BK%05d", n), fmt.Sprintf("Chủ hộ %d", n), "4", status})
		}
	}
	w.Flush()
	if poor != 0 || near != 0 || n != 12232 {
		t.Fatalf("register generator: %d households, %d poor and %d near-poor left over", n, poor, near)
	}
	return buf.Bytes()
}

func TestSeedReportFiguresReproduced(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	res, err := report.ImportRegister(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), report.ImportOptions{Now: now})
	if err != nil || res.Imported != 12232 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	st, err := report.Compute(ctx, db, "bac-kan", now)
	if err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	text := report.Digest(st, nil, forms, locales.MustLoad(), "vi")
	for _, want := range []string{"Hộ nghèo: 285 (2,33%)", "Hộ cận nghèo: 114 (0,93%)", "còn 262 hộ (2,14%)", "Thành phố Bắc Kạn"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	png, err := report.Chart(st, locales.MustLoad(), "vi")
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(st.Children) != 8 {
		t.Fatalf("chart: %d bytes, %v, %d sub-areas", len(png), err, len(st.Children))
	}
}

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
	res, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader(bad), report.ImportOptions{Now: now})
	if !errors.Is(err, report.ErrBadRows) || len(res.Bad) != 6 || res.Imported != 0 {
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
	res, err = report.ImportRegister(ctx, db, "r.csv", strings.NewReader(bad), report.ImportOptions{Now: now, SkipBad: true})
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
	if res, err := report.ImportRegister(ctx, db, "r.xlsx", &xlsx, report.ImportOptions{Now: now}); err != nil || res.Imported != 1 {
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
		if _, err := report.ImportRegister(ctx, db, "h.csv", strings.NewReader(header), report.ImportOptions{}); err == nil {
			t.Errorf("header %q accepted", header)
		}
	}
}

// A target shows only for the report's own year, counted from an imported
// register, and never as a negative reduction.
func TestTargetsByYear(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	forms, _ := flows.Default()
	digest := func(at time.Time) string {
		st, err := report.Compute(ctx, db, "bac-kan", at)
		if err != nil {
			t.Fatal(err)
		}
		return report.Digest(st, nil, forms, locales.MustLoad(), "vi")
	}
	if text := digest(now); strings.Contains(text, "Mục tiêu") {
		t.Errorf("a target without a register:\n%s", text)
	}
	if _, err := report.ImportRegister(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), report.ImportOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	if text := digest(now.AddDate(1, 0, 0)); strings.Contains(text, "Mục tiêu") {
		t.Errorf("the 2023 target shown in 2024:\n%s", text)
	}
	// One more poor household than the register started the year with.
	review(t, db, householdWith(t, db, "none"), "poor", now)
	text := digest(now)
	for _, want := range []string{"Mục tiêu 2023: giảm 23 hộ nghèo so với sổ hộ đầu năm (285 hộ), còn 262 hộ (2,14%).",
		"Số hộ nghèo tăng 1 hộ so với đầu năm; còn phải giảm 24 hộ.", "Hộ nghèo: 286"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Đã giảm -") || strings.Contains(text, "Đã giảm −") {
		t.Errorf("a negative reduction:\n%s", text)
	}
}

// The breakdown names every sub-area with its parent, least covered first,
// and the week by its dates.
func TestBreakdownLeastCoveredFirst(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := db.OpenRound(ctx, store.Round{Name: "Giữa năm", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	hhs, _ := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	review(t, db, hhs[0], "near_poor", now)
	st, err := report.Compute(ctx, db, "bac-kan/huyen-tung", now)
	if err != nil {
		t.Fatal(err)
	}
	rows := st.Breakdown()
	if len(rows) != 3 || rows[2].Label != "Tổ Khuổi Pài (Huyền Tụng)" || rows[2].Reviewed != 1 || rows[0].Reviewed != 0 {
		t.Fatalf("breakdown: %+v", rows)
	}
	forms, _ := flows.Default()
	text := report.Digest(st, nil, forms, locales.MustLoad(), "vi")
	for _, want := range []string{"Báo cáo tuần 24, 12/06–18/06/2023 — Phường Huyền Tụng",
		"Đã rà soát: 1/1.500 hộ (0,07%); trong đó hộ nghèo 0, hộ cận nghèo 1",
		"• Tổ Khuổi Pài (Huyền Tụng): rà soát 0,21% · nghèo 0% · cận nghèo 0,21%"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
}

// A past week's digest shows that week's figures, recounted from the
// records, not today's.
func TestPastWeekShowsItsOwnFigures(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := report.ImportRegister(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), report.ImportOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	nextWeek := now.AddDate(0, 0, 7)
	if _, err := db.OpenRound(ctx, store.Round{Name: "Giữa năm", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	review(t, db, householdWith(t, db, "poor"), "middle", nextWeek)
	today := now.AddDate(0, 0, 14)
	forms, _ := flows.Default()
	for day, want := range map[time.Time][]string{
		now:      {"tuần 24, 12/06–18/06/2023", "Hộ nghèo: 285 (2,33%)", "Đã rà soát: 0/12.232", "Thoát nghèo trong đợt: 0 hộ"},
		nextWeek: {"tuần 25, 19/06–25/06/2023", "Hộ nghèo: 284 (2,32%)", "Đã rà soát: 1/12.232", "Thoát nghèo trong đợt: 1 hộ", "Phiếu nhận trong tuần: 1"},
		today:    {"tuần 26, 26/06–02/07/2023", "Hộ nghèo: 284 (2,32%)", "Phiếu nhận trong tuần: 0"},
	} {
		st, err := report.ComputeWeek(ctx, db, "bac-kan", day, today)
		if err != nil {
			t.Fatal(err)
		}
		text := report.Digest(st, nil, forms, locales.MustLoad(), "vi")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("week of %s lacks %q:\n%s", day.Format(time.DateOnly), w, text)
			}
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
			res, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader(file), report.ImportOptions{Now: now})
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
	_, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader("Mã địa bàn;Mã hộ;Họ tên chủ hộ;Phân loại\nx;y;z;poor\n"), report.ImportOptions{Now: now})
	if err == nil || !strings.Contains(err.Error(), "lacks the column members (số nhân khẩu)") {
		t.Fatalf("a missing column: %v", err)
	}
}

// householdWith finds a household of Tổ 1 (Đức Xuân) with a status.
func householdWith(t *testing.T, db *store.DB, status string) store.Household {
	t.Helper()
	hhs, err := db.HouseholdsIn(ctx, "bac-kan/duc-xuan/to-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hhs {
		if h.Status == status {
			return h
		}
	}
	t.Fatalf("no %s household", status)
	return store.Household{}
}

// review stores a household questionnaire that classed hh at a moment.
func review(t *testing.T, db *store.DB, hh store.Household, class string, at time.Time) {
	t.Helper()
	s := &store.Submission{Form: "household", AreaID: hh.AreaID, HouseholdID: hh.ID, SubmittedAt: at, Class: class, Answers: map[string]string{}}
	if _, err := db.Apply(ctx, store.Change{At: at, Submission: s}); err != nil {
		t.Fatal(err)
	}
}

// A register cannot smuggle a formula or control characters in a name.
func TestImportRefusesFormulasInNames(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	file := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/khuoi-pai,K1,\"=HYPERLINK(\"\"http://x\"\",\"\"Bấm\"\")\",4,poor\n" +
		"bac-kan/huyen-tung/khuoi-pai,K2,\"Lục\x1bThị\",3,poor\n"
	res, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader(file), report.ImportOptions{Now: now})
	if !errors.Is(err, report.ErrBadRows) || len(res.Bad) != 2 {
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
	res, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader(b.String()), report.ImportOptions{Now: now})
	if !errors.Is(err, report.ErrBadRows) || len(res.Bad) != 100 || res.BadCount != 500 {
		t.Fatalf("bad rows: %d listed, %d counted, %v", len(res.Bad), res.BadCount, err)
	}
	b.Reset()
	b.WriteString("area_id,household_id,head_name,members,status\n")
	for i := range 481 { // Tổ Khuổi Pài has 480
		fmt.Fprintf(&b, "bac-kan/huyen-tung/khuoi-pai,K%d,Hộ số %d,3,none\n", i, i)
	}
	res, err = report.ImportRegister(ctx, db, "r.csv", strings.NewReader(b.String()), report.ImportOptions{Now: now})
	if err != nil || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "481 households") {
		t.Fatalf("an overfull village: %+v, %v", res.Warnings, err)
	}
	// The limits, made small for the test (64 MB and 500,000 rows by default).
	small := report.ImportOptions{Now: now, MaxBytes: 1 << 10, MaxRows: 100}
	huge := io.MultiReader(strings.NewReader("area_id,household_id,head_name,members,status\n"), strings.NewReader(strings.Repeat("x", 2<<10)))
	if _, err := report.ImportRegister(ctx, db, "r.csv", huge, small); err == nil || !strings.Contains(err.Error(), "over 1024 bytes") {
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
	if _, err := report.ImportRegister(ctx, db, "r.xlsx", &xlsx, small); err == nil || !strings.Contains(err.Error(), "more than 100 rows") {
		t.Fatalf("a sheet of too many rows: %v", err)
	}
}

// /stats, the digest and the JSON say how many forms wait, are approved
// and are returned: in the open round, or in all when none is open.
func TestStatsByReviewState(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := db.OpenRound(ctx, store.Round{Name: "Cuối năm", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	hhs, _ := db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	for _, hh := range hhs[:3] {
		review(t, db, hh, "poor", now)
	}
	// Before the round: counted among all forms, not the round's.
	review(t, db, hhs[3], "poor", now.AddDate(0, -2, 0))
	if _, _, err := db.Decide(ctx, store.Decision{Submission: 1, Approve: true, By: "o1", At: now}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: 2, Reason: "Thu nhập chưa hợp lý", By: "o1", At: now}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := report.Compute(ctx, db, "bac-kan/huyen-tung", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Reviews(); got != (report.ReviewStates{Pending: 1, Approved: 1, Returned: 1}) {
		t.Fatalf("the round's states: %+v", got)
	}
	forms, _ := flows.Default()
	if text := report.Digest(st, nil, forms, locales.MustLoad(), "vi"); !strings.Contains(text, "Theo hộ: 1 đã duyệt · 1 chờ duyệt · 1 có phiếu trả lại chờ sửa") {
		t.Errorf("the digest:\n%s", text)
	}
	if js := st.JSON(nil); js.Reviews != (report.ReviewStates{Pending: 1, Approved: 1, Returned: 1}) {
		t.Errorf("JSON: %+v", js.Reviews)
	}
	if _, err := db.CloseRound(ctx, "", now, "o1"); err != nil {
		t.Fatal(err)
	}
	if st, _ := report.Compute(ctx, db, "bac-kan/huyen-tung", now); st.Reviews() != (report.ReviewStates{Pending: 2, Approved: 1, Returned: 1}) {
		t.Errorf("without a round, all forms: %+v", st.Reviews())
	}
}

// The official list counts every form received until the round's first
// decision, then approved forms only (over the register), unless
// SOTHON_COUNT says all or approved.
func TestOfficialListCountsApprovedReviews(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	register := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/ban-cau,B1,Nông Văn Tý,5,poor\n" +
		"bac-kan/huyen-tung/ban-cau,B2,Hà Thị Lan,4,poor\n"
	if _, err := report.ImportRegister(ctx, db, "r.csv", strings.NewReader(register), report.ImportOptions{Now: now.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "R", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	figures := func() (poor, nearPoor int, approved bool) {
		t.Helper()
		st, err := report.Compute(ctx, db, "bac-kan/huyen-tung/ban-cau", now)
		if err != nil {
			t.Fatal(err)
		}
		return st.Poor(), st.NearPoor(), st.Approved()
	}
	for _, r := range []struct{ hh, class string }{{"B1", "middle"}, {"B2", "near_poor"}} {
		s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/ban-cau", HouseholdID: r.hh, SubmittedAt: now, Class: r.class, Answers: map[string]string{}}
		if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	if poor, near, approved := figures(); poor != 0 || near != 1 || approved {
		t.Fatalf("before any decision, every form counts: poor %d, near-poor %d, approved basis %v", poor, near, approved)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: 2, Approve: true, By: "o1", At: now}, nil); err != nil {
		t.Fatal(err)
	}
	if poor, near, approved := figures(); poor != 1 || near != 1 || !approved {
		t.Fatalf("after B2's approval, B1 (waiting) stays poor: poor %d, near-poor %d, approved basis %v", poor, near, approved)
	}
	st, _ := report.Compute(ctx, db, "bac-kan", now)
	forms, _ := flows.Default()
	if text := report.Digest(st, nil, forms, locales.MustLoad(), "vi"); !strings.Contains(text, "(chỉ tính các phiếu rà soát đã được duyệt)") || st.JSON(nil).ListBasis != "approved" {
		t.Errorf("the digest does not say what it counts:\n%s", text)
	}
	db.SetSetting(ctx, store.SettingCountBasis, store.CountAll)
	if poor, _, approved := figures(); poor != 0 || approved {
		t.Fatalf("SOTHON_COUNT=all: poor %d, approved basis %v", poor, approved)
	}
}
