package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/flows"
	"sothon/store/photos"
)

// Accept stores received updates durably; see delivery.Receiver.Accept.
type Accept func(ctx context.Context, ins ...bot.Inbound) error

// Poll receives updates by long polling until ctx ends. The offset moves
// past a batch only once the batch is stored, so a crash loses nothing:
// Telegram sends the batch again and the engine drops the repeats.
func (a *Adapter) Poll(ctx context.Context, accept Accept) error {
	poller := a.newAPI(delivery.HTTPClient(a.cfg.PollTimeout+15*time.Second), ctx)
	offset, failures := 0, 0
	for ctx.Err() == nil {
		updates, err := a.updates(poller, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			if !delivery.Sleep(ctx, a.pollWait(err, failures)) {
				break
			}
			continue
		}
		failures = 0
		ins := make([]bot.Inbound, 0, len(updates))
		for _, u := range updates {
			if in, ok := inbound(u); ok {
				ins = append(ins, in)
			}
		}
		if len(ins) > 0 {
			if err := accept(ctx, ins...); err != nil {
				a.log.Error("telegram: store updates; will fetch them again", "err", err)
				delivery.Sleep(ctx, time.Second)
				continue
			}
		}
		if n := len(updates); n > 0 {
			offset = updates[n-1].UpdateID + 1
		}
	}
	return nil
}

// updates asks for the updates from offset on, waiting up to the poll's
// timeout for some to come.
func (a *Adapter) updates(poller *tgbotapi.BotAPI, offset int) ([]tgbotapi.Update, error) {
	var updates []tgbotapi.Update
	err := a.call(poller, "getUpdates", updatesBody(offset, int(a.cfg.PollTimeout/time.Second)), &updates)
	if err == nil && updates == nil {
		// ok without updates (no result, or null; none is "[]"): an
		// error, backed off, rather than an empty batch asked again at once.
		err = errors.New("telegram: getUpdates answered without updates")
	}
	return updates, err
}

// pollWait is how long to wait after a failed getUpdates: what a 429 says,
// else a backoff up to 30 seconds.
func (a *Adapter) pollWait(err error, failures int) time.Duration {
	err = classify(err, a.cfg.Token)
	var retry *delivery.RetryAfterError
	if errors.As(err, &retry) {
		a.log.Warn("telegram: getUpdates rate limited", "after", retry.After)
		return retry.After
	}
	a.log.Warn("telegram: getUpdates failed", "err", err)
	return min(time.Second<<min(failures-1, 5), 30*time.Second)
}

// Webhook is the handler for POST /webhook/telegram. It checks the secret
// token, stores the update and acknowledges it at once.
func (a *Adapter) Webhook(accept Accept) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if a.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.WebhookSecret)) != 1 {
			delivery.Refuse(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		body, ok := delivery.ReadWebhookBody(w, r)
		if !ok {
			return
		}
		u, ok := readUpdate(body)
		if !ok {
			ok = json.Unmarshal(body, &u) == nil
		}
		if !ok || u.UpdateID == 0 {
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		in, handled := inbound(u)
		delivery.AcceptWebhook(w, r, accept, in, handled, a.log)
	})
}

// inbound turns an update into the engine's form. Only private chats are
// served; other updates are acknowledged and ignored.
func inbound(u tgbotapi.Update) (bot.Inbound, bool) {
	in := bot.Inbound{Channel: Name, MessageID: strconv.Itoa(u.UpdateID), InOrder: true}
	switch {
	case u.Message != nil && u.Message.Chat != nil && u.Message.Chat.Type == "private":
		m := u.Message
		in.ChatID, in.Text = strconv.FormatInt(m.Chat.ID, 10), m.Text
		in.At = time.Unix(int64(m.Date), 0)
		in.NotText = m.Text == ""
		in.Photo, in.PhotoSize = photoOf(m)
		in.PhotoResend = len(m.Photo) > 0
		if l := m.Location; l != nil { // the "Gửi vị trí" button, or the attachment menu
			in.Place = &flows.Point{Lat: l.Latitude, Lon: l.Longitude, Accuracy: l.HorizontalAccuracy}
		}
		fillUser(&in, m.From)
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil &&
		u.CallbackQuery.Message.Chat.Type == "private":
		q := u.CallbackQuery
		in.ChatID, in.Button, in.CallbackID = strconv.FormatInt(q.Message.Chat.ID, 10), q.Data, q.ID
		in.At = time.Now()
		fillUser(&in, q.From)
	default:
		return bot.Inbound{}, false
	}
	return in, true
}

func fillUser(in *bot.Inbound, u *tgbotapi.User) {
	if u == nil {
		return
	}
	in.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
	in.Lang, _, _ = strings.Cut(u.LanguageCode, "-")
}

// photoOf is the photo a message carries, as a file id to fetch and its
// size: of a photo, the largest size Telegram made within photos.MaxBytes
// (the smallest when none is, to be refused for its size); of an image
// sent as a file, the file. "" when there is none.
func photoOf(m *tgbotapi.Message) (string, int64) {
	if len(m.Photo) > 0 {
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if int64(p.FileSize) <= photos.MaxBytes && p.Width*p.Height > best.Width*best.Height {
				best = p
			}
		}
		return best.FileID, int64(best.FileSize)
	}
	if d := m.Document; d != nil && imageTypes[d.MimeType] {
		return d.FileID, int64(d.FileSize)
	}
	return "", 0
}

// imageTypes are the files taken as photos when sent as documents.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}
