package zalo

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
)

// BotName is the channel name of a Zalo Bot's chats.
const BotName = "zalo-bot"

// DefaultBotAPI is the Bot Platform's address.
const DefaultBotAPI = "https://bot-api.zaloplatforms.com"

// BotConfig configures the Zalo Bot adapter.
type BotConfig struct {
	Token   string
	APIBase string // DefaultBotAPI when empty
	// WebhookURL switches from long polling to a webhook; WebhookSecret
	// (8 to 256 characters) is checked on every request.
	WebhookURL, WebhookSecret string
	PollTimeout               time.Duration // 30 s by default
	// Link puts an attachment behind a public link; a chart then goes out
	// as a photo and a spreadsheet as its link. Nil: there is no public
	// address, and the text says so.
	Link delivery.Linker
	Log  *slog.Logger
}

// Bot is the Zalo Bot Platform channel.
type Bot struct {
	cfg  BotConfig
	http *http.Client
	poll *http.Client
	log  *slog.Logger
}

// NewBot builds the adapter without touching the network.
func NewBot(cfg BotConfig) (*Bot, error) {
	if cfg.Token == "" || strings.ContainsAny(cfg.Token, " /\n") {
		return nil, errors.New("zalo bot: the token is empty or malformed")
	}
	if cfg.WebhookURL != "" && (len(cfg.WebhookSecret) < 8 || len(cfg.WebhookSecret) > 256) {
		return nil, errors.New("zalo bot: the webhook secret must have 8 to 256 characters")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultBotAPI
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	return &Bot{cfg: cfg, http: delivery.HTTPClient(15 * time.Second), poll: delivery.HTTPClient(cfg.PollTimeout + 15*time.Second), log: quietLog(cfg.Log)}, nil
}

// Name implements delivery.Channel.
func (b *Bot) Name() string { return BotName }

// botReply is the Bot Platform's answer envelope.
type botReply struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// apiError is a Bot Platform error answer.
type apiError struct {
	Code        int
	Description string
}

func (e *apiError) Error() string { return fmt.Sprintf("zalo bot: %d %s", e.Code, e.Description) }

// call posts a JSON request to a method and decodes the result.
func (b *Bot) call(ctx context.Context, client *http.Client, method string, params, result any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.APIBase+"/bot"+b.cfg.Token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return errors.New(delivery.Redact(err.Error(), b.cfg.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return netError(err, b.cfg.Token)
	}
	defer resp.Body.Close()
	var r botReply
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
		return &delivery.TemporaryError{Err: fmt.Errorf("zalo bot: %s: HTTP %d with a malformed body", method, resp.StatusCode)}
	}
	if !r.OK {
		return &apiError{Code: r.ErrorCode, Description: delivery.Redact(r.Description, b.cfg.Token)}
	}
	if result != nil {
		return json.Unmarshal(r.Result, result)
	}
	return nil
}

// classifyBot maps a failure to the engine's send errors.
func classifyBot(err error) error {
	var api *apiError
	if !errors.As(err, &api) {
		return err
	}
	switch {
	case api.Code == 429:
		return &delivery.RetryAfterError{After: 5 * time.Second, Err: err}
	case api.Code == 403:
		return fmt.Errorf("%w: %v", delivery.ErrUnreachable, err)
	case api.Code >= 500:
		return &delivery.TemporaryError{Err: err}
	case api.Code == 400:
		return &delivery.PermanentError{Err: err}
	}
	return &delivery.TemporaryError{Err: err}
}

// Start checks the token and sets or removes the webhook.
func (b *Bot) Start(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := b.call(ctx, b.http, "getMe", struct{}{}, nil)
		if err == nil {
			break
		}
		var tmp *delivery.TemporaryError
		if !errors.As(classifyBot(err), &tmp) {
			return fmt.Errorf("zalo bot: getMe: %w", err)
		}
		b.log.Warn("zalo bot: cannot reach the API; retrying", "err", err)
		if !delivery.Sleep(ctx, min(time.Second<<attempt, 30*time.Second)) {
			return ctx.Err()
		}
	}
	if b.cfg.WebhookURL != "" {
		if err := b.call(ctx, b.http, "setWebhook", map[string]string{"url": b.cfg.WebhookURL, "secret_token": b.cfg.WebhookSecret}, nil); err != nil {
			return fmt.Errorf("zalo bot: setWebhook: %w", err)
		}
		return nil
	}
	if err := b.call(ctx, b.http, "deleteWebhook", struct{}{}, nil); err != nil {
		b.log.Warn("zalo bot: deleteWebhook", "err", err)
	}
	return nil
}

