package console

import (
	"bytes"
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/report"
	"sothon/report/export"
	"sothon/report/lists"
	"sothon/store"
	"sothon/store/links"
)

// listed bounds the rows a submissions page shows; the download has all.
const listed = 200

// filter is what the submissions page selects: a questionnaire, an area
// (the office refuses one not the user's), days.
type filter struct {
	Form, Area, From, To string
}

func (c *Console) filterOf(r *http.Request, u store.User) (filter, bool) {
	q := r.URL.Query()
	f := filter{Form: q.Get("form"), Area: q.Get("area"), From: q.Get("from"), To: q.Get("to")}
	if f.Area == "" {
		f.Area = u.AreaID
	}
	for _, d := range []string{f.From, f.To} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return f, false
		}
	}
	return f, f.Form == "" || c.Forms.Form(f.Form) != nil
}

func (f filter) store() store.SubmissionFilter {
	return store.SubmissionFilter{Form: f.Form, AreaID: f.Area, From: f.From, To: f.To}
}

type submissionsPage struct {
	frame
	Filter filter
	Forms  []*flows.Form
	Rows   []submissionRow
	Total  int
}

type submissionRow struct {
	ID                                    uint64
	When, Form, Village, Household, State string
	Photos                                int  // how many photos the form holds
	Place                                 bool // whether it gives a place
	// Thumb is the first photo's thumbnail, which opens it whole at Photo.
	Thumb, Photo string
}

// submissions lists the area's submissions, newest first, with filters
// and downloads of the whole selection.
func (c *Console) submissions(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	f, ok := c.filterOf(r, u)
	if !ok {
		http.NotFound(w, r)
		return
	}
	page := submissionsPage{frame: c.frame(r, u, session), Filter: f, Forms: c.Forms.Forms}
	err := c.office().Submissions(r.Context(), u, f.store(), func(s store.Submission) error {
		page.Total++
		title := s.Form
		form := c.Forms.Form(s.Form)
		if form != nil {
			title = form.Title.In(u.Lang)
		}
		_, village, _ := c.Store.AreaLabel(r.Context(), s.AreaID)
		row := submissionRow{ID: s.ID, When: c.when(s.SubmittedAt), Form: title,
			Village: village, Household: s.HouseholdName, Photos: len(s.Files), Place: hasPlace(form, s)}
		if row.Photos > 0 {
			row.Thumb, row.Photo = thumbURL(s.ID, 1), photoURL(s.ID, 1)
		}
		page.Rows = append(page.Rows, row)
		if len(page.Rows) > listed {
			page.Rows = page.Rows[1:]
		}
		return nil
	})
	if err != nil {
		c.refused(w, r, u, err, "submissions", "/")
		return
	}
	for i, j := 0, len(page.Rows)-1; i < j; i, j = i+1, j-1 {
		page.Rows[i], page.Rows[j] = page.Rows[j], page.Rows[i]
	}
	for i, row := range page.Rows { // only the rows shown: a page of 200
		rv, err := c.Store.ReviewOf(r.Context(), row.ID)
		if err != nil {
			c.unavailable(w, "reviews", err)
			return
		}
		page.Rows[i].State = page.T("web.state." + rv.State())
	}
	c.render(w, http.StatusOK, "submissions.html", page)
}

// answerRow is an answer as the page shows it, with the photos it names
// and the map of the place it gives.
type answerRow struct {
	Question, Answer string
	Photos           []photoRef
	Map              string
}

// reviewStep is one step of a submission's review as the page says it.
type reviewStep struct{ State, When, Reason string }

type submissionPage struct {
	frame
	Submission store.Submission
	Steps      []reviewStep
	Title      string
	Answers    []answerRow
}

