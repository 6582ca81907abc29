package lists

import (
	"fmt"
	"io"
	"strings"
	"time"

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
	left, right = t.heading(t.unitName(v), v.Label)
	title = [2]string{t.t("lists.title", "round", t.l.Round.Name, "from", report.DayMonthYear(t.l.Round.From), "to", report.DayMonthYear(t.l.Round.To)), t.standard() + " " + t.t(basis)}
	return left, right, title
}

// heading is the issuing body and the place under it on the left, the
// nation's name and motto on the right.
func (t listText) heading(unit, place string) (left, right [2]string) {
	left = [2]string{strings.ToUpper(t.t("lists.body", "area", unit)), strings.ToUpper(t.t("lists.place", "village", place))}
	return left, [2]string{t.t("lists.nation"), t.t("lists.motto")}
}

// standard says which poverty standard the round classifies by.
func (t listText) standard() string {
	std := report.RoundStandard(t.l.Round, t.l.Date)
	return t.t("lists.standard", "standard", report.StandardName(t.cat, t.l.Lang, std), "name", std.Name, "kind", report.RoundKindName(t.cat, t.l.Lang, t.l.Round))
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
	date = t.dateLine(tree.ShortName(tree.Area{Name: t.unitName(v)}), t.l.Date)
	village, sign := "lists.sign_village", "lists.sign_commune"
	if t.ward(v) {
		village, sign = "lists.sign_group", "lists.sign_ward"
	}
	return date, [2]string{t.t(village), t.t(sign)}
}

// ward tells whether the village is a ward's residential group, whose
// papers name the ward and the group rather than the commune and the
// village.
func (t listText) ward(v Village) bool {
	if v.Unit.Kind != "" {
		return v.Unit.Kind == tree.Ward
	}
	return t.l.Kind == tree.Ward
}

// dateLine is the place and date above the signatures.
func (t listText) dateLine(place string, d time.Time) string {
	return t.t("lists.date", "place", place, "day", d.Day(), "month", int(d.Month()), "year", d.Year())
}

// WriteXLSX writes the lists, one sheet per village, laid out to print.
func WriteXLSX(l Lists, cat *locales.Catalog, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	t := listText{l: l, cat: cat}
	names := map[string]bool{}
	for i, v := range l.Villages {
		s, err := newSheet(f, i, listSheetName(v.Label, names))
		if err != nil {
			return err
		}
		left, right, title := t.header(v)
		s.heading(left, right)
		for _, line := range title {
			s.put(s.bold, line)
		}
		t.putLists(s, v)
		date, signs := t.footer(v)
		s.r++
		s.put(0, "", "", "", "", "", date)
		s.put(s.bold, "", signs[0], "", "", "", signs[1])
	}
	if len(l.Villages) == 0 {
		f.SetCellStr("Sheet1", "A1", t.t("lists.empty", "area", l.Area.Label))
	}
	return f.Write(w)
}

// sheet writes a worksheet row by row, laid out to print on A4.
type sheet struct {
	f          *excelize.File
	name       string
	r          int // the next row
	bold, wrap int // styles
}

// newSheet adds the i-th sheet of a file (the first renames the one a new
// file has), with the lists' column widths.
func newSheet(f *excelize.File, i int, name string) (*sheet, error) {
	if i == 0 {
		f.SetSheetName("Sheet1", name)
	} else if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	s := &sheet{f: f, name: name, r: 1}
	s.bold, _ = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	s.wrap, _ = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.width("A", "A", 6)
	s.width("B", "C", 26)
	s.width("D", "E", 14)
	s.width("F", "F", 48)
	f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("portrait"), FitToWidth: ptr(1)}) // 9: A4
	return s, nil
}

func (s *sheet) width(from, to string, w float64) { s.f.SetColWidth(s.name, from, to, w) }

// put writes a row of cells (strings as text, numbers as numbers) in a style.
func (s *sheet) put(style int, cells ...any) {
	for c, v := range cells {
		cell, _ := excelize.CoordinatesToCellName(c+1, s.r)
		s.f.SetCellValue(s.name, cell, v)
		if style != 0 {
			s.f.SetCellStyle(s.name, cell, cell, style)
		}
	}
	s.r++
}

// cells are texts as a row for put.
func cells(texts []string) []any {
	out := make([]any, len(texts))
	for i, t := range texts {
		out[i] = t
	}
	return out
}

// heading writes the body and the motto, and a blank row.
func (s *sheet) heading(left, right [2]string) {
	for i := range left {
		s.put(s.bold, left[i], "", "", right[i])
	}
	s.r++
}

// putLists writes a village's four lists, each with its count and table.
func (t listText) putLists(s *sheet, v Village) {
	for n, kind := range store.ListKindsAll {
		s.r++
		s.put(s.bold, t.t("lists.kind."+kind, "n", n+1, "count", len(v.Lists[kind])))
		if len(v.Lists[kind]) == 0 {
			s.put(0, "", t.t("lists.none"))
			continue
		}
		s.put(s.bold, cells(t.columns())...)
		for i, e := range v.Lists[kind] {
			s.put(s.wrap, cells(t.row(i, e))...)
		}
	}
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
	pageWidth  = 210 - 2*pageMargin
	lineHeight = 5.0
)

// listColumns are the widths of the PDF's columns, 186 mm in all.
var listColumns = []float64{10, 44, 32, 18, 24, 58}

