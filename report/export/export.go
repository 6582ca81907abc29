// Package export writes submissions out for other tools: CSV, JSON or an
// XLSX workbook, each form with its review and whether its household
// stands at it.
package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/store"
)

// Formats Write writes.
const (
	CSV  = "csv"
	JSON = "json"
	XLSX = "xlsx" // one sheet per questionnaire, answers as people read them
	// GeoJSON is the households the selection stands at, each where its
	// form places it, for a GIS tool.
	GeoJSON = "geojson"
)

// fixedColumns start every export row: the form, then its review (state,
// the form it replaces, the one that replaced it, and whether the household
// stands at it).
var fixedColumns = []string{"submission_id", "form", "form_version", "submitted_at",
	"area_id", "household_id", "household_name", "submitted_by", "review_state", "replaces", "replaced_by", "current"}

// Options selects and shapes an export.
type Options struct {
	Filter store.SubmissionFilter
	Format string
	TZ     *time.Location // for submitted_at
	// NoBOM leaves out the byte-order mark a CSV starts with, which Excel
	// needs to read it as UTF-8 and tools may not want.
	NoBOM bool
	// Current keeps only the forms the households stand at: one that
	// classifies per household, and the other forms that stand.
	Current bool
	// Basis is what "current" counts on; "" takes the one in force for the
	// filter's area (store.BasisFor), as the lists and figures do.
	Basis store.Basis
	// PhotoLink names a stored photo by its content hash with a link
	// that expires (links.Photos); nil leaves the photos' links empty.
	PhotoLink func(hash string) string
}

// withBasis fills in the basis in force for the export's area.
func (o Options) withBasis(ctx context.Context, db *store.DB) (Options, error) {
	if o.Basis != "" {
		return o, nil
	}
	round, err := db.RoundFor(ctx, o.Filter.AreaID)
	if err != nil {
		return o, err
	}
	o.Basis, err = db.EffectiveBasis(ctx, o.Filter.AreaID, round)
	return o, err
}

// reviewed calls fn for each selected form with its review.
func (o Options) reviewed(ctx context.Context, db *store.DB, filter store.SubmissionFilter, fn func(store.Submission, store.FormReview) error) error {
	return db.SubmissionsReviewed(ctx, filter, o.Basis, func(s store.Submission, rv store.FormReview) error {
		if o.Current && !rv.Current {
			return nil
		}
		return fn(s, rv)
	})
}

// Columns lists the export's columns: the fixed ones, then every question
// id of the selected forms in form order (calculated values included,
// notes left out), each once, an image question followed by its photos'
// links ("house_photo_links") and a geopoint by its latitude and longitude
// ("house_place_latitude", "house_place_longitude"), then the village
// review's (reviewColumns).
func Columns(forms *flows.Set, formID string) []string {
	cols := append([]string(nil), fixedColumns...)
	seen := map[string]bool{}
	for _, c := range append(cols, reviewColumns...) {
		seen[c] = true
	}
	for _, f := range forms.Forms {
		if formID != "" && f.ID != formID {
			continue
		}
		for _, q := range f.Questions {
			if q.Type != flows.Note && !seen[q.ID] {
				seen[q.ID] = true
				cols = append(cols, q.ID)
				for _, c := range mediaColumns(q) {
					if !seen[c] {
						seen[c] = true
						cols = append(cols, c)
					}
				}
			}
		}
	}
	return append(cols, reviewColumns...)
}

// Write writes the selected submissions in o.Format (CSV when empty) and
// says how many. In CSV and JSON, one row per submission: skipped
// questions are empty, select_multiple answers are choice names joined by
// ";", an image's links are parted by a space. GeoJSON has one feature per
// household instead (writeGeoJSON).
func Write(ctx context.Context, db *store.DB, forms *flows.Set, o Options, w io.Writer) (int, error) {
	switch o.Format {
	case XLSX:
		return writeXLSX(ctx, db, forms, o, w)
	case GeoJSON:
		return writeGeoJSON(ctx, db, forms, o, w)
	}
	if o.Filter.Form != "" && forms.Form(o.Filter.Form) == nil {
		return 0, fmt.Errorf("export: unknown form %q", o.Filter.Form)
	}
	if o.TZ == nil {
		o.TZ = time.Local
	}
	o, err := o.withBasis(ctx, db)
	if err != nil {
		return 0, err
	}
	cols := Columns(forms, o.Filter.Form)
	review, err := loadReview(ctx, db, o.Filter.AreaID)
	if err != nil {
		return 0, err
	}
	var rw rowWriter
	switch o.Format {
	case CSV, "":
		if !o.NoBOM {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return 0, err
			}
		}
		rw = newCSVWriter(w, cols)
	case JSON:
		rw = newJSONWriter(w, cols, columnTypes(forms, o.Filter.Form))
	default:
		return 0, fmt.Errorf("export: unknown export format %q (csv, json, xlsx or geojson)", o.Format)
	}
	n := 0
	err = o.reviewed(ctx, db, o.Filter, func(s store.Submission, rv store.FormReview) error {
		n++
		return rw.row(rowOf(s, rv, cols, review.cells(s, o.TZ), o))
	})
	if err != nil {
		return n, err
	}
	return n, rw.close()
}

