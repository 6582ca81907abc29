package report_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/office/register"
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
	res, err := register.Import(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), register.Options{Now: now})
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
	if _, err := register.Import(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), register.Options{Now: now}); err != nil {
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
	if _, err := register.Import(ctx, db, "register.csv", bytes.NewReader(cityRegister(t)), register.Options{Now: now}); err != nil {
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
	file := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/ban-cau,B1,Nông Văn Tý,5,poor\n" +
		"bac-kan/huyen-tung/ban-cau,B2,Hà Thị Lan,4,poor\n"
	if _, err := register.Import(ctx, db, "r.csv", strings.NewReader(file), register.Options{Now: now.AddDate(0, -1, 0)}); err != nil {
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
