package lists

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"sothon/locales"
	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// listText is the wording of the lists in their language.
type listText struct {
	l   Lists
	cat *locales.Catalog
}

func (t listText) t(key string, args ...any) string { return t.cat.T(t.l.Lang, key, args...) }

// header is what stands above a village's lists, as on an office's
// papers: the issuing body and the village on the left, the nation's name
// and motto on the right; then the title and what the lists count.
func (t listText) header(v Village) (left, right [2]string, title [2]string) {
	basis := "lists.basis_all"
	if t.l.Approved() {
		basis = "lists.basis_approved"
	}
	left = [2]string{strings.ToUpper(t.t("lists.body", "area", t.unitName(v))), strings.ToUpper(t.t("lists.place", "village", v.Label))}
	right = [2]string{t.t("lists.nation"), t.t("lists.motto")}
	std := report.RoundStandard(t.l.Round, t.l.Date)
	standard := t.t("lists.standard", "standard", report.StandardName(t.cat, t.l.Lang, std), "name", std.Name, "kind", report.RoundKindName(t.cat, t.l.Lang, t.l.Round))
	title = [2]string{t.t("lists.title", "round", t.l.Round.Name, "from", report.DayMonthYear(t.l.Round.From), "to", report.DayMonthYear(t.l.Round.To)), standard + " " + t.t(basis)}
	return left, right, title
}

func (t listText) columns() []string {
	return []string{t.t("lists.col.no"), t.t("lists.col.head"), t.t("lists.col.village"), t.t("lists.col.members"),
		t.t("lists.col.class"), t.t("lists.col.lacking")}
}

func (t listText) row(i int, e Entry) []string {
	return []string{fmt.Sprint(i + 1), e.HeadName, e.Village, fmt.Sprint(e.Members), t.t("lists.class." + e.Class), strings.Join(e.Lacking, "; ")}
}

// unitName names the commune or ward whose people's committee posts a
// village's lists: the village's own of today, whatever area the lists
// were made for (the area's name when no commune or ward is known).
func (t listText) unitName(v Village) string {
	if v.Unit.Name != "" {
		return v.Unit.Name
	}
	return t.l.Area.Label
}

// footer is the date line and the two signatures: the village head's and
// the commune's (or ward's) people's committee's.
func (t listText) footer(v Village) (date string, signatures [2]string) {
	d := t.l.Date
	date = t.t("lists.date", "place", tree.ShortName(tree.Area{Name: t.unitName(v)}), "day", d.Day(), "month", int(d.Month()), "year", d.Year())
	kind := t.l.Kind
	if v.Unit.Kind != "" {
		kind = v.Unit.Kind
	}
	village, sign := "lists.sign_village", "lists.sign_commune"
	if kind == tree.Ward {
		village, sign = "lists.sign_group", "lists.sign_ward"
	}
	return date, [2]string{t.t(village), t.t(sign)}
}

// WriteXLSX writes the lists, one sheet per village, laid out to print.
func WriteXLSX(l Lists, cat *locales.Catalog, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	t := listText{l: l, cat: cat}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	names := map[string]bool{}
	for i, v := range l.Villages {
		sheet := listSheetName(v.Label, names)
		if i == 0 {
			f.SetSheetName("Sheet1", sheet)
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		f.SetColWidth(sheet, "A", "A", 6)
		f.SetColWidth(sheet, "B", "C", 26)
		f.SetColWidth(sheet, "D", "E", 14)
		f.SetColWidth(sheet, "F", "F", 48)
		r := 1
		put := func(style int, cells ...string) {
			for c, v := range cells {
				cell, _ := excelize.CoordinatesToCellName(c+1, r)
				f.SetCellStr(sheet, cell, v)
				if style != 0 {
					f.SetCellStyle(sheet, cell, cell, style)
				}
			}
			r++
		}
		left, right, title := t.header(v)
		for i := range left {
			put(bold, left[i], "", "", right[i])
		}
		r++
		for _, line := range title {
			put(bold, line)
		}
		for n, kind := range store.ListKindsAll {
			r++
			put(bold, t.t("lists.kind."+kind, "n", n+1, "count", len(v.Lists[kind])))
			if len(v.Lists[kind]) == 0 {
				put(0, "", t.t("lists.none"))
				continue
			}
			put(bold, t.columns()...)
			for i, e := range v.Lists[kind] {
				put(wrap, t.row(i, e)...)
			}
		}
		date, signs := t.footer(v)
		r++
		put(0, "", "", "", "", "", date)
		put(bold, "", signs[0], "", "", "", signs[1])
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("portrait"), FitToWidth: ptr(1)}) // 9: A4
	}
	if len(l.Villages) == 0 {
		f.SetCellStr("Sheet1", "A1", t.t("lists.empty", "area", l.Area.Label))
	}
	return f.Write(w)
}

