// Package telegram connects the engine to a Telegram bot through the Bot
// API: long polling or a webhook in (texts, presses, photos fetched with
// getFile, locations), messages with keyboards out.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sothon/bot/delivery"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Name is the channel name Telegram chats are stored under.
const Name = "telegram"

// MaxText is the Bot API's limit on a message's text.
const MaxText = 4096

// DefaultAPI is the Bot API's address.
const DefaultAPI = "https://api.telegram.org"

func init() {
	// The library's own logger prints request URLs, which hold the token.
	tgbotapi.SetLogger(quiet{})
}

type quiet struct{}

func (quiet) Println(...any)        {}
func (quiet) Printf(string, ...any) {}

// Config configures the adapter.
type Config struct {
	Token   string
	APIBase string // DefaultAPI when empty
	// WebhookURL switches from long polling to a webhook at this public
	// address; WebhookSecret is checked on every request.
	WebhookURL    string
	WebhookSecret string
	// Commands are the command menus to register, by language code.
	Commands    map[string][]tgbotapi.BotCommand
	PollTimeout time.Duration // how long one getUpdates waits; 30 s by default
	HTTPTimeout time.Duration // for every other request; 15 s by default
	// Context ends the requests that deliver messages when it is done, so
	// that a platform that hangs cannot hold a shutdown; nil never does.
	Context context.Context
	Log     *slog.Logger
}

// Adapter is the Telegram channel.
type Adapter struct {
	cfg      Config
	api      *tgbotapi.BotAPI // requests with a short timeout
	username string
	log      *slog.Logger
	urls     map[string]string // the methods called for every message, by name
}

// New builds the adapter without touching the network.
func New(cfg Config) (*Adapter, error) {
	if cfg.Token == "" || strings.ContainsAny(cfg.Token, " /\n") {
		return nil, fmt.Errorf("telegram: the token is empty or malformed")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPI
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = 15 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{cfg: cfg, log: cfg.Log, urls: map[string]string{}}
	for _, method := range []string{"getUpdates", "sendMessage", "editMessageText"} {
		a.urls[method] = a.methodURL(method)
	}
	a.api = a.newAPI(delivery.HTTPClient(cfg.HTTPTimeout), cfg.Context)
	return a, nil
}

// newAPI builds a library client. The library's constructors call getMe at
// once; building the struct lets start-up decide when to talk to Telegram.
func (a *Adapter) newAPI(hc *http.Client, ctx context.Context) *tgbotapi.BotAPI {
	api := &tgbotapi.BotAPI{Token: a.cfg.Token, Buffer: 100, Client: &client{http: hc, token: a.cfg.Token, ctx: ctx}}
	api.SetAPIEndpoint(a.cfg.APIBase + "/bot%s/%s")
	return api
}

// Name implements delivery.Channel.
func (a *Adapter) Name() string { return Name }

// Username is the bot's username, known after Start.
func (a *Adapter) Username() string { return a.username }

// Start checks the token with getMe (retrying until ctx ends while the
// network is down), registers the command menus and sets or clears the
// webhook.
func (a *Adapter) Start(ctx context.Context) error {
	api := a.newAPI(delivery.HTTPClient(a.cfg.HTTPTimeout), ctx) // a stop ends a hanging request too
	for attempt := 0; ; attempt++ {
		me, err := api.GetMe()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			a.username = me.UserName
			break
		}
		err = classify(err, a.cfg.Token)
		var tmp *delivery.TemporaryError
		if !errors.As(err, &tmp) {
			return fmt.Errorf("telegram: getMe: %w", err)
		}
		a.log.Warn("telegram: cannot reach the Bot API; retrying", "err", err)
		if !delivery.Sleep(ctx, min(time.Second<<attempt, 30*time.Second)) {
			return ctx.Err()
		}
	}
	a.registerCommands(api)
	if a.cfg.WebhookURL != "" {
		return a.setWebhook(api)
	}
	// getUpdates fails while a webhook is set.
	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		a.log.Warn("telegram: deleteWebhook", "err", classify(err, a.cfg.Token))
	}
	return nil
}

func (a *Adapter) registerCommands(api *tgbotapi.BotAPI) {
	for lang, cmds := range a.cfg.Commands {
		c := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), lang, cmds...)
		if _, err := api.Request(c); err != nil {
			if unsupported(err) {
				a.log.Info("telegram: setMyCommands not supported by this server; carrying on", "lang", lang)
				continue
			}
			a.log.Warn("telegram: setMyCommands", "lang", lang, "err", classify(err, a.cfg.Token))
		}
	}
}

// setWebhook registers the webhook with its secret token. The library's
// WebhookConfig has no secret_token, so the request is made directly.
func (a *Adapter) setWebhook(api *tgbotapi.BotAPI) error {
	// As many connections as Telegram allows (its default is 40): each
	// delivery waits for its update's commit, and those that wait together
	// share one (store.Receive).
	params := tgbotapi.Params{"url": a.cfg.WebhookURL, "secret_token": a.cfg.WebhookSecret, "max_connections": "100"}
	params.AddInterface("allowed_updates", allowedUpdates)
	if _, err := api.MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", classify(err, a.cfg.Token))
	}
	return nil
}

var allowedUpdates = []string{"message", "callback_query"}

func chatID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &delivery.PermanentError{Err: fmt.Errorf("telegram: bad chat id %q", s)}
	}
	return id, nil
}
