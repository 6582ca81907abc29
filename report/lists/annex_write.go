package lists

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/locales"
	"sothon/report"
	"sothon/tree"
)

// The decision's annex, written as the posted lists are: the summary
// table and the indicators lacking first, then each village's lists.

// annexText words the annex: the lists' wording and the annex's own.
type annexText struct {
	listText
	a Annex
}

// unit is the commune or ward whose decision the annex goes with: the
// villages' own when they share one, else the area's name.
func (t annexText) unit() Village {
	var unit Village
	for i, v := range t.a.Lists.Villages {
		if i > 0 && v.Unit.ID != unit.Unit.ID {
			return Village{}
		}
		unit.Unit = v.Unit
	}
	return unit
}

// titles are the annex's title and the lines under it: the round, the
// standard, and the decision it goes with (a draft mark before one).
func (t annexText) titles() (string, []string) {
	r := t.l.Round
	under := []string{t.t("annex.subject", "round", r.Name, "from", report.DayMonthYear(r.From), "to", report.DayMonthYear(r.To)), t.standard()}
	if d := t.a.Decision; d != nil {
		under = append(under, t.t("annex.decision", "number", d.Number, "day", report.DayMonthYear(d.Day), "area", t.unitName(t.unit())))
	} else {
		under = append(under, t.t("annex.draft"))
	}
	return t.t("annex.title"), under
}

// footer is the date line (the decision's day, or today for a draft) and
// the commune's (or ward's) signature.
func (t annexText) footer() (string, string) {
	d := t.l.Date
	if t.a.Decision != nil {
		if day, err := time.Parse(time.DateOnly, t.a.Decision.Day); err == nil {
			d = day
		}
	}
	unit := t.unit()
	_, signs := t.listText.footer(unit)
	return t.dateLine(tree.ShortName(tree.Area{Name: t.unitName(unit)}), d), signs[1]
}

func (t annexText) summaryColumns() []string {
	out := []string{t.t("lists.col.no"), t.t("annex.col.place")}
	for _, k := range []string{"households", "poor", "poor_rate", "near_poor", "near_poor_rate", "newly_poor", "newly_near_poor",
		"left_poor", "left_near_poor", "escaped"} {
		out = append(out, t.t("annex.col."+k))
	}
	return out
}

// summaryRows are the summary table's rows, the villages' and the total:
// counts as numbers and rates as shares (rate formats them).
func (t annexText) summaryRows() [][]any {
	row := func(no string, r AnnexRow) []any {
		return []any{no, r.Place.Label, r.Households, r.Poor, r.PoorRate(), r.NearPoor, r.NearPoorRate(), r.NewlyPoor, r.NewlyNearPoor,
			r.LeftPoor, r.LeftNearPoor, r.Escaped}
	}
	var out [][]any
	for i, r := range t.a.Villages {
		out = append(out, row(fmt.Sprint(i+1), r))
	}
	total := row("", t.a.Total)
	total[1] = t.t("annex.total")
	return append(out, total)
}

// rateColumns are the summary's columns holding rates.
var rateColumns = map[int]bool{4: true, 6: true}

func (t annexText) indicatorColumns() []string {
	return []string{t.t("lists.col.no"), t.t("annex.col.indicator"), t.t("annex.col.lacking_poor"), t.t("annex.col.lacking_near_poor")}
}

// indicatorRows are the indicators lacking in the area, with how many poor
// and near-poor households lack each.
func (t annexText) indicatorRows() [][]any {
	var out [][]any
	for i, ind := range t.a.Total.Indicators() {
		out = append(out, []any{fmt.Sprint(i + 1), t.t("lists.indicator." + string(ind)), t.a.Total.LackingPoor[ind], t.a.Total.LackingNearPoor[ind]})
	}
	return out
}