func ptr[T any](v T) *T { return &v }

// listSheetName makes a village's name a sheet name Excel takes: at most 31
// characters, none of : \ / ? * [ ], unique in the file.
func listSheetName(label string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, label)
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s %d", base, i)
	}
	used[name] = true
	return name
}

// A4 portrait, in millimetres.
const (
	pageMargin = 12.0
	lineHeight = 5.0
)

// listColumns are the widths of the PDF's columns, 186 mm in all.
var listColumns = []float64{10, 44, 32, 18, 24, 58}

// WritePDF writes the lists as a PDF to print on A4, one village a
// page (or more), with a Vietnamese font embedded.
func WritePDF(l Lists, cat *locales.Catalog, w io.Writer) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, pageMargin)
	pdf.AddUTF8FontFromBytes("Liberation", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("Liberation", "B", liberationsansbold.TTF)
	pdf.SetTitle(cat.T(l.Lang, "lists.title", "round", l.Round.Name, "from", l.Round.From, "to", l.Round.To), true)
	t := listText{l: l, cat: cat}
	if len(l.Villages) == 0 {
		pdf.AddPage()
		pdf.SetFont("Liberation", "", 11)
		pdf.MultiCell(0, lineHeight, t.t("lists.empty", "area", l.Area.Label), "", "L", false)
	}
	for _, v := range l.Villages {
		pdf.AddPage()
		left, right, title := t.header(v)
		half := (210 - 2*pageMargin) / 2
		pdf.SetFont("Liberation", "B", 10)
		for i := range left {
			pdf.CellFormat(half, lineHeight, left[i], "", 0, "C", false, 0, "")
			pdf.CellFormat(half, lineHeight, right[i], "", 1, "C", false, 0, "")
		}
		pdf.Ln(4)
		pdf.SetFont("Liberation", "B", 12)
		pdf.MultiCell(0, lineHeight+1, title[0], "", "C", false)
		pdf.SetFont("Liberation", "", 10)
		pdf.MultiCell(0, lineHeight+1, title[1], "", "C", false)
		for n, kind := range store.ListKindsAll {
			pdf.Ln(3)
			pdf.SetFont("Liberation", "B", 11)
			pdf.MultiCell(0, lineHeight+1, t.t("lists.kind."+kind, "n", n+1, "count", len(v.Lists[kind])), "", "L", false)
			if len(v.Lists[kind]) == 0 {
				pdf.SetFont("Liberation", "", 10)
				pdf.MultiCell(0, lineHeight, t.t("lists.none"), "", "L", false)
				continue
			}
			pdf.SetFont("Liberation", "B", 9)
			tableRow(pdf, t.columns())
			pdf.SetFont("Liberation", "", 9)
			for i, e := range v.Lists[kind] {
				tableRow(pdf, t.row(i, e))
			}
		}
		signatures(pdf, t, v)
	}
	return pdf.Output(w)
}

// tableRow draws one row of bordered cells, as tall as its longest cell,
// on a new page when it would not fit.
func tableRow(pdf *fpdf.Fpdf, cells []string) {
	lines := make([][]string, len(cells))
	height := lineHeight
	for i, c := range cells {
		lines[i] = pdf.SplitText(c, listColumns[i]-2)
		height = max(height, float64(len(lines[i]))*lineHeight)
	}
	_, pageHeight := pdf.GetPageSize()
	if pdf.GetY()+height > pageHeight-pageMargin {
		pdf.AddPage()
	}
	x, y := pdf.GetXY()
	for i, c := range lines {
		pdf.Rect(x, y, listColumns[i], height, "D")
		pdf.SetXY(x+1, y)
		pdf.MultiCell(listColumns[i]-2, lineHeight, strings.Join(c, "\n"), "", "L", false)
		x += listColumns[i]
	}
	pdf.SetXY(pageMargin, y+height)
}

// signatures draws the date and the two signature blocks, kept together.
func signatures(pdf *fpdf.Fpdf, t listText, v Village) {
	date, signs := t.footer(v)
	_, pageHeight := pdf.GetPageSize()
	if pdf.GetY()+40 > pageHeight-pageMargin {
		pdf.AddPage()
	}
	half := (210 - 2*pageMargin) / 2 // A4 is 210 mm wide
	pdf.Ln(6)
	pdf.SetFont("Liberation", "", 10)
	pdf.SetX(pageMargin + half)
	pdf.CellFormat(half, lineHeight, date, "", 1, "C", false, 0, "")
	pdf.SetFont("Liberation", "B", 10)
	pdf.CellFormat(half, lineHeight, signs[0], "", 0, "C", false, 0, "")
	pdf.CellFormat(half, lineHeight, signs[1], "", 1, "C", false, 0, "")
}
