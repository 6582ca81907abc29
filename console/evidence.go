package console

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"sothon/flows"
	"sothon/office"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/photos"
)

// photo answers GET /submissions/{id}/photos/{n}: the submission's n-th
// photo (from 1), whole, or with ?size=thumb its thumbnail (no larger
// than photos.ThumbSide), to a user who may read the submission, as the
// office reads it (its area within theirs); anyone else, and a photo it
// does not name, gets 404 as for a page that is not there. A photo is
// never looked up by its hash alone.
func (c *Console) photo(w http.ResponseWriter, r *http.Request) {
	u, _, ok := c.user(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	n, nerr := strconv.Atoi(r.PathValue("n"))
	size := r.URL.Query().Get("size")
	if err != nil || nerr != nil || (size != "" && size != "thumb") {
		http.NotFound(w, r)
		return
	}
	s, _, err := c.office().Submission(r.Context(), u, id)
	if err != nil {
		c.refused(w, r, u, err, "photo", "/submissions")
		return
	}
	if n < 1 || n > len(s.Files) {
		http.NotFound(w, r)
		return
	}
	if size == "thumb" {
		c.thumb(w, r, s.Files[n-1])
		return
	}
	f, err := c.Store.Photos().Open(s.Files[n-1])
	switch {
	case errors.Is(err, photos.ErrMissing): // `sothon check` names it
		http.NotFound(w, r)
		return
	case err != nil:
		c.unavailable(w, "photo", err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	io.Copy(w, f)
}

// thumb serves a photo's thumbnail, made on the first asking and kept.
func (c *Console) thumb(w http.ResponseWriter, r *http.Request, hash string) {
	data, err := c.Store.Photos().Thumb(r.Context(), hash)
	switch {
	case errors.Is(err, photos.ErrMissing), errors.Is(err, photos.ErrNotImage), errors.Is(err, photos.ErrTooManyPixels):
		http.NotFound(w, r) // missing or altered: `sothon check` names it
		return
	case err != nil:
		c.unavailable(w, "thumbnail", err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(data)
}

// photoRef is a photo of a submission page: its address in the console,
// whole (URL) and as a thumbnail (Thumb).
type photoRef struct{ URL, Thumb, Alt string }

// photoURL is the address of a submission's n-th photo; thumbURL its
// thumbnail's.
func photoURL(id uint64, n int) string {
	return "/submissions/" + strconv.FormatUint(id, 10) + "/photos/" + strconv.Itoa(n)
}

func thumbURL(id uint64, n int) string { return photoURL(id, n) + "?size=thumb" }

// withEvidence adds to an answer's row the photos it names, by their
// number among the submission's, and the map of the place it gives.
func withEvidence(row answerRow, q *flows.Question, s store.Submission, alt func(n int) string) answerRow {
	switch q.Type {
	case flows.Image:
		for _, h := range flows.ImageHashes(s.Answers[q.ID]) {
			if i := slices.Index(s.Files, h); i >= 0 {
				row.Photos = append(row.Photos, photoRef{URL: photoURL(s.ID, i+1), Thumb: thumbURL(s.ID, i+1), Alt: alt(i + 1)})
			}
		}
	case flows.Geopoint:
		if p, err := flows.ParsePoint(s.Answers[q.ID]); err == nil {
			row.Map = p.MapURL()
		}
	}
	return row
}

// hasPlace tells whether a submission's answers give a place.
func hasPlace(form *flows.Form, s store.Submission) bool {
	if form == nil {
		return false
	}
	for _, q := range form.Questions {
		if q.Type == flows.Geopoint && s.Answers[q.ID] != "" {
			return true
		}
	}
	return false
}

// apiHouseholds answers GET /api/households.geojson?area=…: the area's
// reviewed households with a place, as a GeoJSON FeatureCollection for a
// GIS tool (export.GeoJSON), to a personal token or a session, as
// /api/stats; an area not the user's is 404.
func (c *Console) apiHouseholds(w http.ResponseWriter, r *http.Request) {
	u, ok := c.apiUser(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	opts := export.Options{Filter: store.SubmissionFilter{AreaID: r.URL.Query().Get("area")}, Format: export.GeoJSON}
	_, err := c.office().Export(r.Context(), u, c.Forms, opts, &buf)
	var refusal *office.Refusal
	switch {
	case errors.As(err, &refusal):
		http.Error(w, `{"error":"no such area"}`, http.StatusNotFound)
		return
	case err != nil:
		c.unavailable(w, "api households", err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	name := "ho-" + strings.ReplaceAll(opts.Filter.AreaID, "/", "-")
	if opts.Filter.AreaID == "" {
		name = "ho"
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.geojson"`)
	w.Write(buf.Bytes())
}
