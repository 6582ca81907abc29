package console

import (
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sothon/locales"
	"sothon/office"
	"sothon/office/register"
	"sothon/store"
)

// maxUpload bounds an uploaded register, as the import does a file; the
// form around it takes a few hundred bytes more.
const (
	maxUpload     = 64 << 20
	maxUploadBody = maxUpload + 64<<10
)

// uploadDeadline is how long an upload may take to arrive: 64 MB over an
// office's slow line (100 KB/s) takes 11 minutes.
const uploadDeadline = 12 * time.Minute

// quickCheck is how long an upload's answer waits for its check (and a
// save's for its saving) before it shows a page that follows it instead.
const quickCheck = 2 * time.Second

type registerPage struct {
	frame
	File     string // the uploaded file's name; "" for the upload form alone
	Upload   string // its id, to save it
	Cancel   string // its id, to cancel it
	Problem  string // why the file cannot be read at all
	Good     int
	Bad      []badRow
	MoreBad  int
	Warnings []string
	Saved    bool // the households are stored
	Imported int
	Progress string // how far a check or a saving is, "" when none runs
}

// BadCount is every bad row, listed or not.
func (p registerPage) BadCount() int { return len(p.Bad) + p.MoreBad }

type badRow struct {
	Line   int
	Reason string
}

// importer is the user of a register page: one the office lets import a
// register. Anyone else is answered as for a page that is not there.
func (c *Console) importer(w http.ResponseWriter, r *http.Request) (store.User, string, bool) {
	u, session, ok := c.user(w, r)
	if !ok {
		return u, "", false
	}
	if err := c.office().MayImportRegister(r.Context(), u); err != nil {
		c.refused(w, r, u, err, "register", "/")
		return u, "", false
	}
	return u, session, true
}

// registerForm shows the form to upload a register.
func (c *Console) registerForm(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.importer(w, r)
	if !ok {
		return
	}
	c.render(w, http.StatusOK, "upload.html", registerPage{frame: c.frame(r, u, session)})
}

// checkRegister receives an uploaded register into a file of its own and
// checks every row in the background before anything is saved; the answer
// is the report when the check is quick, a page following it otherwise.
func (c *Console) checkRegister(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.importer(w, r)
	if !ok {
		return
	}
	// Only an admin's upload gets the time a large file takes on a slow
	// line; the server's own timeouts cut everyone else's.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadDeadline))
	rc.SetWriteDeadline(time.Now().Add(uploadDeadline + time.Minute))
	up, ok := c.receive(w, r, u, session)
	if !ok {
		return
	}
	now := c.now()
	c.uploads.begin(up, uploadChecking, func(ctx context.Context) (uploadState, register.Result, error) {
		f, err := os.Open(up.path)
		if err != nil {
			return uploadRefused, register.Result{}, err
		}
		defer f.Close()
		res, err := c.office().ImportRegister(ctx, u, up.name, f, register.Options{DryRun: true,
			TempDir: filepath.Dir(up.path), Reading: func(rows int) { up.done.Store(int64(rows)) }}, now)
		if errors.Is(err, register.ErrBadRows) {
			err = nil // the report says so; a saving may leave them out
		}
		if err != nil || res.Good == 0 {
			return uploadRefused, res, err
		}
		return uploadChecked, res, nil
	})
	c.answer(w, r, u, session, up)
}

