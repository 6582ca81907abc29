// Package register reads a household register (CSV or XLSX, as offices
// save them), checks every row and stores the good ones: the file half of
// the office's register import, which holds who may import and where.
package register

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/report/export"
	"sothon/store"
	"sothon/tree"
)

// registerColumns are the columns a register file must have.
var registerColumns = []string{"area_id", "household_id", "head_name", "members", "status"}

// statusNames maps the statuses a register may hold, in English or in
// Vietnamese (diacritics optional), to the stored names.
var statusNames = map[string]poverty.Class{
	"poor": poverty.Poor, "near_poor": poverty.NearPoor, "middle": poverty.Middle, "none": poverty.None, "escaped": poverty.Escaped,
	"ngheo": poverty.Poor, "ho ngheo": poverty.Poor, "can ngheo": poverty.NearPoor, "ho can ngheo": poverty.NearPoor,
	"muc song trung binh": poverty.Middle, "ho co muc song trung binh": poverty.Middle, "khong": poverty.None, "khong thuoc dien": poverty.None,
	"thoat ngheo": poverty.Escaped,
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

// Result says what an import did.
type Result struct {
	Imported int
	Good     int        // rows that can be stored
	Bad      []RowError // the first maxRowErrors bad rows
	BadCount int        // every bad row
	// Warnings are about good rows that look wrong together: a village
	// with more households than its households_total.
	Warnings []string
}

// Options shape an import. Scope, By and Now say where, by whom and when:
// office.ImportRegister sets them from the actor, and tests that store a
// register directly leave Scope and By empty.
type Options struct {
	SkipBad  bool                  // import the good rows of a file with bad ones
	DryRun   bool                  // check every row, store nothing
	Scope    string                // an area the rows' villages must be in ("" for any)
	By       string                // who imports, for the audit log ("terminal" by default)
	Now      time.Time             // when, for the households' status and the audit log
	Progress func(done, total int) // called as rows are stored
	// Reading is called every few thousand rows checked, with the rows
	// read so far: for a page that follows a long check.
	Reading func(rows int)
	// MaxBytes and MaxRows bound the file; 0 takes the defaults (128 MB,
	// 1,000,000 rows).
	MaxBytes, MaxRows int
	// TempDir holds the good rows of a register while it is checked, a
	// copy of an XLSX given as a stream (to read it as a zip), and an
	// XLSX's shared strings while it is read; the system's by default.
	TempDir string
}

// Limits on a register file, a large province's register in one file (1,000,000
// households): a file past them is refused as soon as the limit is reached.
// What a check holds grows with the rows, a hash of each household id (about
// 40 MB at the limit); BenchmarkImportMillion shows the whole import of a file
// at the limit under 300 MB. An upload to the console has its own, smaller,
// byte limit.
const (
	maxRegisterBytes = 128 << 20
	maxRegisterRows  = 1_000_000
	// maxRowBytes bounds a row of a text file: a register's row is a
	// hundred bytes or so.
	maxRowBytes = 64 << 10
	// maxRowErrors bounds the bad rows listed; the rest are counted.
	maxRowErrors = 100
	// readingEvery is how often, in rows, a check says how far it is and
	// looks whether it was called off.
	readingEvery = 4096
)

// importBatch is how many households one transaction stores: large enough
// to make 100,000 rows a few commits, small enough to keep each short.
const importBatch = 10000

// ErrBadRows means the file has bad rows and nothing was imported.
var ErrBadRows = errors.New("register: the file has bad rows; nothing was imported (fix them, or use --skip-bad)")

// Import reads a household register (CSV or XLSX, by name) with a
// header row and stores it. Re-importing a household_id updates it. Every
// bad row is reported; with any, nothing is stored unless SkipBad is set.
//
// The file is read once, as it comes, row by row, and never held whole:
// the good rows are kept in a temporary file in TempDir as they are
// checked, and stored from there in batches once every row is checked.
// What stays in memory is the result (the first bad rows, counts), a hash
// of each household id, to tell repeats, and two batches (one being stored
// while the next is read). An XLSX given as a stream is copied to TempDir
// first (a zip is read from its end).
func Import(ctx context.Context, db *store.DB, name string, r io.Reader, o Options) (Result, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = maxRegisterBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = maxRegisterRows
	}
	if !utf8.ValidString(name) {
		return Result{}, FileError{Key: "register.file_name"}
	}
	xlsx, err := registerKind(name)
	if err != nil {
		return Result{}, err
	}
	src, err := openSource(name, r, xlsx, o)
	if err != nil {
		return Result{}, err
	}
	defer src.close()
	areas, err := db.Areas(ctx)
	if err != nil {
		return Result{}, err
	}
	var rows *spill
	var keep func(store.Household) error
	if !o.DryRun {
		if rows, err = newSpill(o.TempDir); err != nil {
			return Result{}, err
		}
		defer rows.close()
		keep = rows.add
	}
	check := newRowCheck(areas, o)
	if err := check.read(ctx, name, src, xlsx, keep); err != nil {
		return check.res, err
	}
	res := check.res
	res.Warnings = overfull(areas, check.perVillage)
	if res.BadCount > 0 && !o.SkipBad {
		return res, ErrBadRows
	}
	if o.DryRun {
		return res, nil
	}
	// A batch is stored while the next is read and made ready (its
	// records encoded and sorted): the making ready and the writing each
	// have a core. Batches are still stored one at a time and in order;
	// Import returns only once none is being stored.
	type stored struct {
		n   int
		err error
	}
	var storing chan stored // the batch being stored, nil when none
	wait := func() error {
		if storing == nil {
			return nil
		}
		s := <-storing
		storing = nil
		if s.err != nil {
			return s.err
		}
		res.Imported += s.n
		if o.Progress != nil {
			o.Progress(res.Imported, res.Good)
		}
		return nil
	}
	batch := make([]store.Household, 0, min(importBatch, res.Good))
	spare := make([]store.Household, 0, min(importBatch, res.Good))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ready := store.PrepareHouseholds(batch)
		if err := wait(); err != nil {
			return err
		}
		storing = make(chan stored, 1)
		go func(n int, b *store.HouseholdBatch, done chan<- stored) {
			done <- stored{n, db.StoreHouseholds(ctx, b)}
		}(len(batch), ready, storing)
		batch, spare = spare[:0], batch
		return nil
	}
	err = rows.each(o.Now, func(hh store.Household) error {
		if batch = append(batch, hh); len(batch) == importBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if werr := wait(); err == nil {
		err = werr
	}
	if err != nil {
		return res, err
	}
	entry := store.AuditEntry{At: o.Now, Actor: cmp.Or(o.By, "terminal"), Action: "register_import", Detail: fmt.Sprintf("%d households from %s", res.Imported, name)}
	_, err = db.Apply(ctx, store.Change{At: o.Now, Audit: []store.AuditEntry{entry}})
	return res, err
}

// registerKind tells an XLSX from a text file by the file's name.
func registerKind(name string) (xlsx bool, err error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return true, nil
	case ".xls":
		return false, FileError{Key: "register.xls", Args: []any{"file", name}}
	case ".csv", ".txt", ".tsv":
		return false, nil
	}
	return false, FileError{Key: "register.kind", Args: []any{"file", name}}
}

