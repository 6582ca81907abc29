package office_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/report/lists"
	"sothon/report/lists/liststest"
)

// pdfOf writes a document as a PDF and reads its text back.
func pdfOf[D any](t *testing.T, write func(D, *locales.Catalog, *bytes.Buffer) error, doc D) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(doc, locales.MustLoad(), &buf); err != nil {
		t.Fatal(err)
	}
	text, err := liststest.PDFText(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func minutesPDF(m lists.Minutes, cat *locales.Catalog, buf *bytes.Buffer) error {
	return lists.WriteMinutesPDF(m, cat, buf)
}

func annexPDF(a lists.Annex, cat *locales.Catalog, buf *bytes.Buffer) error {
	return lists.WriteAnnexPDF(a, cat, buf)
}

// annexSheets writes the annex as XLSX and reads every sheet's rows back.
func annexSheets(t *testing.T, a lists.Annex) (names []string, rows map[string][][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := lists.WriteAnnexXLSX(a, locales.MustLoad(), &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows = map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows[s], _ = f.GetRows(s)
	}
	return f.GetSheetList(), rows
}

func containsAll(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// The minutes of a meeting with one household short of half: provisional
// while it goes on, then each household with its vote, the one sent back
// marked so, the tally and the three signatures with their names. Only
// those who hold the meeting have them; a village without one has none.
func TestMinutesOfAMeeting(t *testing.T) {
	db, o, r := reviewRound(t)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	if _, err := o.OpenMeeting(ctx, headKhuoiPai, meeting, day("2026-11-20", 19)); err != nil {
		t.Fatal(err)
	}
	for i, agreed := range []int{8, 3, 5} {
		if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i + 1), Agreed: agreed}, day("2026-11-20", 20)); err != nil {
			t.Fatal(err)
		}
	}
	m, err := o.Minutes(ctx, headKhuoiPai, khuoiPai, 0, forms, cat, "vi")
	if err != nil {
		t.Fatal(err)
	}
	containsAll(t, "the minutes in progress", pdfOf(t, minutesPDF, m), "biên bản tạm")

	if _, err := o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, day("2026-11-20", 21)); err != nil {
		t.Fatal(err)
	}
	m, err = o.Minutes(ctx, officialTung, khuoiPai, r.ID, forms, cat, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if backed, back := m.Tally(); backed != 2 || back != 1 || m.Backed(demo(2)) || !m.Backed(demo(3)) {
		t.Fatalf("the tally: %d backed, %d back", backed, back)
	}
	text := pdfOf(t, minutesPDF, m)
	containsAll(t, "the minutes", text, "UBND PHƯỜNG HUYỀN TỤNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"BIÊN BẢN HỌP TỔ DÂN PHỐ", "đợt rà soát «Rà soát 2026»", "ngày 20 tháng 11 năm 2026", "Số người dự họp: 10 người.",
		"Chủ trì: Hoàng Văn Thắng. Thư ký: Lục Thị Mai. Đại diện Mặt trận Tổ quốc: Nông Văn Hùng.",
		"1. Hộ nghèo (2 hộ)", "2. Hộ cận nghèo (1 hộ)", "8/10", "3/10", "5/10", "Đưa về rà soát lại",
		"Kết quả: 2 hộ được đồng ý; 1 hộ đưa về rà soát lại.", "Khuổi Pài, ngày 20 tháng 11 năm 2026",
		"THƯ KÝ", "ĐẠI DIỆN MTTQ", "CHỦ TRÌ (TỔ TRƯỞNG)")
	if strings.Contains(text, "biên bản tạm") {
		t.Errorf("the minutes of a meeting held are marked provisional:\n%s", text)
	}
	for i := 1; i <= 3; i++ {
		hh, _ := db.Household(ctx, demo(i))
		containsAll(t, "the minutes", text, hh.HeadName)
	}
	// The household sent back is on the minutes with its vote, and the
	// row says so: its name, "3/10" and its result.
	hh2, _ := db.Household(ctx, demo(2))
	if at := strings.Index(text, "3/10"); at < 0 || !strings.Contains(text[max(0, at-60):at], hh2.HeadName) ||
		!strings.HasPrefix(text[at:], "3/10Đưa về rà soát lại") {
		t.Errorf("household 2's row (%s):\n%s", hh2.HeadName, text)
	}

	_, err = o.Minutes(ctx, headBanCau, khuoiPai, 0, forms, cat, "vi")
	refusedFor(t, err, office.ErrOutside, "office.outside")
	_, err = o.Minutes(ctx, officialTung, huyenTung, 0, forms, cat, "vi")
	refusedFor(t, err, office.ErrVillage, "office.review_village")
	_, err = o.Minutes(ctx, officialTung, "bac-kan/huyen-tung/ban-cau", 0, forms, cat, "vi")
	refusedFor(t, err, lists.ErrNoMeeting, "minutes.none")
}