// receive reads the upload form as it arrives: its token first, then the
// file, straight into the upload's file. A form cut short, too large or
// without a file is answered here, in the admin's language.
func (c *Console) receive(w http.ResponseWriter, r *http.Request, u store.User, session string) (up *upload, ok bool) {
	page := registerPage{frame: c.frame(r, u, session)}
	problem := func(status int, key string, args ...any) (*upload, bool) {
		if up != nil {
			c.uploads.drop(up)
		}
		page.Problem = page.T(key, args...)
		c.render(w, status, "upload.html", page)
		return nil, false
	}
	readFailed := func(err error) (*upload, bool) {
		if errors.As(err, new(*http.MaxBytesError)) {
			return problem(http.StatusRequestEntityTooLarge, "web.upload_too_big", "mb", maxUpload>>20)
		}
		c.Log.Info("upload cut", "err", err)
		return problem(http.StatusBadRequest, "web.upload_cut", "minutes", int(uploadDeadline/time.Minute))
	}
	if r.ContentLength > maxUploadBody {
		return problem(http.StatusRequestEntityTooLarge, "web.upload_too_big", "mb", maxUpload>>20)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	parts, err := r.MultipartReader()
	if err != nil {
		return problem(http.StatusBadRequest, "web.register_no_file")
	}
	fromPage := false
	for {
		part, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return readFailed(err)
		}
		switch part.FormName() {
		case "csrf":
			token, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return readFailed(err)
			}
			if fromPage = hmac.Equal(token, []byte(c.csrf(session))); !fromPage {
				c.message(w, http.StatusForbidden, u.Lang, "web.bad_form")
				return nil, false
			}
		case "file":
			if part.FileName() == "" || up != nil {
				continue // no file chosen (an empty part), or a second one
			}
			if !fromPage { // the form's token comes first: without it, nothing is kept
				c.message(w, http.StatusForbidden, u.Lang, "web.bad_form")
				return nil, false
			}
			var f *os.File
			if up, f, err = c.uploads.create(u.ID, filepath.Base(part.FileName()), c.now()); err != nil {
				c.unavailable(w, "upload", err)
				return nil, false
			}
			n, err := io.Copy(f, io.LimitReader(part, maxUpload+1))
			if cerr := f.Close(); err == nil && cerr != nil {
				c.uploads.drop(up)
				c.unavailable(w, "upload", cerr)
				return nil, false
			}
			switch {
			case err != nil:
				return readFailed(err)
			case n > maxUpload:
				return problem(http.StatusRequestEntityTooLarge, "web.upload_too_big", "mb", maxUpload>>20)
			}
		}
	}
	switch {
	case !fromPage:
		if up != nil {
			c.uploads.drop(up)
		}
		c.message(w, http.StatusForbidden, u.Lang, "web.bad_form")
		return nil, false
	case up == nil:
		return problem(http.StatusBadRequest, "web.register_no_file")
	}
	return up, true
}

// answer shows the upload's report when its work ends within quickCheck,
// and sends the admin to the page that follows it otherwise.
func (c *Console) answer(w http.ResponseWriter, r *http.Request, u store.User, session string, up *upload) {
	if !c.uploads.wait(r.Context(), up, quickCheck) {
		http.Redirect(w, r, "/register/"+up.id, http.StatusSeeOther)
		return
	}
	c.show(w, r, u, session, up)
}

// registerUpload shows an upload: how far its check or saving is, on a
// page that reloads itself, or what it found.
func (c *Console) registerUpload(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.importer(w, r)
	if !ok {
		return
	}
	up, ok := c.uploads.get(r.PathValue("id"), u.ID, c.now())
	if !ok {
		c.message(w, http.StatusNotFound, u.Lang, "web.register_gone")
		return
	}
	c.show(w, r, u, session, up)
}

// show renders an upload's page.
func (c *Console) show(w http.ResponseWriter, r *http.Request, u store.User, session string, up *upload) {
	page := registerPage{frame: c.frame(r, u, session), File: up.name}
	state, res, err := c.uploads.status(up)
	done := locales.Number(u.Lang, float64(up.done.Load()), 0)
	switch state {
	case uploadWaiting:
		page.Progress = page.T("web.register_waiting", "file", up.name)
	case uploadChecking:
		page.Progress = page.T("web.register_checking", "file", up.name, "rows", done)
	case uploadSaving:
		page.Progress = page.T("web.register_saving", "file", up.name, "done", done,
			"total", locales.Number(u.Lang, float64(up.total.Load()), 0))
	case uploadSaved:
		page.Saved, page.Imported = true, res.Imported
	}
	if page.Progress != "" {
		page.Cancel = up.id
		if state == uploadSaving {
			page.Cancel = ""
		}
		c.render(w, http.StatusOK, "upload.html", page)
		return
	}
	status := http.StatusOK
	if !page.Saved && (!c.describe(&page, res, err) || page.Good == 0) {
		status = http.StatusBadRequest
	}
	if state == uploadChecked {
		page.Upload, page.Cancel = up.id, up.id
		if err != nil { // the saving found bad rows, and skip_bad was not asked for
			status = http.StatusBadRequest
		}
	}
	c.render(w, status, "upload.html", page)
}