// rowCheck checks a register's rows as they are read, and keeps only what
// the result needs.
type rowCheck struct {
	o          Options
	villages   map[string]bool
	res        Result
	seen       map[[2]uint64]int // household id's hash: its line
	seeds      [2]maphash.Seed
	perVillage map[string]int
	nfc        bool // the cells are in NFC already (a text file's)
}

func newRowCheck(areas []tree.Area, o Options) *rowCheck {
	c := &rowCheck{o: o, villages: map[string]bool{}, seen: map[[2]uint64]int{}, perVillage: map[string]int{},
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for _, a := range areas {
		c.villages[a.ID] = a.Kind == tree.Village
	}
	return c
}

// rowReader gives a register's rows one at a time, each with its line (the
// record's number in a text file, the row's in a sheet); io.EOF after the
// last. A row is good until the next call.
type rowReader interface {
	next() (row []string, line int, err error)
	close() error
}

// read checks every row of the file and hands each good one to keep (nil
// to keep none), stopping at the first error: the file's, or keep's.
func (c *rowCheck) read(ctx context.Context, name string, src *source, xlsx bool, keep func(store.Household) error) error {
	var rows rowReader
	var err error
	if xlsx {
		rows, err = openXLSX(name, src.at, src.size, c.o.TempDir)
	} else {
		rows, err = openText(name, src.reader())
	}
	if err != nil {
		return readError(name, err)
	}
	defer rows.close()
	header, _, err := rows.next()
	switch {
	case err == io.EOF:
		return FileError{Key: "register.empty", Args: []any{"file", name}}
	case err != nil:
		return readError(name, err)
	}
	cols, err := headerIndex(header)
	if err != nil {
		return err
	}
	if x, ok := rows.(*xlsxRows); ok {
		x.keepColumns(cols)
	}
	c.nfc = !xlsx
	ahead := newReadAhead(rows)
	defer ahead.close()
	rows = ahead
	for n := 1; ; n++ {
		row, line, err := rows.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readError(name, err)
		}
		if n > c.o.MaxRows {
			return FileError{Key: "register.too_many_rows", Args: []any{"file", name, "max", c.o.MaxRows}}
		}
		if n%readingEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if c.o.Reading != nil {
				c.o.Reading(n)
			}
		}
		if xlsx && spoiled(row) {
			return FileError{Key: "register.not_text", Args: []any{"file", name, "line", line}}
		}
		if blank(row) {
			continue
		}
		hh, ok := c.row(line, row, cols)
		if ok && keep != nil {
			if err := keep(hh); err != nil {
				return err
			}
		}
	}
}

