package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"sothon/bot/delivery"
	"sothon/store"
)

// fileLife is how long a file stays behind its link.
const fileLife = 24 * time.Hour

// settingFileSecret keeps the key that signs file links across restarts.
const settingFileSecret = "file_link_secret"

// linker keeps attachments behind signed links under the public address,
// for the Zalo channels; nil when there is no public address.
func (s *server) linker(ctx context.Context, publicURL string) (delivery.Linker, error) {
	if publicURL == "" {
		return nil, nil
	}
	secret, err := (&delivery.Host{Store: s.db}).StoredSecret(ctx, settingFileSecret)
	if err != nil {
		return nil, err
	}
	s.fileSecret = []byte(secret)
	base := strings.TrimRight(publicURL, "/")
	return func(ctx context.Context, a *store.Attachment) (string, error) {
		id, err := s.db.PutFile(ctx, store.File{Name: a.Name, Image: a.Image, Data: a.Data, Expires: s.cfg.now().Add(fileLife)})
		if err != nil {
			return "", err
		}
		return base + "/files/" + id + "?s=" + s.sign(id), nil
	}, nil
}

func (s *server) sign(id string) string {
	mac := hmac.New(sha256.New, s.fileSecret)
	mac.Write([]byte("file:" + id))
	return hex.EncodeToString(mac.Sum(nil))
}

// serveFile answers GET /files/{id}: the file, to whoever holds its signed
// link, until it expires.
func (s *server) serveFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.fileSecret == nil || !hmac.Equal([]byte(r.URL.Query().Get("s")), []byte(s.sign(id))) {
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
