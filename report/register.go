package report

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// registerColumns are the columns a register file must have.
var registerColumns = []string{"area_id", "household_id", "head_name", "members", "status"}

// statusNames maps the statuses a register may hold, in English or in
// Vietnamese (diacritics optional), to the stored names.
var statusNames = map[string]string{
	"poor": "poor", "near_poor": "near_poor", "middle": "middle", "none": "none", "escaped": "escaped",
	"ngheo": "poor", "ho ngheo": "poor", "can ngheo": "near_poor", "ho can ngheo": "near_poor",
	"muc song trung binh": "middle", "ho co muc song trung binh": "middle", "khong": "none", "khong thuoc dien": "none",
	"thoat ngheo": "escaped",
}

// RowError is one bad row of a register file: why, as a message key (in
// locales) with its arguments, so that the console says it in the
// reader's language.
type RowError struct {
	Line int
	Key  string
	Args []any
}

// Text says what is wrong with the row in a language.
func (e RowError) Text(cat *locales.Catalog, lang string) string {
	return cat.T(lang, e.Key, e.Args...)
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Text(english(), "en")) }

// english is the catalog for errors read in the terminal.
var english = sync.OnceValue(locales.MustLoad)

// ImportResult says what an import did.
type ImportResult struct {
	Imported int
	Good     int        // rows that can be stored
	Bad      []RowError // the first maxRowErrors bad rows
	BadCount int        // every bad row
	// Warnings are about good rows that look wrong together: a village
	// with more households than its households_total.
	Warnings []string
}

// ImportOptions shape an import.
type ImportOptions struct {
	SkipBad  bool                  // import the good rows of a file with bad ones
	DryRun   bool                  // check every row, store nothing
	Scope    string                // an area the rows' villages must be in ("" for any)
	By       string                // who imports, for the audit log ("terminal" by default)
	Progress func(done, total int) // called as rows are stored
	Now      time.Time
	// MaxBytes and MaxRows bound the file; 0 takes the defaults (64 MB,
	// 500,000 rows).
	MaxBytes, MaxRows int
}

// Limits on a register file, far above a province's (100,000 households):
// a file past them is refused before it can fill the memory.
const (
	maxRegisterBytes = 64 << 20
	maxRegisterRows  = 500000
	maxUnzipped      = 512 << 20 // an XLSX's content, unpacked
	// maxRowErrors bounds the bad rows listed; the rest are counted.
	maxRowErrors = 100
)

// importBatch is how many households one transaction stores: large enough
// to make 100,000 rows a few commits, small enough to keep each short.
const importBatch = 10000

// ErrBadRows means the file has bad rows and nothing was imported.
var ErrBadRows = errors.New("report: the file has bad rows; nothing was imported (fix them, or use --skip-bad)")

// ImportRegister reads a household register (CSV or XLSX, by name) with a
// header row and stores it. Re-importing a household_id updates it. Every
// bad row is reported; with any, nothing is stored unless SkipBad is set.
func ImportRegister(ctx context.Context, db *store.DB, name string, r io.Reader, o ImportOptions) (ImportResult, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = maxRegisterBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = maxRegisterRows
	}
	if !utf8.ValidString(name) {
		return ImportResult{}, FileError{Key: "register.file_name"}
	}
	rows, err := readRows(name, r, o)
	if err != nil {
		return ImportResult{}, err
	}
	if len(rows) > o.MaxRows+1 {
		return ImportResult{}, fmt.Errorf("report: %s has %d rows; a register has at most %d", name, len(rows)-1, o.MaxRows)
	}
	if len(rows) == 0 {
		return ImportResult{}, errors.New("report: the file is empty")
	}
	if line := spoiled(rows); line > 0 {
		return ImportResult{}, FileError{Key: "register.not_text", Args: []any{"file", name, "line", line}}
	}
	cols, err := headerIndex(rows[0])
	if err != nil {
		return ImportResult{}, err
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	villages := map[string]bool{}
	for _, a := range areas {
		villages[a.ID] = a.Kind == store.KindVillage
	}
	var res ImportResult
	var hhs []store.Household
	seen := map[string]int{}
	for i, row := range rows[1:] {
		line := i + 2
		if blank(row) {
			continue
		}
		hh, bad := parseRow(line, row, cols, villages, o.Now)
		if prev, dup := seen[hh.ID]; dup && bad == nil {
			bad = &RowError{Line: line, Key: "register.repeat", Args: []any{"id", hh.ID, "line", prev}}
		}
		if bad == nil && o.Scope != "" && !store.Within(hh.AreaID, o.Scope) {
			bad = &RowError{Line: line, Key: "register.outside", Args: []any{"area", hh.AreaID}}
		}
		if bad != nil {
			if res.BadCount++; len(res.Bad) < maxRowErrors {
				res.Bad = append(res.Bad, *bad)
			}
			continue
		}
		seen[hh.ID] = line
		hhs = append(hhs, hh)
	}
	res.Good = len(hhs)
	res.Warnings = overfull(areas, hhs)
	if res.BadCount > 0 && !o.SkipBad {
		return res, ErrBadRows
	}
	if o.DryRun {
		return res, nil
	}
	for start := 0; start < len(hhs); start += importBatch {
		batch := hhs[start:min(start+importBatch, len(hhs))]
		if err := db.ImportHouseholds(ctx, batch); err != nil {
			return res, err
		}
		res.Imported += len(batch)
		if o.Progress != nil {
			o.Progress(res.Imported, len(hhs))
		}
	}
	entry := store.AuditEntry{At: o.Now, Actor: cmp.Or(o.By, "terminal"), Action: "register_import", Detail: fmt.Sprintf("%d households from %s", res.Imported, name)}
	_, err = db.Apply(ctx, store.Change{At: o.Now, Audit: []store.AuditEntry{entry}})
	return res, err
}