// row checks one row, counting it good or bad.
func (c *rowCheck) row(line int, row []string, cols map[string]int) (store.Household, bool) {
	hh, bad := parseRow(line, row, cols, c.villages, c.o.Now, c.nfc)
	id := [2]uint64{maphash.String(c.seeds[0], hh.ID), maphash.String(c.seeds[1], hh.ID)}
	if prev, dup := c.seen[id]; dup && bad == nil {
		bad = &RowError{Line: line, Key: "register.repeat", Args: []any{"id", hh.ID, "line", prev}}
	}
	if bad == nil && c.o.Scope != "" && !tree.Within(hh.AreaID, c.o.Scope) {
		bad = &RowError{Line: line, Key: "register.outside", Args: []any{"area", hh.AreaID}}
	}
	if bad != nil {
		if c.res.BadCount++; len(c.res.Bad) < maxRowErrors {
			c.res.Bad = append(c.res.Bad, *bad)
		}
		return hh, false
	}
	c.seen[id] = line
	c.perVillage[hh.AreaID]++
	c.res.Good++
	return hh, true
}

// overfull warns of villages given more households than households_total.
func overfull(areas []tree.Area, count map[string]int) []string {
	var out []string
	for _, a := range areas {
		if n := count[a.ID]; a.Kind == tree.Village && a.HouseholdsTotal > 0 && n > a.HouseholdsTotal {
			out = append(out, fmt.Sprintf("%s: %d households in the file, more than its households_total %d", a.ID, n, a.HouseholdsTotal))
		}
	}
	return out
}

// source is a register file: its bytes at hand (a file, or bytes in
// memory, which an XLSX needs) or a stream.
type source struct {
	at     io.ReaderAt
	off    int64
	size   int64
	stream io.Reader
	temp   *os.File // a copy of a stream, removed at close
}

