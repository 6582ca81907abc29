package lists

import (
	"fmt"
	"io"

	"sothon/locales"
	"sothon/store"
)

// minutesColumns are the widths of the minutes' table, 186 mm in all.
var minutesColumns = []float64{10, 56, 22, 36, 28, 34}

// WriteMinutesPDF writes the minutes of a village's meeting as a PDF to
// print on A4, laid out as the posted lists: the bodies and the motto, the
// meeting's day, attendance and chair, each list with the votes, and the
// signatures of the secretary, the Fatherland Front's representative and
// the chair.
func WriteMinutesPDF(m Minutes, cat *locales.Catalog, w io.Writer) error {
	t := listText{l: m.Lists, cat: cat}
	v := m.Village()
	title, chair := "minutes.title", "minutes.sign_chair"
	if t.ward(v) {
		title, chair = "minutes.title_group", "minutes.sign_chair_group"
	}
	pdf := newPDF(t.t(title) + " — " + v.Label)
	pdf.AddPage()
	left, right := t.heading(t.unitName(v), v.Label)
	pdfHeading(pdf, left, right)
	under := []string{t.t("minutes.subject", "round", m.Lists.Round.Name), t.standard()}
	if !m.Meeting.Held() {
		under = append(under, t.t("minutes.in_progress"))
	}
	pdfTitle(pdf, t.t(title), under...)
	pdf.Ln(3)
	d := m.Lists.Date
	for _, line := range []string{
		t.t("minutes.when", "day", d.Day(), "month", int(d.Month()), "year", d.Year(), "village", v.Label),
		t.t("minutes.present", "present", m.Meeting.Present),
		t.t("minutes.people", "chair", m.Meeting.Chair, "secretary", m.Meeting.Secretary, "front", m.Meeting.Front),
		t.t("minutes.rule"),
	} {
		pdf.MultiCell(0, lineHeight+1, line, "", "L", false)
	}
	head := []string{t.t("lists.col.no"), t.t("lists.col.head"), t.t("lists.col.members"), t.t("lists.col.class"),
		t.t("minutes.col.agreed"), t.t("minutes.col.result")}
	for n, kind := range store.ListKindsAll {
		entries := v.Lists[kind]
		if len(entries) == 0 {
			continue
		}
		pdfSection(pdf, t.t("lists.kind."+kind, "n", n+1, "count", len(entries)))
		rows := make([][]string, len(entries))
		for i, e := range entries {
			rows[i] = t.minutesRow(m, i, e)
		}
		pdfTable(pdf, minutesColumns, head, rows)
	}
	backed, back := m.Tally()
	pdfSection(pdf, t.t("minutes.tally", "backed", backed, "back", back))
	signatures(pdf, t.dateLine(m.Place, d), []string{t.t("minutes.sign_secretary"), t.t("minutes.sign_front"), t.t(chair)},
		[]string{m.Meeting.Secretary, m.Meeting.Front, m.Meeting.Chair})
	return pdf.Output(w)
}

// minutesRow is a household's line in the minutes: the list's columns and
// its vote.
func (t listText) minutesRow(m Minutes, i int, e Entry) []string {
	vote, _ := m.Meeting.VoteOf(e.HouseholdID)
	result := "minutes.result.back"
	if m.Backed(e.HouseholdID) {
		result = "minutes.result.backed"
	}
	return []string{fmt.Sprint(i + 1), e.HeadName, fmt.Sprint(e.Members), t.t("lists.class." + e.Class),
		fmt.Sprintf("%d/%d", vote.Agreed, m.Meeting.Present), t.t(result)}
}