// saveRegister stores a checked upload: all its rows, or with skip_bad the
// good ones of a file that has bad ones. The file is read again, in the
// background, and stored in batches.
func (c *Console) saveRegister(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.importer(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	up, res, ok := c.checked(r, u)
	if !ok {
		c.message(w, http.StatusNotFound, u.Lang, "web.register_gone")
		return
	}
	skipBad := r.PostFormValue("skip_bad") == "yes"
	if res.BadCount > 0 && !skipBad {
		page := registerPage{frame: c.frame(r, u, session), File: up.name, Upload: up.id, Cancel: up.id}
		c.describe(&page, res, register.ErrBadRows)
		c.render(w, http.StatusBadRequest, "upload.html", page)
		return
	}
	now := c.now()
	up.total.Store(int64(res.Good))
	started := c.uploads.begin(up, uploadSaving, func(ctx context.Context) (uploadState, register.Result, error) {
		f, err := os.Open(up.path)
		if err != nil {
			return uploadChecked, res, err
		}
		defer f.Close()
		saved, err := c.office().ImportRegister(ctx, u, up.name, f, register.Options{SkipBad: skipBad,
			TempDir: filepath.Dir(up.path), Progress: func(done, total int) { up.done.Store(int64(done)); up.total.Store(int64(total)) }}, now)
		if err != nil {
			c.Log.Error("save upload", "err", err)
			return uploadChecked, saved, err
		}
		return uploadSaved, saved, nil
	})
	if !started {
		c.message(w, http.StatusNotFound, u.Lang, "web.register_gone")
		return
	}
	c.answer(w, r, u, session, up)
}

// checked finds the admin's upload of the page's address whose check is
// done and whose file waits to be saved.
func (c *Console) checked(r *http.Request, u store.User) (*upload, register.Result, bool) {
	up, ok := c.uploads.get(r.PathValue("id"), u.ID, c.now())
	if !ok {
		return nil, register.Result{}, false
	}
	state, res, _ := c.uploads.status(up)
	return up, res, state == uploadChecked
}

// cancelRegister drops an upload and its file, stopping its check.
func (c *Console) cancelRegister(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.importer(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	if up, ok := c.uploads.get(r.PathValue("id"), u.ID, c.now()); ok {
		if state, _, _ := c.uploads.status(up); state != uploadSaving {
			c.uploads.drop(up)
		}
	}
	http.Redirect(w, r, "/register", http.StatusSeeOther)
}

// PruneUploads removes the uploads past their hour, with their files; the
// server's housekeeping calls it. It says how many it removed.
func (c *Console) PruneUploads() int {
	if c.uploads == nil { // not serving yet
		return 0
	}
	return c.uploads.prune(c.now())
}

// describe puts an import's report on the page; false when the file cannot
// be read at all (no header, too large, not a spreadsheet).
func (c *Console) describe(page *registerPage, res register.Result, err error) bool {
	page.Good, page.Warnings, page.MoreBad = res.Good, res.Warnings, res.BadCount-len(res.Bad)
	page.Bad = nil
	for _, bad := range res.Bad {
		page.Bad = append(page.Bad, badRow{Line: bad.Line, Reason: bad.Text(c.Catalog, page.Lang)})
	}
	var refused register.FileError
	var refusal *office.Refusal
	switch {
	case errors.As(err, &refused):
		page.Problem = page.T("web.register_unreadable", "reason", refused.Text(c.Catalog, page.Lang))
		return false
	case errors.As(err, &refusal): // the admin's role or area changed since the upload
		page.Problem = page.T(refusal.Key, refusal.Args...)
		return false
	case err != nil && !errors.Is(err, register.ErrBadRows):
		c.Log.Error("register", "err", err)
		page.Problem = page.T("web.register_unreadable", "reason", strings.TrimPrefix(err.Error(), "register: "))
		return false
	}
	return true
}