// openSource makes a register readable at any offset when at is set: a
// stream is copied to a temporary file. Past MaxBytes the file is
// refused, before it is read when its size is known.
func openSource(name string, r io.Reader, at bool, o Options) (*source, error) {
	max := int64(o.MaxBytes)
	s := &source{}
	switch f := r.(type) {
	case *os.File:
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			s.at, s.size = f, st.Size()
		}
	case interface {
		io.ReaderAt
		Size() int64
		Len() int
	}: // bytes.Reader, strings.Reader: what is left of them
		s.at, s.off, s.size = f, f.Size()-int64(f.Len()), int64(f.Len())
	}
	switch {
	case s.at != nil && s.size > max:
		return nil, tooBig{name, max}.file()
	case s.at != nil:
		return s, nil
	case !at:
		s.stream = &capped{r: r, max: max, name: name}
		return s, nil
	}
	tmp, err := os.CreateTemp(o.TempDir, "sothon-register-")
	if err != nil {
		return nil, fmt.Errorf("register: copy %s: %w", name, err)
	}
	s.temp = tmp
	n, err := io.Copy(tmp, &capped{r: r, max: max, name: name})
	if err != nil {
		s.close()
		return nil, readError(name, err)
	}
	s.at, s.size = tmp, n
	return s, nil
}

// reader reads the file from its start.
func (s *source) reader() io.Reader {
	if s.at != nil {
		return io.NewSectionReader(s.at, s.off, s.size)
	}
	return s.stream
}

func (s *source) close() {
	if s.temp != nil {
		s.temp.Close()
		os.Remove(s.temp.Name())
	}
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

// tooBig is a file past the bytes a register may have.
type tooBig struct {
	name string
	max  int64
}

func (e tooBig) Error() string { return e.file().Error() }

func (e tooBig) file() FileError {
	return FileError{Key: "register.too_big", Args: []any{"file", e.name, "bytes", e.max, "mb", e.max >> 20}}
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
		return nil, FileError{Key: "register.columns", Args: []any{"missing", strings.Join(missing, ", "), "columns", strings.Join(registerColumns, ", ")}}
	}
	return cols, nil
}

// spoiled tells a row with a cell that is not UTF-8, or holds U+FFFD (text
// an earlier conversion lost): nothing of such a file is stored. Text files
// are checked as they are decoded; this is for the cells of an XLSX.
func spoiled(row []string) bool {
	for _, cell := range row {
		if !utf8.ValidString(cell) || strings.ContainsRune(cell, utf8.RuneError) {
			return true
		}
	}
	return false
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
//
// Cells are put in NFC, as phones type (an XLSX or a Mac may hold
// combining marks), unless nfc says they are already: a text file's are
// as it is read.
func parseRow(line int, row []string, cols map[string]int, villages map[string]bool, now time.Time, nfc bool) (hh store.Household, bad *RowError) {
	get := func(c string) string {
		if i := cols[c]; i < len(row) {
			if nfc {
				return strings.TrimSpace(row[i])
			}
			return norm.NFC.String(strings.TrimSpace(row[i]))
		}
		return ""
	}
	wrong := func(key string, args ...any) (store.Household, *RowError) {
		return hh, &RowError{Line: line, Key: key, Args: args}
	}
	hh = store.Household{AreaID: get("area_id"), ID: get("household_id"), HeadName: oneSpaced(get("head_name")), StatusAt: now}
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
	case export.Defuse(hh.HeadName) != hh.HeadName || strings.IndexFunc(hh.HeadName, unicode.IsControl) >= 0:
		return wrong("register.name_formula", "name", hh.HeadName)
	}
	members, err := strconv.Atoi(get("members"))
	if err != nil || members < 1 || members > 30 {
		return wrong("register.bad_members", "members", get("members"))
	}
	hh.Members = members
	// As written ("poor", "near_poor"), or folded ("Hộ nghèo", "near poor").
	status, ok := statusNames[get("status")]
	if !ok {
		status, ok = statusNames[flows.Fold(strings.ReplaceAll(get("status"), "_", " "))]
	}
	if !ok {
		return wrong("register.bad_status", "status", get("status"))
	}
	hh.Status = string(status)
	return hh, nil
}

// oneSpaced puts one space between the words of s, trimmed already.
func oneSpaced(s string) string {
	space := false
	for _, r := range s {
		switch {
		case !unicode.IsSpace(r):
			space = false
		case r != ' ' || space:
			return strings.Join(strings.Fields(s), " ")
		default:
			space = true
		}
	}
	return s
}
