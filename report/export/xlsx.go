package export

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// fixedHeaders name the fixed columns in the spreadsheet, in Vietnamese.
var fixedHeaders = []string{"Số phiếu", "Phiếu", "Phiên bản", "Thời gian gửi", "Mã địa bàn", "Mã hộ", "Chủ hộ", "Người gửi",
	"Trạng thái duyệt", "Thay phiếu số", "Được thay bằng phiếu số", "Phiếu hiện hành"}

// writeXLSX writes one sheet per questionnaire: a frozen header row of the
// questions' Vietnamese labels, filters, and one row per submission with
// answers as people read them (choice labels, Có/Không).
func writeXLSX(ctx context.Context, db *store.DB, forms *flows.Set, o Options, w io.Writer) (int, error) {
	if o.TZ == nil {
		o.TZ = time.Local
	}
	if o.Filter.Form != "" && forms.Form(o.Filter.Form) == nil {
		return 0, fmt.Errorf("export: unknown form %q", o.Filter.Form)
	}
	o, err := o.withBasis(ctx, db)
	if err != nil {
		return 0, err
	}
	review, err := loadReview(ctx, db, o.Filter.AreaID)
	if err != nil {
		return 0, err
	}
	cat, err := locales.Load()
	if err != nil {
		return 0, err
	}
	f := excelize.NewFile()
	defer f.Close()
	total, sheets := 0, 0
	for _, form := range forms.Forms {
		if o.Filter.Form != "" && form.ID != o.Filter.Form {
			continue
		}
		name := sheetName(form)
		if sheets++; sheets == 1 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			return total, err
		}
		n, err := writeSheet(ctx, db, cat, f, name, form, o, review)
		if err != nil {
			return total, err
		}
		total += n
	}
	if err := f.Write(w); err != nil {
		return total, fmt.Errorf("export: write xlsx: %w", err)
	}
	return total, nil
}

// sheetName is the form's Vietnamese title, within Excel's 31 characters.
func sheetName(f *flows.Form) string {
	r := []rune(strings.NewReplacer(":", " ", "/", "-", "?", "", "*", "", "[", "(", "]", ")").Replace(f.Title.In("vi")))
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}

func writeSheet(ctx context.Context, db *store.DB, cat *locales.Catalog, f *excelize.File, sheet string, form *flows.Form, o Options, review reviewIndex) (int, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	var qs []*flows.Question
	names := append([]string(nil), fixedHeaders...)
	for _, q := range form.Questions {
		if q.Type != flows.Note {
			qs = append(qs, q)
			names = append(names, headerOf(q))
			names = append(names, mediaHeaders(q)...)
		}
	}
	names = append(names, reviewHeaders...)
	header := make([]any, len(names))
	for i, h := range uniqueHeaders(names) {
		header[i] = h
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return 0, err
	}
	rows := 1
	filter := o.Filter
	filter.Form = form.ID
	err = o.reviewed(ctx, db, filter, func(s store.Submission, rv store.FormReview) error {
		row := []any{s.ID, form.Title.In("vi"), s.FormVersion, s.SubmittedAt.In(o.TZ).Format("02/01/2006 15:04"), s.AreaID, s.HouseholdID, s.HouseholdName, s.SubmittedBy,
			cat.T("vi", "web.state."+rv.State), cellNumber(s.Replaces), cellNumber(rv.ReplacedBy), map[bool]string{true: "Có", false: "Không"}[rv.Current]}
		for _, q := range qs {
			row = append(row, cellOf(form, q, s.Answers[q.ID]))
			for _, c := range mediaColumns(q) {
				v, _ := derived(c, s.Answers, o.PhotoLink)
				row = append(row, mediaCell(q, v))
			}
		}
		row = append(row, review.xlsxCells(s, o.TZ)...)
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, rows)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), max(rows, 2))
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return 0, err
	}
	return rows - 1, nil
}

// cellNumber is a form id as a cell: empty for none.
func cellNumber(id uint64) any {
	if id == 0 {
		return nil
	}
	return id
}

// uniqueHeaders numbers a header that repeats one before it ("Chủ hộ",
// "Chủ hộ (2)"), so that every column can be told apart by its header.
func uniqueHeaders(names []string) []string {
	seen := map[string]int{}
	out := make([]string, len(names))
	for i, n := range names {
		seen[n]++
		out[i] = n
		if seen[n] > 1 {
			out[i] = fmt.Sprintf("%s (%d)", n, seen[n])
		}
	}
	return out
}

func headerOf(q *flows.Question) string {
	if len(q.Short) > 0 {
		return q.Short.In("vi")
	}
	return q.Label.In("vi")
}

// cellOf is an answer as a spreadsheet shows it: numbers as numbers,
// choices by their labels, yes/no as Có/Không.
func cellOf(form *flows.Form, q *flows.Question, v string) any {
	if v == "" {
		return nil
	}
	switch {
	case q.List != "":
		names := strings.Split(v, ";")
		for i, n := range names {
			if c, ok := form.Choice(q.List, n); ok {
				names[i] = c.Label.In("vi")
			}
		}
		return strings.Join(names, "; ")
	case q.Type == flows.YesNo || v == "yes" || v == "no":
		return map[string]string{"yes": "Có", "no": "Không"}[v]
	case q.Type == flows.Image: // the photos are behind their links, in the next column
		return len(flows.ImageHashes(v))
	case q.Type == flows.Integer || q.Type == flows.Decimal || q.Type == flows.Calculate:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return x
		}
	}
	return v
}

// mediaHeaders name the columns an image or geopoint question adds, in
// Vietnamese.
func mediaHeaders(q *flows.Question) []string {
	switch q.Type {
	case flows.Image:
		return []string{headerOf(q) + " — đường dẫn ảnh"}
	case flows.Geopoint:
		return []string{headerOf(q) + " — vĩ độ", headerOf(q) + " — kinh độ"}
	}
	return nil
}

// mediaCell is a derived column's cell: a latitude or longitude as a
// number, links as text.
func mediaCell(q *flows.Question, v string) any {
	if v == "" {
		return nil
	}
	if x, err := strconv.ParseFloat(v, 64); err == nil && q.Type == flows.Geopoint {
		return x
	}
	return v
}