func rowOf(s store.Submission, rv store.FormReview, cols, review []string, o Options) []string {
	row := make([]string, len(cols))
	fixed := []string{strconv.FormatUint(s.ID, 10), s.Form, s.FormVersion,
		s.SubmittedAt.In(o.TZ).Format(time.RFC3339), s.AreaID, s.HouseholdID, s.HouseholdName, s.SubmittedBy,
		rv.State, formNumber(s.Replaces), formNumber(rv.ReplacedBy), map[bool]string{true: "yes", false: "no"}[rv.Current]}
	copy(row, fixed)
	questions := len(cols) - len(review)
	for i := len(fixed); i < questions; i++ {
		if v, ok := derived(cols[i], s.Answers, o.PhotoLink); ok {
			row[i] = v
			continue
		}
		row[i] = s.Answers[cols[i]]
	}
	copy(row[questions:], review)
	return row
}

// formNumber is a form id as a cell: empty for none.
func formNumber(id uint64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatUint(id, 10)
}

type rowWriter interface {
	row([]string) error
	close() error
}

type csvWriter struct{ w *csv.Writer }

func newCSVWriter(w io.Writer, cols []string) *csvWriter {
	cw := &csvWriter{w: csv.NewWriter(w)}
	cw.w.Write(cols)
	return cw
}

func (c *csvWriter) row(r []string) error {
	for i, cell := range r {
		r[i] = Defuse(cell)
	}
	return c.w.Write(r)
}

// Defuse keeps a spreadsheet from running a cell as a formula, the way
// OWASP advises for CSV: a text starting with = + - @, a tab or a carriage
// return gets a leading apostrophe. Numbers ("-3", "+84") are left alone.
func Defuse(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell
	}
	return "'" + cell
}
func (c *csvWriter) close() error { c.w.Flush(); return c.w.Error() }

// columnTypes gives each question column its type, from the first form
// that has it.
func columnTypes(forms *flows.Set, formID string) map[string]flows.Type {
	types := map[string]flows.Type{}
	for _, f := range forms.Forms {
		if formID != "" && f.ID != formID {
			continue
		}
		for _, q := range f.Questions {
			if _, ok := types[q.ID]; !ok {
				types[q.ID] = q.Type
			}
			for _, c := range mediaColumns(q) {
				if _, ok := types[c]; !ok {
					types[c] = map[bool]flows.Type{true: flows.Decimal, false: linksType}[q.Type == flows.Geopoint]
				}
			}
		}
	}
	return types
}

// jsonValue types a stored answer for JSON: numbers as numbers, yes/no as
// booleans, multiple choices as lists, a skipped question as null.
func jsonValue(t flows.Type, s string) any {
	if s == "" {
		return nil
	}
	switch t {
	case flows.Integer, flows.Decimal, flows.Calculate:
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return x
		}
	case flows.YesNo:
		return s == "yes"
	case flows.SelectMultiple:
		return strings.Split(s, ";")
	case linksType:
		return strings.Split(s, " ")
	}
	return s
}

// linksType types an image's links column in JSON: a list.
const linksType flows.Type = "links"

// jsonWriter streams an array of objects keyed by column.
type jsonWriter struct {
	w     io.Writer
	cols  []string
	types map[string]flows.Type
	n     int
}

func newJSONWriter(w io.Writer, cols []string, types map[string]flows.Type) *jsonWriter {
	return &jsonWriter{w: w, cols: cols, types: types}
}

func (j *jsonWriter) row(r []string) error {
	obj := make(map[string]any, len(r))
	for i, c := range j.cols {
		switch {
		case c == "submission_id":
			obj[c], _ = strconv.ParseUint(r[i], 10, 64)
		case c == "replaces" || c == "replaced_by":
			obj[c] = nil
			if n, err := strconv.ParseUint(r[i], 10, 64); err == nil {
				obj[c] = n
			}
		case c == "current":
			obj[c] = r[i] == "yes"
		case i < len(fixedColumns):
			obj[c] = r[i]
		case i >= len(j.cols)-len(reviewColumns):
			obj[c] = reviewJSON(c, r[i])
		default:
			obj[c] = jsonValue(j.types[c], r[i])
		}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	_, err = fmt.Fprintf(j.w, "%s%s", sep, data)
	return err
}

func (j *jsonWriter) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