// sheetRows reads the first sheet row by row, stopping past the most rows
// a register may have, so a sheet of millions of rows is refused early.
func sheetRows(f *excelize.File, name string, maxRows int) ([][]string, error) {
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", name, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > maxRows {
			return nil, fmt.Errorf("report: %s has more than %d rows; a register has at most that many", name, maxRows)
		}
		row, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("report: read %s: %w", name, err)
		}
		out = append(out, row)
	}
	return out, rows.Error()
}

// overfull warns of villages given more households than households_total.
func overfull(areas []store.Area, hhs []store.Household) []string {
	count := map[string]int{}
	for _, hh := range hhs {
		count[hh.AreaID]++
	}
	var out []string
	for _, a := range areas {
		if n := count[a.ID]; a.Kind == store.KindVillage && a.HouseholdsTotal > 0 && n > a.HouseholdsTotal {
			out = append(out, fmt.Sprintf("%s: %d households in the file, more than its households_total %d", a.ID, n, a.HouseholdsTotal))
		}
	}
	return out
}

// readRows reads a register's rows as the file comes, up to the limits:
// never the whole file at once, but for an XLSX (a zip, read whole).
func readRows(name string, r io.Reader, o ImportOptions) ([][]string, error) {
	r = &capped{r: r, max: int64(o.MaxBytes), name: name}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		br := bufio.NewReader(r)
		if head, _ := br.Peek(8); binaryKind(head, false) == "register.xls" {
			return nil, FileError{Key: "register.xls", Args: []any{"file", name}}
		}
		f, err := excelize.OpenReader(br, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped / 4})
		if err != nil {
			return nil, readError(name, err)
		}
		defer f.Close()
		return sheetRows(f, name, o.MaxRows)
	case ".xls":
		return nil, FileError{Key: "register.xls", Args: []any{"file", name}}
	case ".csv", ".txt", ".tsv":
		return textRows(name, r, o.MaxRows)
	}
	return nil, fmt.Errorf("report: %s: a register is a .csv, .txt or .xlsx file", name)
}

// capped reads a file up to max bytes, and fails past them.
type capped struct {
	r      io.Reader
	n, max int64
	name   string
}

func (c *capped) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, tooBig{c.name, c.max}
	}
	p = p[:min(int64(len(p)), c.max+1-c.n)]
	n, err := c.r.Read(p)
	if c.n += int64(n); c.n > c.max {
		return n, tooBig{c.name, c.max}
	}
	return n, err
}

type tooBig struct {
	name string
	max  int64
}

func (e tooBig) Error() string {
	return fmt.Sprintf("report: %s is over %d bytes (%d MB); a register is far smaller", e.name, e.max, e.max>>20)
}

// separator is the field separator of a CSV file, read off its header
// line: Excel with Vietnamese settings writes ";", its "Unicode Text" and
// some tools a tab.
func separator(text []byte) rune {
	line, _, _ := bytes.Cut(text, []byte("\n"))
	best, most := ',', -1
	for _, sep := range []rune{',', ';', '\t'} {
		if n := countOutsideQuotes(line, byte(sep)); n > most {
			best, most = sep, n
		}
	}
	return best
}