// The decision's annex: a draft before the decision; after it, the
// decision's number and date, and a summary table whose cells are the
// annex's figures, which agree with the review's progress and with the
// lists; each village's lists on a sheet of its own.
func TestAnnexDocuments(t *testing.T) {
	db, o, r := reviewRound(t)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	annex := func(at string) lists.Annex {
		t.Helper()
		a, err := o.Annex(ctx, officialTung, "", r.ID, forms, cat, "vi", day(at, 10))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	draft := annex("2026-11-20")
	containsAll(t, "the draft annex", pdfOf(t, annexPDF, draft), "PHỤ LỤC", "DỰ THẢO — chưa có quyết định công nhận", "UBND PHƯỜNG HUYỀN TỤNG")
	if _, rows := annexSheets(t, draft); !slices.ContainsFunc(rows["Tổng hợp"], func(row []string) bool { return len(row) > 0 && strings.HasPrefix(row[0], "DỰ THẢO") }) {
		t.Errorf("the draft annex's sheet: %q", rows["Tổng hợp"])
	}

	// The meeting backs all three, the posting ends without complaint,
	// the decision is recorded.
	if _, err := o.OpenMeeting(ctx, headKhuoiPai, meeting, day("2026-11-20", 19)); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := o.RecordVote(ctx, headKhuoiPai, office.VoteEntry{Village: khuoiPai, Household: demo(i), All: true}, day("2026-11-20", 20)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, day("2026-11-20", 21)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RecordPosting(ctx, officialTung, office.PostingEntry{Village: khuoiPai, Start: "2026-11-23"}, day("2026-11-21", 9)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RecordDecision(ctx, officialTung, office.DecisionEntry{Number: "125/QĐ-UBND", Day: "2026-11-27"}, day("2026-11-27", 10)); err != nil {
		t.Fatal(err)
	}
	a := annex("2026-11-30")
	p, err := o.ReviewProgress(ctx, officialTung, "", r.ID, day("2026-11-30", 10))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := lists.Agreement(ctx, db); err != nil || len(d) > 0 {
		t.Fatalf("the lists and the figures disagree: %v %v", d, err)
	}
	i := slices.IndexFunc(p.Villages, func(v office.VillageProgress) bool { return v.Village.ID == khuoiPai })
	listed := map[string]bool{}
	for _, entries := range a.Lists.Villages[0].Lists {
		for _, e := range entries {
			listed[e.HouseholdID] = true
		}
	}
	if !p.Decided() || i < 0 || len(a.Villages) != 1 || len(listed) != p.Villages[i].Listed || a.Villages[0].Poor+a.Villages[0].NearPoor != p.Villages[i].Listed ||
		a.Villages[0].Poor != a.Lists.Count(lists.ListPoor) || a.Total.NearPoor != a.Lists.Count(lists.ListNearPoor) {
		t.Fatalf("the annex %+v against the progress %+v", a.Villages, p.Villages)
	}

	sheets, rows := annexSheets(t, a)
	if len(sheets) != 2 || sheets[0] != "Tổng hợp" || sheets[1] != "Tổ Khuổi Pài (Huyền Tụng)" {
		t.Fatalf("the annex's sheets: %q", sheets)
	}
	summary := rows["Tổng hợp"]
	containsAll(t, "the annex's summary", fmt.Sprint(summary), "UBND PHƯỜNG HUYỀN TỤNG", "PHỤ LỤC",
		"(Kèm theo Quyết định số 125/QĐ-UBND ngày 27/11/2026 của UBND Phường Huyền Tụng)", "Huyền Tụng, ngày 27 tháng 11 năm 2026", "TM. UBND PHƯỜNG")
	row := func(label string) []string {
		t.Helper()
		i := slices.IndexFunc(summary, func(r []string) bool { return len(r) > 1 && r[1] == label })
		if i < 0 {
			t.Fatalf("no row %q in %q", label, summary)
		}
		return summary[i]
	}
	for label, want := range map[string]lists.AnnexRow{"Tổ Khuổi Pài (Huyền Tụng)": a.Villages[0], "Tổng cộng": a.Total} {
		got := row(label)
		cells := []string{fmt.Sprint(want.Households), fmt.Sprint(want.Poor), fmt.Sprintf("%.2f%%", 100*want.PoorRate()), fmt.Sprint(want.NearPoor),
			fmt.Sprintf("%.2f%%", 100*want.NearPoorRate()), fmt.Sprint(want.NewlyPoor), fmt.Sprint(want.NewlyNearPoor),
			fmt.Sprint(want.LeftPoor), fmt.Sprint(want.LeftNearPoor), fmt.Sprint(want.Escaped)}
		if !slices.Equal(got[2:], cells) {
			t.Errorf("the row of %s: %q, want %q", label, got[2:], cells)
		}
	}
	if got := row("Nguồn nước sinh hoạt"); got[2] != "2" || got[3] != "1" {
		t.Errorf("the households lacking drinking water: %q", got)
	}
	if got := row("Tổng cộng"); got[2] != "1500" || got[3] != "2" || got[5] != "1" {
		t.Errorf("the ward's total: %q", got)
	}
	hh1, _ := db.Household(ctx, demo(1))
	if village := fmt.Sprint(rows[sheets[1]]); !strings.Contains(village, "1. Hộ nghèo (2 hộ)") || !strings.Contains(village, hh1.HeadName) {
		t.Errorf("the village's lists: %s", village)
	}

	text := pdfOf(t, annexPDF, a)
	containsAll(t, "the annex", text, "(Kèm theo Quyết định số 125/QĐ-UBND ngày 27/11/2026 của UBND Phường Huyền Tụng)", "I. TỔNG HỢP KẾT QUẢ RÀ SOÁT",
		"Tổng cộng", "1500", "Nguồn nước sinh hoạt", "III. DANH SÁCH", hh1.HeadName, "TM. UBND PHƯỜNG")
	if strings.Contains(text, "DỰ THẢO") {
		t.Errorf("the decided annex is marked a draft:\n%s", text)
	}
	if _, err := o.Annex(ctx, reviewerXuan, huyenTung, r.ID, forms, cat, "vi", day("2026-11-30", 10)); err == nil {
		t.Error("another ward's reviewer has the annex")
	}
}