// WritePDF writes the lists as a PDF to print on A4, one village a
// page (or more), with a Vietnamese font embedded.
func WritePDF(l Lists, cat *locales.Catalog, w io.Writer) error {
	pdf := newPDF(cat.T(l.Lang, "lists.title", "round", l.Round.Name, "from", report.DayMonthYear(l.Round.From), "to", report.DayMonthYear(l.Round.To)))
	t := listText{l: l, cat: cat}
	if len(l.Villages) == 0 {
		pdf.AddPage()
		pdf.SetFont("Liberation", "", 11)
		pdf.MultiCell(0, lineHeight, t.t("lists.empty", "area", l.Area.Label), "", "L", false)
	}
	for _, v := range l.Villages {
		pdf.AddPage()
		left, right, title := t.header(v)
		pdfHeading(pdf, left, right)
		pdfTitle(pdf, title[0], title[1])
		t.drawLists(pdf, v)
		date, signs := t.footer(v)
		signatures(pdf, date, signs[:], nil)
	}
	return pdf.Output(w)
}

// newPDF starts an A4 document with a font that has Vietnamese glyphs.
func newPDF(title string) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, pageMargin)
	pdf.AddUTF8FontFromBytes("Liberation", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("Liberation", "B", liberationsansbold.TTF)
	pdf.SetTitle(title, true)
	return pdf
}

// pdfHeading draws the body on the left and the motto on the right.
func pdfHeading(pdf *fpdf.Fpdf, left, right [2]string) {
	pdf.SetFont("Liberation", "B", 10)
	for i := range left {
		pdf.CellFormat(pageWidth/2, lineHeight, left[i], "", 0, "C", false, 0, "")
		pdf.CellFormat(pageWidth/2, lineHeight, right[i], "", 1, "C", false, 0, "")
	}
	pdf.Ln(4)
}

// pdfTitle draws a title in bold and the lines under it, centred.
func pdfTitle(pdf *fpdf.Fpdf, title string, under ...string) {
	pdf.SetFont("Liberation", "B", 12)
	pdf.MultiCell(0, lineHeight+1, title, "", "C", false)
	pdf.SetFont("Liberation", "", 10)
	for _, line := range under {
		pdf.MultiCell(0, lineHeight+1, line, "", "C", false)
	}
}

// pdfSection draws a section's heading, in bold, after some space.
func pdfSection(pdf *fpdf.Fpdf, text string) {
	pdf.Ln(3)
	pdf.SetFont("Liberation", "B", 11)
	pdf.MultiCell(0, lineHeight+1, text, "", "L", false)
}

// pdfTable draws a table: its head in bold, then its rows.
func pdfTable(pdf *fpdf.Fpdf, widths []float64, head []string, rows [][]string) {
	pdf.SetFont("Liberation", "B", 9)
	tableRow(pdf, widths, head)
	pdf.SetFont("Liberation", "", 9)
	for _, r := range rows {
		tableRow(pdf, widths, r)
	}
}

// drawLists draws a village's four lists, each with its count and table.
func (t listText) drawLists(pdf *fpdf.Fpdf, v Village) {
	for n, kind := range store.ListKindsAll {
		pdfSection(pdf, t.t("lists.kind."+kind, "n", n+1, "count", len(v.Lists[kind])))
		if len(v.Lists[kind]) == 0 {
			pdf.SetFont("Liberation", "", 10)
			pdf.MultiCell(0, lineHeight, t.t("lists.none"), "", "L", false)
			continue
		}
		rows := make([][]string, len(v.Lists[kind]))
		for i, e := range v.Lists[kind] {
			rows[i] = t.row(i, e)
		}
		pdfTable(pdf, listColumns, t.columns(), rows)
	}
}

// tableRow draws one row of bordered cells, as tall as its longest cell,
// on a new page when it would not fit.
func tableRow(pdf *fpdf.Fpdf, widths []float64, cells []string) {
	lines := make([][]string, len(cells))
	height := lineHeight
	for i, c := range cells {
		lines[i] = pdf.SplitText(c, widths[i]-2)
		height = max(height, float64(len(lines[i]))*lineHeight)
	}
	_, pageHeight := pdf.GetPageSize()
	if pdf.GetY()+height > pageHeight-pageMargin {
		pdf.AddPage()
	}
	x, y := pdf.GetXY()
	for i, c := range lines {
		pdf.Rect(x, y, widths[i], height, "D")
		pdf.SetXY(x+1, y)
		pdf.MultiCell(widths[i]-2, lineHeight, strings.Join(c, "\n"), "", "L", false)
		x += widths[i]
	}
	pdf.SetXY(pageMargin, y+height)
}

// signatures draws the date over the last of the signature blocks, side
// by side, with the signers' names under them when known; all kept
// together on a page.
func signatures(pdf *fpdf.Fpdf, date string, signs, names []string) {
	_, pageHeight := pdf.GetPageSize()
	if pdf.GetY()+50 > pageHeight-pageMargin {
		pdf.AddPage()
	}
	w := pageWidth / float64(len(signs))
	pdf.Ln(6)
	pdf.SetFont("Liberation", "", 10)
	pdf.SetX(pageMargin + w*float64(len(signs)-1))
	pdf.CellFormat(w, lineHeight, date, "", 1, "C", false, 0, "")
	pdf.SetFont("Liberation", "B", 10)
	cellRow(pdf, w, signs)
	if len(names) > 0 {
		pdf.Ln(22) // room to sign
		cellRow(pdf, w, names)
	}
}

// cellRow draws texts centred in cells of a width, side by side, and goes
// to the next line after the last.
func cellRow(pdf *fpdf.Fpdf, w float64, texts []string) {
	for i, s := range texts {
		ln := 0
		if i == len(texts)-1 {
			ln = 1
		}
		pdf.CellFormat(w, lineHeight, s, "", ln, "C", false, 0, "")
	}
}
