package console_test

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

// uploadRig is a console with one admin of the ward Huyền Tụng logged in,
// for tests and benchmarks of uploads: its uploads folder and its clock at
// hand.
type uploadRig struct {
	tb      testing.TB
	db      *store.DB
	console *console.Console
	srv     *httptest.Server
	dir     string // the uploads folder
	session string
	csrf    string
	now     atomic.Int64 // the console's clock, in Unix nanoseconds
}

func newUploadRig(tb testing.TB) *uploadRig {
	tb.Helper()
	r := &uploadRig{tb: tb, db: storetest.Open(tb), dir: filepath.Join(tb.TempDir(), "sothon.db.uploads")}
	r.now.Store(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC).UnixNano())
	admin := store.User{ID: "a-ht", Name: "Quản trị Huyền Tụng", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.clock(), User: &admin}); err != nil {
		tb.Fatal(err)
	}
	session, err := r.db.CreateSession(ctx, admin.ID, r.clock(), 24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	forms, _ := flows.Default()
	r.session = session
	r.console = &console.Console{Store: r.db, Forms: forms, Catalog: locales.MustLoad(), Now: r.clock, Location: time.UTC, Uploads: r.dir}
	r.srv = httptest.NewServer(r.console.Handler())
	tb.Cleanup(r.srv.Close)
	_, page, _ := r.get("/register")
	m := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no form on the register page:\n%s", page)
	}
	r.csrf = m[1]
	return r
}

func (r *uploadRig) clock() time.Time { return time.Unix(0, r.now.Load()).UTC() }

func (r *uploadRig) later(d time.Duration) { r.now.Add(int64(d)) }

func (r *uploadRig) do(req *http.Request) (int, string, string) {
	r.tb.Helper()
	req.AddCookie(&http.Cookie{Name: "sothon_session", Value: r.session})
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		r.tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

func (r *uploadRig) get(path string) (int, string, string) {
	r.tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.srv.URL+path, nil)
	return r.do(req)
}

func (r *uploadRig) post(path string, form string) (int, string, string) {
	r.tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.do(req)
}

// upload sends a file as the register form does, written by write as it
// is sent (never held whole), and returns the answer as it comes: a report,
// or where the page following the check is.
func (r *uploadRig) upload(name string, write func(w io.Writer) error) (int, string, string) {
	r.tb.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("csrf", r.csrf)
		part, _ := mw.CreateFormFile("file", name)
		bw := bufio.NewWriterSize(part, 64<<10)
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/register", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return r.do(req)
}

// settled follows an upload's answer to its report, as a browser does the
// page that reloads itself (polled every 20 ms, not every 3 s).
func (r *uploadRig) settled(status int, page, next string) (int, string) {
	r.tb.Helper()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for status == http.StatusSeeOther || strings.Contains(page, `http-equiv="refresh"`) {
		if status != http.StatusSeeOther {
			<-poll.C
		}
		status, page, _ = r.get(next)
	}
	return status, page
}

// files are the files in the uploads folder.
func (r *uploadRig) files() []os.DirEntry {
	r.tb.Helper()
	entries, err := os.ReadDir(r.dir)
	if err != nil && !os.IsNotExist(err) {
		r.tb.Fatal(err)
	}
	return entries
}

// oneCharRows writes a register's header and then one-character rows up to
// size bytes: row is the row's one character, "" for blank lines.
func oneCharRows(size int, row string) func(w io.Writer) error {
	return func(w io.Writer) error {
		header := "area_id,household_id,head_name,members,status\n"
		if _, err := io.WriteString(w, header); err != nil {
			return err
		}
		line := []byte(row + "\n")
		chunk := []byte(strings.Repeat(string(line), (64<<10)/len(line)))
		for left := size - len(header); left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), left)]); err != nil {
				return err
			}
		}
		return nil
	}
}

// xlsxOf writes an XLSX whose one sheet holds the header row then copies
// of a row (as XML) until the sheet's XML reaches size bytes: it is written
// through the zip as it is made, never held, so that a sheet of hundreds of
// megabytes compresses to a few.
func xlsxOf(size int, row string) func(w io.Writer) error {
	chunk := strings.Repeat(row, max(1, (256<<10)/len(row)))
	return xlsxRows(size, func(int) string { return chunk })
}

// xlsxRows is xlsxOf with the rows' XML given in chunks, the i-th by rows,
// as many as fit in size.
func xlsxRows(size int, rows func(i int) string) func(w io.Writer) error {
	return xlsxWith(size, rows, 0, "")
}

// xlsxStrings writes an XLSX whose sheet holds the header row alone and
// whose shared strings are copies of an <si> up to size bytes.
func xlsxStrings(size int, si string) func(w io.Writer) error {
	return xlsxWith(0, func(int) string { return "" }, size, si)
}

func xlsxWith(size int, rows func(i int) string, sstSize int, si string) func(w io.Writer) error {
	return func(w io.Writer) error {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
		for name, text := range map[string]string{
			"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
				`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
				`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
				`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
			"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
			"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
				`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sổ hộ" sheetId="1" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		} {
			f, err := zw.Create(name)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(f, text); err != nil {
				return err
			}
		}
		f, err := zw.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			return err
		}
		head := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row>` + inlineCells("area_id", "household_id", "head_name", "members", "status") + `</row>`
		tail := `</sheetData></worksheet>`
		if _, err := io.WriteString(f, head); err != nil {
			return err
		}
		for i, left := 0, size-len(head)-len(tail); ; i++ {
			chunk := rows(i)
			if left -= len(chunk); left < 0 || chunk == "" {
				break
			}
			if _, err := io.WriteString(f, chunk); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(f, tail); err != nil {
			return err
		}
		if sstSize > 0 {
			if f, err = zw.Create("xl/sharedStrings.xml"); err != nil {
				return err
			}
			chunk := strings.Repeat(si, (256<<10)/len(si))
			io.WriteString(f, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			for left := sstSize - 100; left > len(chunk); left -= len(chunk) {
				if _, err := io.WriteString(f, chunk); err != nil {
					return err
				}
			}
			io.WriteString(f, `</sst>`)
		}
		return zw.Close()
	}
}

func inlineCells(values ...string) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintf(&b, `<c t="inlineStr"><is><t>%s</t></is></c>`, v)
	}
	return b.String()
}

// peakMemory samples the Go heap while it runs: the most in use (live
// data and garbage not yet collected), in bytes.
type peakMemory struct {
	stop  chan struct{}
	done  chan struct{}
	inUse uint64
}

func measureMemory() *peakMemory {
	runtime.GC()
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			p.inUse = max(p.inUse, m.HeapInuse)
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// end stops the sampling and gives the peak in MB.
func (p *peakMemory) end() float64 {
	close(p.stop)
	<-p.done
	return float64(p.inUse) / (1 << 20)
}
