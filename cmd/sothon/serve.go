package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot"
	"sothon/bot/telegram"
	"sothon/locales"
	"sothon/store"
)

// serveConfig is what `sothon serve` reads from flags and the environment.
type serveConfig struct {
	common
	addr     string
	runTTL   time.Duration
	telegram telegramConfig
}

type telegramConfig struct {
	token, api, webhookURL, webhookSecret string
	limits                                bot.Limits
}

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := parseServe(e, args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	loc, err := cfg.location()
	if err != nil {
		return err
	}
	forms, err := cfg.loadForms()
	if err != nil {
		return err
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := &server{db: db, log: log, senders: map[string]*bot.Sender{}}
	s.engine = bot.New(bot.Config{Store: db, Forms: forms, Catalog: locales.MustLoad(), RunTTL: cfg.runTTL, Log: log,
		Now: func() time.Time { return time.Now().In(loc) }, Notify: s.queued})
	return s.run(ctx, cfg)
}

func parseServe(e *env, args []string) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c serveConfig
	c.register(fs, e)
	fs.StringVar(&c.addr, "addr", envOr(e, "SOTHON_ADDR", "127.0.0.1:8080"), "HTTP address for /healthz and webhooks (SOTHON_ADDR)")
	ttl, err := envDuration(e, "SOTHON_RUN_TTL", bot.DefaultRunTTL)
	if err != nil {
		return c, err
	}
	fs.DurationVar(&c.runTTL, "run-ttl", ttl, "how long an unanswered questionnaire is kept (SOTHON_RUN_TTL)")
	if err := parseFlags(fs, e, args); err != nil {
		return c, err
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, usageError{fmt.Sprintf("--addr %q: use HOST:PORT", c.addr)}
	}
	if c.runTTL <= 0 {
		return c, usageError{"--run-ttl must be positive"}
	}
	tg := &c.telegram
	if tg.token, err = secret(e, "SOTHON_TELEGRAM_TOKEN"); err != nil {
		return c, err
	}
	tg.api = envOr(e, "SOTHON_TELEGRAM_API", telegram.DefaultAPI)
	tg.webhookURL = e.getenv("SOTHON_TELEGRAM_WEBHOOK_URL")
	if tg.webhookSecret, err = secret(e, "SOTHON_TELEGRAM_WEBHOOK_SECRET"); err != nil {
		return c, err
	}
	if tg.limits, err = limitsFromEnv(e, "SOTHON_TELEGRAM"); err != nil {
		return c, err
	}
	if tg.token == "" {
		return c, usageError{"no chat channel configured: set SOTHON_TELEGRAM_TOKEN (or SOTHON_TELEGRAM_TOKEN_FILE) to the token BotFather gave you; see the README"}
	}
	return c, nil
}

// limitsFromEnv reads PREFIX_RATE (messages a second for the bot) and
// PREFIX_CHAT_RATE (for one chat).
func limitsFromEnv(e *env, prefix string) (bot.Limits, error) {
	l := bot.DefaultLimits
	for name, dst := range map[string]*float64{prefix + "_RATE": &l.PerSecond, prefix + "_CHAT_RATE": &l.PerChat} {
		v := e.getenv(name)
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 {
			return l, usageError{fmt.Sprintf("%s=%q: use a positive number of messages a second", name, v)}
		}
		*dst = x
	}
	return l, nil
}

// server runs the channels, the engine's workers and the HTTP endpoints.
type server struct {
	db       *store.DB
	engine   *bot.Engine
	log      *slog.Logger
	receiver *bot.Receiver
	senders  map[string]*bot.Sender
}

// queued hands committed replies to the senders of their channels.
func (s *server) queued(msgs []store.Message) {
	for _, snd := range s.senders {
		snd.Enqueue(msgs)
	}
}

// run starts everything and, when ctx ends, stops in order: receiving,
// the updates in hand, sending (the outbox keeps the rest), the database.
func (s *server) run(ctx context.Context, cfg serveConfig) error {
	tg, err := s.startTelegram(ctx, cfg.telegram)
	if err != nil {
		return err
	}
	s.receiver = &bot.Receiver{Engine: s.engine, Store: s.db, Workers: 64, Log: s.log,
		Answerers: map[string]bot.CallbackAnswerer{telegram.Name: tg}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	if cfg.telegram.webhookURL != "" {
		mux.Handle("/webhook/telegram", tg.Webhook(s.receiver.Accept))
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	sendCtx, stopSending := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSending()

	var receiving, sending sync.WaitGroup
	sending.Add(1)
	go func() { defer sending.Done(); s.senders[telegram.Name].Run(sendCtx) }()
	receiving.Add(2)
	go func() { defer receiving.Done(); s.receiver.Run(ctx) }()
	go func() { defer receiving.Done(); s.expireLoop(ctx) }()
	if cfg.telegram.webhookURL == "" {
		receiving.Add(1)
		go func() { defer receiving.Done(); tg.Poll(ctx, s.receiver.Accept) }()
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "err", err)
		}
	}()
	s.log.Info("sothon serving", "addr", ln.Addr().String(), "telegram", "@"+tg.Username(),
		"mode", map[bool]string{true: "webhook", false: "polling"}[cfg.telegram.webhookURL != ""])

	<-ctx.Done()
	s.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	receiving.Wait()
	// A moment for the replies to the last updates, then the outbox keeps the rest.
	time.AfterFunc(time.Second, stopSending)
	sending.Wait()
	return nil
}

func (s *server) startTelegram(ctx context.Context, cfg telegramConfig) (*telegram.Adapter, error) {
	if cfg.webhookURL != "" && cfg.webhookSecret == "" {
		stored, err := s.db.Setting(ctx, "telegram_webhook_secret")
		if err != nil {
			return nil, err
		}
		if stored == "" {
			stored = telegram.NewSecret()
			if err := s.db.SetSetting(ctx, "telegram_webhook_secret", stored); err != nil {
				return nil, err
			}
		}
		cfg.webhookSecret = stored
	}
	tg, err := telegram.New(telegram.Config{Token: cfg.token, APIBase: cfg.api, WebhookURL: cfg.webhookURL,
		WebhookSecret: cfg.webhookSecret, Commands: botCommands(), Log: s.log})
	if err != nil {
		return nil, err
	}
	if err := tg.Start(ctx); err != nil {
		return nil, err
	}
	if err := s.db.SetSetting(ctx, bot.SettingTelegramUsername, tg.Username()); err != nil {
		return nil, err
	}
	s.senders[telegram.Name] = &bot.Sender{Store: s.db, Channel: tg, Limits: cfg.limits, Log: s.log}
	return tg, nil
}

// expireLoop ends questionnaires left idle past the limit, every ten minutes.
func (s *server) expireLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.engine.ExpireIdle(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("expire idle questionnaires", "err", err)
		} else if n > 0 {
			s.log.Info("expired idle questionnaires", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// botCommands is the command menu shown by Telegram, in each language.
func botCommands() map[string][]tgbotapi.BotCommand {
	cat := locales.MustLoad()
	out := map[string][]tgbotapi.BotCommand{}
	for _, lang := range locales.Languages {
		for _, c := range []struct{ name, key string }{{"menu", "cmd.menu"}, {"back", "cmd.back"}, {"cancel", "cmd.cancel"}, {"help", "cmd.help"}, {"lang", "cmd.lang"}} {
			out[lang] = append(out[lang], tgbotapi.BotCommand{Command: c.name, Description: cat.T(lang, c.key)})
		}
	}
	return out
}