// Send implements delivery.Channel: the text with numbered options, split at
// 2,000 characters on line boundaries. Edits do not exist on Zalo.
func (b *Bot) Send(ctx context.Context, out delivery.Outbound) (string, error) {
	if out.Edit != "" {
		return "", nil
	}
	text, photo, err := withAttachment(ctx, out, b.cfg.Link)
	if err != nil {
		return "", err
	}
	// No id: nothing to edit later, so no keyboard is remembered. The Bot
	// Platform's sendMessage takes a chat and a text, and no switch for link
	// previews: out.NoPreview cannot be honoured (a login link's page spends
	// nothing; only its button does).
	err = delivery.SendParts(out, text, MaxText, func(part string, _ bool) error {
		if err := b.call(ctx, b.http, "sendMessage", map[string]string{"chat_id": out.ChatID, "text": part}, nil); err != nil {
			return classifyBot(err)
		}
		return nil
	})
	if err != nil || photo == "" {
		return "", err
	}
	if err := b.call(ctx, b.http, "sendPhoto", map[string]string{"chat_id": out.ChatID, "photo": photo}, nil); err != nil {
		// The text went out: a retry would repeat it, so the photo is given up.
		b.log.Warn("zalo bot: sendPhoto", "err", err)
	}
	return "", nil
}

// botUpdate is one event of the Bot Platform.
type botUpdate struct {
	EventName string `json:"event_name"`
	Message   *struct {
		MessageID string `json:"message_id"`
		From      struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"from"`
		Chat struct {
			ID       string `json:"id"`
			ChatType string `json:"chat_type"`
		} `json:"chat"`
		Date int64  `json:"date"`
		Text string `json:"text"`
		// Photo is an image event's address of the photo (with its
		// caption beside it, which is not read).
		Photo string `json:"photo"`
	} `json:"message"`
}

// inbound turns an event into the engine's form; only private chats count.
func (u botUpdate) inbound() (bot.Inbound, bool) {
	m := u.Message
	if m == nil || m.Chat.ID == "" || m.MessageID == "" || (m.Chat.ChatType != "" && m.Chat.ChatType != "PRIVATE") {
		return bot.Inbound{}, false
	}
	// The platform's date is not trusted for the record: the server's clock is.
	in := bot.Inbound{Channel: BotName, ChatID: m.Chat.ID, MessageID: m.MessageID, Name: m.From.Name, At: time.Now()}
	switch u.EventName {
	case "message.text.received":
		in.Text = m.Text
	case "message.image.received":
		in.NotText, in.Photo = true, m.Photo
	case "message.sticker.received", "message.unsupported.received": // the Bot Platform sends no locations: they come as unsupported
		in.NotText = true
	default:
		return bot.Inbound{}, false
	}
	return in, true
}

// Poll receives events by long polling until ctx ends. getUpdates returns
// one event a call; 408 means nothing arrived in time.
func (b *Bot) Poll(ctx context.Context, accept func(context.Context, ...bot.Inbound) error) error {
	failures := 0
	for ctx.Err() == nil {
		var u botUpdate
		err := b.call(ctx, b.poll, "getUpdates", map[string]string{"timeout": fmt.Sprint(int(b.cfg.PollTimeout / time.Second))}, &u)
		var api *apiError
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.As(err, &api) && api.Code == 408:
			failures = 0
			continue
		case err != nil:
			failures++
			b.log.Warn("zalo bot: getUpdates failed", "err", err)
			delivery.Sleep(ctx, min(time.Second<<min(failures-1, 5), 30*time.Second))
			continue
		}
		failures = 0
		if in, ok := u.inbound(); ok {
			// The platform forgets an event once returned; if storing it
			// fails the event is lost, so keep trying while running.
			for err := accept(ctx, in); err != nil && ctx.Err() == nil; err = accept(ctx, in) {
				b.log.Error("zalo bot: store event; retrying", "err", err)
				delivery.Sleep(ctx, time.Second)
			}
		}
	}
	return nil
}

// Webhook is the handler for POST /webhook/zalo-bot.
func (b *Bot) Webhook(accept func(context.Context, ...bot.Inbound) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 || b.cfg.WebhookSecret == "" {
			delivery.Refuse(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		body, ok := delivery.ReadWebhookBody(w, r)
		if !ok {
			return
		}
		// The event arrives alone or in the API's envelope.
		var env struct {
			Result *botUpdate `json:"result"`
			botUpdate
		}
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		u := env.botUpdate
		if env.Result != nil {
			u = *env.Result
		}
		in, handled := u.inbound()
		delivery.AcceptWebhook(w, r, accept, in, handled, b.log)
	})
}