// WriteAnnexXLSX writes the annex: a sheet with the summary table and the
// indicators, then one sheet per village with its lists.
func WriteAnnexXLSX(a Annex, cat *locales.Catalog, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	t := annexText{listText{l: a.Lists, cat: cat}, a}
	names := map[string]bool{}
	s, err := newSheet(f, 0, listSheetName(t.t("annex.sheet_summary"), names))
	if err != nil {
		return err
	}
	s.width("C", "L", 13)
	percent, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	left, right := t.heading(t.unitName(t.unit()), "")
	s.heading(left, right)
	title, under := t.titles()
	s.put(s.bold, title)
	for _, line := range under {
		s.put(0, line)
	}
	s.r++
	s.put(s.bold, t.t("annex.summary"))
	s.put(s.wrap, cells(t.summaryColumns())...)
	for _, row := range t.summaryRows() {
		s.put(0, row...)
		for c := range rateColumns {
			cell, _ := excelize.CoordinatesToCellName(c+1, s.r-1)
			f.SetCellStyle(s.name, cell, cell, percent)
		}
	}
	s.r++
	s.put(s.bold, t.t("annex.indicators"))
	rows := t.indicatorRows()
	if len(rows) == 0 {
		s.put(0, "", t.t("annex.indicators_none"))
	} else {
		s.put(s.wrap, cells(t.indicatorColumns())...)
		for _, row := range rows {
			s.put(0, row...)
		}
	}
	date, sign := t.footer()
	s.r++
	s.put(0, "", "", "", "", "", date)
	s.put(s.bold, "", "", "", "", "", sign)
	for i, v := range a.Lists.Villages {
		s, err := newSheet(f, i+1, listSheetName(v.Label, names))
		if err != nil {
			return err
		}
		s.put(s.bold, t.t("annex.lists"))
		s.put(s.bold, v.Label)
		t.putLists(s, v)
	}
	return f.Write(w)
}

// summaryWidths and indicatorWidths are the widths of the annex's PDF
// tables, 186 mm in all.
var (
	summaryWidths   = []float64{10, 32, 14.4, 14.4, 14.4, 14.4, 14.4, 14.4, 14.4, 14.4, 14.4, 14.4}
	indicatorWidths = []float64{10, 96, 40, 40}
)

// WriteAnnexPDF writes the annex as a PDF to print on A4: the summary
// table and the indicators, then each village's lists from a new page.
func WriteAnnexPDF(a Annex, cat *locales.Catalog, w io.Writer) error {
	t := annexText{listText{l: a.Lists, cat: cat}, a}
	title, under := t.titles()
	pdf := newPDF(title + " — " + under[0])
	pdf.AddPage()
	left, right := t.heading(t.unitName(t.unit()), "")
	pdfHeading(pdf, left, right)
	pdfTitle(pdf, title, under...)
	pdfSection(pdf, t.t("annex.summary"))
	pdfTable(pdf, summaryWidths, t.summaryColumns(), t.texts(t.summaryRows(), rateColumns))
	pdfSection(pdf, t.t("annex.indicators"))
	if rows := t.indicatorRows(); len(rows) == 0 {
		pdf.SetFont("Liberation", "", 10)
		pdf.MultiCell(0, lineHeight, t.t("annex.indicators_none"), "", "L", false)
	} else {
		pdfTable(pdf, indicatorWidths, t.indicatorColumns(), t.texts(rows, nil))
	}
	date, sign := t.footer()
	signatures(pdf, date, []string{"", sign}, nil)
	for _, v := range a.Lists.Villages {
		pdf.AddPage()
		pdfTitle(pdf, t.t("annex.lists"), v.Label)
		t.drawLists(pdf, v)
	}
	return pdf.Output(w)
}

// texts are rows of cells as the PDF shows them: rates as percentages.
func (t annexText) texts(rows [][]any, rates map[int]bool) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		for c, cell := range row {
			s := fmt.Sprint(cell)
			if share, ok := cell.(float64); ok && rates[c] {
				s = locales.Percent(t.l.Lang, share)
			}
			out[i] = append(out[i], s)
		}
	}
	return out
}
