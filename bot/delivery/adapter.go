package delivery

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sothon/bot"
)

// What the channel adapters share: waiting, HTTP clients, keeping secrets
// out of errors, and the common end of a webhook.

// Sleep waits for d, or less if ctx ends; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// HTTPClient is a client for a platform's API. It keeps enough idle
// connections for the sender's parallel requests: the default two per host
// would open (and against a real API, handshake) one for most messages.
func HTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: timeout, Transport: t}
}

// Redact replaces every copy of each secret in s; request errors carry
// URLs such as ".../bot<token>/sendMessage".
func Redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "<token>")
		}
	}
	return s
}

// Refuse answers a webhook request that failed its check at once, without
// reading its body, and closes the connection so that a client trickling a
// body cannot hold it.
func Refuse(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Connection", "close")
	http.Error(w, text, status)
}

// MaxWebhookBody is the largest webhook body accepted; real events are far
// smaller.
const MaxWebhookBody = 1 << 20

// ReadWebhookBody reads a request body of at most MaxWebhookBody bytes,
// answering 413 or 400 itself when it cannot; ok says whether to go on.
func ReadWebhookBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	case err != nil:
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}

// AcceptWebhook stores a checked webhook event (when it is one the engine
// handles) and answers: 200 once it is stored, 503 so the platform sends
// it again when it could not be.
func AcceptWebhook(w http.ResponseWriter, r *http.Request, accept func(context.Context, ...bot.Inbound) error, in bot.Inbound, handled bool, log *slog.Logger) {
	if handled {
		if err := accept(r.Context(), in); err != nil {
			log.Error("store webhook event", "channel", in.Channel, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
