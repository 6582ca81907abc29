package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"sothon/report"
	"sothon/store"
)

// Uploads wait this long between their check and their saving.
const uploadTTL = time.Hour

// maxUpload bounds an uploaded register, as the import does a file.
const maxUpload = 64 << 20

type registerPage struct {
	frame
	File     string // the uploaded file's name; "" for the upload form alone
	Upload   string // its id, to save it
	Problem  string // why the file cannot be read at all
	Good     int
	Bad      []badRow
	MoreBad  int
	Warnings []string
	Saved    bool // the households are stored
	Imported int
}

// BadCount is every bad row, listed or not.
func (p registerPage) BadCount() int { return len(p.Bad) + p.MoreBad }

type badRow struct {
	Line   int
	Reason string
}

// registerForm shows the form to upload a register.
func (c *Console) registerForm(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	c.render(w, http.StatusOK, "upload.html", registerPage{frame: c.frame(r, u, session)})
}

// checkRegister reads an uploaded register and reports on every row before
// anything is saved; the file waits in the store for the admin to save it.
func (c *Console) checkRegister(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	page := registerPage{frame: c.frame(r, u, session)}
	file, header, err := r.FormFile("file")
	if err != nil {
		page.Problem = page.T("web.register_no_file")
		c.render(w, http.StatusBadRequest, "upload.html", page)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	page.File = filepath.Base(header.Filename)
	if err != nil {
		c.unavailable(w, "upload", err)
		return
	}
	res, err := report.ImportRegister(r.Context(), c.Store, page.File, bytes.NewReader(data), report.ImportOptions{DryRun: true, Scope: u.AreaID, Now: c.now()})
	if !c.describe(&page, res, err) || page.Good == 0 {
		c.render(w, http.StatusBadRequest, "upload.html", page)
		return
	}
	page.Upload, err = c.Store.PutFile(r.Context(), store.File{Name: page.File, Owner: u.ID, Data: data, Expires: c.now().Add(uploadTTL)})
	if err != nil {
		c.unavailable(w, "upload", err)
		return
	}
	c.render(w, http.StatusOK, "upload.html", page)
}

// saveRegister stores a checked upload: all its rows, or with skip_bad the
// good ones of a file that has bad ones.
func (c *Console) saveRegister(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	id := r.PathValue("id")
	f, err := c.Store.GetFile(r.Context(), id)
	if err != nil || f.Owner != u.ID || c.now().After(f.Expires) {
		c.message(w, http.StatusNotFound, u.Lang, "web.register_gone")
		return
	}
	page := registerPage{frame: c.frame(r, u, session), File: f.Name}
	res, err := report.ImportRegister(r.Context(), c.Store, f.Name, bytes.NewReader(f.Data), report.ImportOptions{
		SkipBad: r.PostFormValue("skip_bad") == "yes", Scope: u.AreaID, By: u.ID, Now: c.now()})
	if !c.describe(&page, res, err) || err != nil {
		page.Upload = id // bad rows, and skip_bad not asked for: the file still waits
		c.render(w, http.StatusBadRequest, "upload.html", page)
		return
	}
	if err := c.Store.DeleteFile(r.Context(), id); err != nil {
		c.Log.Error("delete upload", "err", err)
	}
	page.Saved, page.Imported = true, res.Imported
	c.render(w, http.StatusOK, "upload.html", page)
}

// describe puts an import's report on the page; false when the file cannot
// be read at all (no header, too large, not a spreadsheet).
func (c *Console) describe(page *registerPage, res report.ImportResult, err error) bool {
	page.Good, page.Warnings, page.MoreBad = res.Good, res.Warnings, res.BadCount-len(res.Bad)
	for _, bad := range res.Bad {
		page.Bad = append(page.Bad, badRow{Line: bad.Line, Reason: bad.Text(c.Catalog, page.Lang)})
	}
	var refused report.FileError
	switch {
	case errors.As(err, &refused):
		page.Problem = page.T("web.register_unreadable", "reason", refused.Text(c.Catalog, page.Lang))
		return false
	case err != nil && !errors.Is(err, report.ErrBadRows):
		// The import's own words, which name the missing column.
		page.Problem = page.T("web.register_unreadable", "reason", strings.TrimPrefix(err.Error(), "report: "))
		return false
	}
	return true
}
