package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"sothon/bot/delivery"
	"sothon/flows"
	"sothon/store"
	"sothon/store/links"
	"sothon/store/photos"
)

// fileLife is how long a file stays behind its link.
const fileLife = 24 * time.Hour

// linker keeps attachments behind signed links under the public address,
// for the Zalo channels; nil when there is no public address.
func (s *server) linker(ctx context.Context, publicURL string) (delivery.Linker, error) {
	if publicURL == "" {
		return nil, nil
	}
	signer, err := links.New(ctx, s.db, publicURL)
	if err != nil {
		return nil, err
	}
	s.signer = signer
	return func(ctx context.Context, a *store.Attachment) (string, error) {
		id, err := s.db.PutFile(ctx, store.File{Name: a.Name, Image: a.Image, Data: a.Data, Expires: s.cfg.now().Add(fileLife)})
		if err != nil {
			return "", err
		}
		return signer.File(id), nil
	}, nil
}

// serveFile answers GET /files/{id}: the file, to whoever holds its signed
// link, until it expires.
func (s *server) serveFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.signer.FileValid(id, r.URL.Query().Get("s")) {
		http.NotFound(w, r)
		return
	}
	f, err := s.db.GetFile(r.Context(), id)
	switch {
	case err == nil && f.Owner != "": // an upload waiting in the console
		http.NotFound(w, r)
		return
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, "this link has expired", http.StatusGone)
		return
	case err != nil:
		s.log.Error("file", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	case s.cfg.now().After(f.Expires):
		http.Error(w, "this link has expired", http.StatusGone)
		return
	}
	kind, disposition := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment"
	switch {
	case f.Image && strings.HasSuffix(f.Name, ".jpg"): // a household's photo on a review card
		kind, disposition = "image/jpeg", "inline"
	case f.Image:
		kind, disposition = "image/png", "inline"
	case strings.HasSuffix(f.Name, ".pdf"):
		kind = "application/pdf"
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+strings.ReplaceAll(f.Name, `"`, "")+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(f.Data)
}

// servePhoto answers GET /photos/{hash}.jpg?e=…&s=…: a stored photo, to
// whoever holds the signed link an export gave, until it expires. A photo
// no form names any more is pruned and its link then finds nothing.
func (s *server) servePhoto(w http.ResponseWriter, r *http.Request) {
	hash, ok := strings.CutSuffix(r.PathValue("name"), photos.Suffix)
	q := r.URL.Query()
	if !ok || !flows.IsFileHash(hash) {
		http.NotFound(w, r)
		return
	}
	switch err := s.signer.CheckPhoto(hash, q.Get("e"), q.Get("s"), s.cfg.now()); {
	case errors.Is(err, links.ErrExpired):
		http.Error(w, "this link has expired", http.StatusGone)
		return
	case err != nil:
		http.NotFound(w, r)
		return
	}
	f, err := s.db.Photos().Open(hash)
	switch {
	case errors.Is(err, photos.ErrMissing):
		http.NotFound(w, r)
		return
	case err != nil:
		s.log.Error("photo", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Disposition", `inline; filename="`+hash[:12]+`.jpg"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	io.Copy(w, f)
}