// submission shows one submission's answers with their labels.
func (c *Console) submission(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s, rv, err := c.office().Submission(r.Context(), u, id)
	if err != nil {
		c.refused(w, r, u, err, "submission", "/submissions")
		return
	}
	form := c.Forms.Form(s.Form)
	if form == nil { // a questionnaire no longer in use
		http.NotFound(w, r)
		return
	}
	page := submissionPage{frame: c.frame(r, u, session), Submission: s, Title: form.Title.In(u.Lang)}
	page.Steps = []reviewStep{{State: page.T("web.state." + store.ReviewReceived), When: c.when(s.SubmittedAt)}}
	for _, step := range rv.Steps {
		page.Steps = append(page.Steps, reviewStep{State: page.T("web.state." + step.State), When: c.when(step.At), Reason: step.Reason})
	}
	for _, q := range form.Questions {
		if v, ok := s.Answers[q.ID]; ok && q.Type != flows.Note {
			row := answerRow{Question: q.Label.In(u.Lang), Answer: report.AnswerText(form, q, v, u.Lang)}
			if q.Type == flows.Image || q.Type == flows.Geopoint { // "1 ảnh", "21.14730, 105.83480 (sai số khoảng 8 m)"
				row.Answer = form.AnswerText(q, s.Answers, u.Lang, c.Catalog)
			}
			page.Answers = append(page.Answers, withEvidence(row, q, s, func(n int) string {
				return page.T("web.photo_alt", "n", n, "household", s.HouseholdName)
			}))
		}
	}
	c.render(w, http.StatusOK, "submission.html", page)
}

// download sends the filtered submissions as CSV or XLSX.
func (c *Console) download(w http.ResponseWriter, r *http.Request) {
	u, _, ok := c.user(w, r)
	if !ok {
		return
	}
	f, ok := c.filterOf(r, u)
	format := r.PathValue("format")
	if !ok || (format != export.CSV && format != export.XLSX) {
		http.NotFound(w, r)
		return
	}
	photoLink, err := links.Photos(r.Context(), c.Store, c.PublicURL, c.now())
	if err != nil {
		c.unavailable(w, "download", err)
		return
	}
	var buf bytes.Buffer
	opts := export.Options{Filter: f.store(), Format: format, TZ: c.Location, Current: r.URL.Query().Get("current") == "1", PhotoLink: photoLink}
	kind := "text/csv; charset=utf-8"
	if format == export.XLSX {
		kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if _, err := c.office().Export(r.Context(), u, c.Forms, opts, &buf); err != nil {
		c.refused(w, r, u, err, "download", "/submissions")
		return
	}
	name := "so-thon-" + strings.ReplaceAll(f.Area, "/", "-")
	if opts.Current {
		name += "-hien-hanh"
	}
	name += "." + format
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(buf.Bytes())
}

// lists sends the round's lists to post for an area of the user's, as a
// PDF to print or an XLSX to edit; with ?doc=, another of the review's
// documents (document).
func (c *Console) lists(w http.ResponseWriter, r *http.Request) {
	u, _, ok := c.user(w, r)
	if !ok {
		return
	}
	area := cmp.Or(r.URL.Query().Get("area"), u.AreaID)
	format := r.PathValue("format")
	if format != "pdf" && format != "xlsx" {
		http.NotFound(w, r)
		return
	}
	if doc := r.URL.Query().Get("doc"); doc != "" { // the meeting's minutes, the decision's annex
		c.document(w, r, u, doc, area, format)
		return
	}
	l, err := c.office().Lists(r.Context(), u, area, 0, c.Forms, c.Catalog, u.Lang, c.now())
	switch {
	case errors.Is(err, lists.ErrNoRound):
		c.message(w, http.StatusNotFound, u.Lang, "web.lists_no_round")
		return
	case err != nil:
		c.refused(w, r, u, err, "lists", "/")
		return
	}
	var buf bytes.Buffer
	write, kind := lists.WritePDF, "application/pdf"
	if format == "xlsx" {
		write, kind = lists.WriteXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err := write(l, c.Catalog, &buf); err != nil {
		c.unavailable(w, "lists", err)
		return
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="danh-sach-`+strings.ReplaceAll(area, "/", "-")+"."+format+`"`)
	w.Write(buf.Bytes())
}