func countOutsideQuotes(line []byte, sep byte) int {
	n, quoted := 0, false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case b == sep && !quoted:
			n++
		}
	}
	return n
}

// headerNames are the names a register's columns go by, folded: the
// English ids and the Vietnamese headings offices use.
var headerNames = map[string][]string{
	"area_id":      {"area id", "ma dia ban", "ma thon", "ma to", "ma thon, to"},
	"household_id": {"household id", "ma ho", "ma so ho", "ma ho gia dinh"},
	"head_name":    {"head name", "ho ten chu ho", "ho va ten chu ho", "chu ho", "ten chu ho"},
	"members":      {"members", "so nhan khau", "nhan khau", "so khau", "so thanh vien"},
	"status":       {"status", "phan loai", "phan loai ho", "xep loai", "tinh trang"},
}

// headerLabels are the Vietnamese headings named in a missing column's error.
var headerLabels = map[string]string{"area_id": "mã địa bàn", "household_id": "mã hộ", "head_name": "họ tên chủ hộ",
	"members": "số nhân khẩu", "status": "phân loại"}

func headerIndex(header []string) (map[string]int, error) {
	byName := map[string]string{}
	for col, names := range headerNames {
		for _, n := range names {
			byName[n] = col
		}
	}
	cols := map[string]int{}
	for i, h := range header {
		name := flows.Fold(strings.ReplaceAll(strings.TrimPrefix(h, "\ufeff"), "_", " "))
		if col, ok := byName[name]; ok {
			if _, dup := cols[col]; !dup {
				cols[col] = i
			}
		}
	}
	var missing []string
	for _, c := range registerColumns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c+" ("+headerLabels[c]+")")
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("report: the header row lacks the column %s (columns: %s, or their Vietnamese names)",
			strings.Join(missing, ", "), strings.Join(registerColumns, ", "))
	}
	return cols, nil
}

// spoiled is the first line with a cell that is not UTF-8, or holds
// U+FFFD (text an earlier conversion lost), 0 for none: nothing of such a
// file is stored. Text files are checked as they are decoded; this is for
// the cells of an XLSX.
func spoiled(rows [][]string) int {
	for i, row := range rows {
		for _, cell := range row {
			if !utf8.ValidString(cell) || strings.ContainsRune(cell, utf8.RuneError) {
				return i + 1
			}
		}
	}
	return 0
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow checks one row; bad is nil when it is good.
func parseRow(line int, row []string, cols map[string]int, villages map[string]bool, now time.Time) (hh store.Household, bad *RowError) {
	get := func(c string) string {
		if i := cols[c]; i < len(row) {
			// In NFC, as phones type: an XLSX or a Mac may hold combining marks.
			return norm.NFC.String(strings.TrimSpace(row[i]))
		}
		return ""
	}
	wrong := func(key string, args ...any) (store.Household, *RowError) {
		return hh, &RowError{Line: line, Key: key, Args: args}
	}
	hh = store.Household{AreaID: get("area_id"), ID: get("household_id"), HeadName: strings.Join(strings.Fields(get("head_name")), " "), StatusAt: now}
	isVillage, known := villages[hh.AreaID]
	switch {
	case !known:
		return wrong("register.unknown_area", "area", hh.AreaID)
	case !isVillage:
		return wrong("register.not_village", "area", hh.AreaID)
	case hh.ID == "" || len(hh.ID) > 64 || strings.ContainsAny(hh.ID, "\x00/") || hh.ID == "new":
		return wrong("register.bad_household", "id", hh.ID)
	case utf8.RuneCountInString(hh.HeadName) < 2 || utf8.RuneCountInString(hh.HeadName) > 80:
		return wrong("register.name_length")
	case Defuse(hh.HeadName) != hh.HeadName || strings.IndexFunc(hh.HeadName, unicode.IsControl) >= 0:
		return wrong("register.name_formula", "name", hh.HeadName)
	}
	members, err := strconv.Atoi(get("members"))
	if err != nil || members < 1 || members > 30 {
		return wrong("register.bad_members", "members", get("members"))
	}
	hh.Members = members
	status, ok := statusNames[flows.Fold(strings.ReplaceAll(get("status"), "_", " "))]
	if !ok {
		status, ok = statusNames[get("status")]
	}
	if !ok {
		return wrong("register.bad_status", "status", get("status"))
	}
	hh.Status = status
	return hh, nil
}
