package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/spf13/cobra"
	"golang.org/x/net/netutil"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/jobs"
	"sothon/bot/telegram"
	"sothon/console"
	"sothon/locales"
	"sothon/store"
)

// serveConfig is what `sothon serve` reads from flags and the environment.
type serveConfig struct {
	*common
	addr                   string
	runTTL                 time.Duration
	digestCron, remindCron string
	backupDir, backupCron  string
	httpTimeout            time.Duration // for reading a request; writing and idling get multiples
	publicURL              string        // where the server is reached from outside, for file links
	countBasis             string        // what the official list counts: store.CountApproved, CountAll or "" (auto)
	logLevel               slog.Level
	logJSON                bool
	telegram               telegramConfig
	zaloBot                zaloBotConfig
	zaloOA                 zaloOAConfig
}

type telegramConfig struct {
	token, api, webhookURL, webhookSecret string
	limits                                delivery.Limits
}

func newServeCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the bot on the configured chat platforms",
		Long:  "Run the bot on every configured chat platform (Telegram, Zalo Bot, Zalo OA; see docs/DEPLOY.md for their SOTHON_* settings), with /healthz and the webhooks on --addr.",
		Args:  noWords,
	}
	f := cmd.Flags()
	addr := f.String("addr", envOr(e, "SOTHON_ADDR", "127.0.0.1:8080"), "HTTP address for /healthz and webhooks (SOTHON_ADDR)")
	ttl := f.Duration("run-ttl", 0, "how long an unanswered questionnaire is kept (SOTHON_RUN_TTL, default 72h)")
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		runTTL, err := runTTL(e, cmd, *ttl)
		if err != nil {
			return err
		}
		cfg, err := readServe(e, c, *addr, runTTL)
		if err != nil {
			return err
		}
		return serve(cmd.Context(), e, cfg)
	}
	return cmd
}

func serve(ctx context.Context, e *env, cfg serveConfig) error {
	log := newLogger(e.stderr, cfg.logLevel, cfg.logJSON)
	w, err := cfg.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.db.Close()
	// Kept in the file, so that the commands run beside the server count
	// the official list the same way.
	if err := w.db.SetSetting(ctx, store.SettingCountBasis, cfg.countBasis); err != nil {
		return err
	}
	loc, forms, db := w.loc, w.forms, w.db
	s := &server{db: db, log: log, senders: map[string]*delivery.Sender{},
		console: &console.Console{Store: db, Forms: forms, Catalog: locales.MustLoad(), Location: loc, Secure: strings.HasPrefix(cfg.publicURL, "https://"),
			Log: component(log, "console"), InviteLink: telegram.InviteLinks(db), Uploads: db.Path() + ".uploads"}}
	now := func() time.Time { return time.Now().In(loc) }
	cat := locales.MustLoad()
	ec := w.engineConfig(cat, cfg.runTTL, log, cfg.publicURL)
	ec.Notify = s.queued
	s.engine = bot.New(ec)
	weekly := &jobs.Weekly{Store: db, Forms: forms, Catalog: cat, Now: now, Notify: s.queued, Log: log}
	s.schedule = &jobs.Schedule{Store: db, Loc: loc, Now: now, Log: log}
	if err := s.schedule.Add("digest", cfg.digestCron, func(ctx context.Context) error {
		areas, err := db.Areas(ctx)
		if err != nil || len(areas) == 0 {
			return err
		}
		_, err = weekly.SendDigests(ctx, areas[0].ID)
		return err
	}); err != nil {
		return usageError{"SOTHON_DIGEST_CRON: " + err.Error()}
	}
	if err := s.schedule.Add("remind", cfg.remindCron, func(ctx context.Context) error {
		_, err := weekly.SendReminders(ctx)
		return err
	}); err != nil {
		return usageError{"SOTHON_REMIND_CRON: " + err.Error()}
	}
	if cfg.backupDir != "" {
		if err := s.schedule.Add("backup", cfg.backupCron, func(ctx context.Context) error { return s.backup(ctx, cfg.backupDir) }); err != nil {
			return usageError{"SOTHON_BACKUP_CRON: " + err.Error()}
		}
	}
	stopAdmin, err := s.serveAdmin(ctx, e)
	if err != nil {
		return err
	}
	defer stopAdmin()
	err = s.run(ctx, cfg)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil // stopped while starting: a clean stop like any other
	}
	return err
}

// readServe gathers the server's settings: flags, then the environment.
func readServe(e *env, shared *common, addr string, runTTL time.Duration) (serveConfig, error) {
	c := serveConfig{common: shared, addr: addr, runTTL: runTTL}
	var err error
	c.digestCron = envOr(e, "SOTHON_DIGEST_CRON", jobs.DefaultDigestCron)
	c.remindCron = envOr(e, "SOTHON_REMIND_CRON", jobs.DefaultRemindCron)
	c.backupDir = e.getenv("SOTHON_BACKUP_DIR")
	switch c.countBasis = e.getenv("SOTHON_COUNT"); c.countBasis {
	case "", "auto":
		c.countBasis = ""
	case store.CountApproved, store.CountAll:
	default:
		return c, usageError{fmt.Sprintf("SOTHON_COUNT=%q: use approved, all or auto", c.countBasis)}
	}
	c.backupCron = envOr(e, "SOTHON_BACKUP_CRON", "0 2 * * *")
	if c.publicURL = strings.TrimRight(e.getenv("SOTHON_PUBLIC_URL"), "/"); c.publicURL != "" {
		if u, err := url.Parse(c.publicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, usageError{fmt.Sprintf("SOTHON_PUBLIC_URL=%q: use the server's public address, e.g. https://sothon.example.vn", c.publicURL)}
		}
	}
	if c.logLevel, c.logJSON, err = logSettings(e); err != nil {
		return c, err
	}
	if c.httpTimeout, err = envDuration(e, "SOTHON_HTTP_TIMEOUT", 10*time.Second); err != nil || c.httpTimeout <= 0 {
		return c, usageError{"SOTHON_HTTP_TIMEOUT: use a positive duration such as 10s"}
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, usageError{fmt.Sprintf("--addr %q: use HOST:PORT", c.addr)}
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
	if tg.limits, err = limitsFromEnv(e, "SOTHON_TELEGRAM", delivery.DefaultLimits); err != nil {
		return c, err
	}
	if err := c.zaloBot.read(e); err != nil {
		return c, err
	}
	if err := c.zaloOA.read(e); err != nil {
		return c, err
	}
	if tg.token == "" && c.zaloBot.token == "" && c.zaloOA.appID == "" && c.publicURL == "" {
		return c, usageError{"no chat channel configured: set SOTHON_TELEGRAM_TOKEN (the token BotFather gave you), SOTHON_ZALO_BOT_TOKEN, or the SOTHON_ZALO_OA_* settings (any secret may come from a *_FILE variable instead); or SOTHON_PUBLIC_URL alone to serve the office console only; see docs/DEPLOY.md"}
	}
	return c, nil
}

// limitsFromEnv reads PREFIX_RATE (messages a second for the bot) and
// PREFIX_CHAT_RATE (for one chat).
func limitsFromEnv(e *env, prefix string, defaults delivery.Limits) (delivery.Limits, error) {
	l := defaults
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

// maxConns bounds the HTTP connections served at once, far above what the
// platforms open, far below the file descriptors a process gets.
const maxConns = 512

// server runs the channels, the engine's workers and the HTTP endpoints.
type server struct {
	db         *store.DB
	engine     *bot.Engine
	log        *slog.Logger
	receiver   *delivery.Receiver
	senders    map[string]*delivery.Sender
	schedule   *jobs.Schedule
	requestCtx context.Context // ends the platforms' requests, a few seconds into a stop
	console    *console.Console
	link       delivery.Linker // files behind links, for Zalo; nil without a public address
	fileSecret []byte          // signs those links
}

// queued hands committed replies to the senders of their channels.
func (s *server) queued(msgs []store.Message) {
	for _, snd := range s.senders {
		snd.Enqueue(msgs)
	}
}

// waiting counts the replies queued for a chat, for the receiver's bound.
// The senders are all started before the first update comes in.
func (s *server) waiting(channel, chatID string) int {
	if snd := s.senders[channel]; snd != nil {
		return snd.Queued(chatID)
	}
	return 0
}

// channel is one started chat platform: its sender, and how it receives.
type channel struct {
	name    string
	sender  *delivery.Sender
	webhook http.Handler // mounted at /webhook/<name> when set
	poll    func(ctx context.Context, accept func(context.Context, ...bot.Inbound) error) error
}

// stopTimes are the waits of a clean stop: sending goes on for send after
// the last updates are handled (the outbox keeps the rest), and requests
// in flight and HTTP clients are cut off after requests. The tests of this
// package shorten them once, in TestMain; a server keeps these values.
var stopTimes = struct{ send, requests time.Duration }{send: time.Second, requests: 3 * time.Second}

// sendBackoff is the senders' wait after a failed send; nil keeps the
// delivery package's own (one second, doubling). Tests shorten it.
var sendBackoff func(attempt int) time.Duration

// run starts everything and, when ctx ends, stops in order: receiving,
// the updates in hand, sending (the outbox keeps the rest), the database.
func (s *server) run(ctx context.Context, cfg serveConfig) error {
	s.receiver = &delivery.Receiver{Engine: s.engine, Store: s.db, Workers: 64, Log: component(s.log, "receiver"),
		Answerers: map[string]delivery.CallbackAnswerer{}, Outbox: s.waiting}
	// Sending outlives ctx a moment, for the replies to the last updates.
	sendCtx, stopSending := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSending()
	// A request in flight is let finish for a while after sending stops: one
	// cut off after the platform took it would be sent again next time.
	requestCtx, stopRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRequests()
	s.requestCtx = requestCtx
	var err error
	if s.link, err = s.linker(ctx, cfg.publicURL); err != nil {
		return err
	}
	channels, err := s.startChannels(ctx, cfg)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /files/{id}", s.serveFile)
	mux.Handle("/", s.console.Handler())
	for _, ch := range channels {
		if ch.webhook != nil {
			mux.Handle("/webhook/"+ch.name, ch.webhook)
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	// A platform's POST is a few kilobytes sent at once: a client that
	// trickles its request, or keeps idle connections, is cut off, and no
	// more than maxConns connections are served at a time.
	ln = netutil.LimitListener(ln, maxConns)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: cfg.httpTimeout, ReadTimeout: cfg.httpTimeout,
		WriteTimeout: 3 * cfg.httpTimeout, IdleTimeout: 6 * cfg.httpTimeout, MaxHeaderBytes: 16 << 10}
	var receiving, sending sync.WaitGroup
	for _, ch := range channels {
		sending.Add(1)
		go func() { defer sending.Done(); ch.sender.Run(sendCtx) }()
		if ch.poll != nil {
			receiving.Add(1)
			go func() { defer receiving.Done(); ch.poll(ctx, s.receiver.Accept) }()
		}
	}
	receiving.Add(3)
	go func() { defer receiving.Done(); s.receiver.Run(ctx) }()
	go func() { defer receiving.Done(); s.housekeeping(ctx) }()
	go func() { defer receiving.Done(); s.schedule.CatchUp(ctx) }()
	waitJobs := s.schedule.Start(ctx)
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "err", err)
		}
	}()
	names := make([]string, len(channels))
	for i, ch := range channels {
		names[i] = ch.name
		if ch.poll == nil {
			names[i] += " (webhook)"
		}
	}
	if len(names) == 0 {
		s.log.Warn("no chat platform configured: serving the office console only")
	}
	s.log.Info("sothon serving", "addr", ln.Addr().String(), "channels", strings.Join(names, ", "))

	<-ctx.Done()
	s.log.Info("shutting down")
	time.AfterFunc(stopTimes.requests, stopRequests) // whatever the platforms do, within the 5 s of a stop
	shutdown, cancel := context.WithTimeout(context.Background(), stopTimes.requests)
	defer cancel()
	srv.Shutdown(shutdown)
	receiving.Wait()
	waitJobs()
	// A moment for the replies to the last updates, then the outbox keeps the rest.
	time.AfterFunc(stopTimes.send, stopSending)
	sending.Wait()
	return nil
}

// startChannels starts every configured platform.
func (s *server) startChannels(ctx context.Context, cfg serveConfig) ([]channel, error) {
	var out []channel
	for _, start := range []func(context.Context, serveConfig) (*channel, error){s.startTelegram, s.startZaloBot, s.startZaloOA} {
		ch, err := start(ctx, cfg)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			s.senders[ch.name] = ch.sender
			out = append(out, *ch)
		}
	}
	return out, nil
}

func (s *server) startTelegram(ctx context.Context, all serveConfig) (*channel, error) {
	cfg := all.telegram
	if cfg.token == "" {
		return nil, nil
	}
	if cfg.webhookURL != "" && cfg.webhookSecret == "" {
		var err error
		if cfg.webhookSecret, err = s.storedSecret(ctx, "telegram_webhook_secret"); err != nil {
			return nil, err
		}
	}
	tg, err := telegram.New(telegram.Config{Token: cfg.token, APIBase: cfg.api, WebhookURL: cfg.webhookURL,
		WebhookSecret: cfg.webhookSecret, Commands: s.botCommands(), Context: s.requestCtx, Log: component(s.log, telegram.Name)})
	if err != nil {
		return nil, err
	}
	if err := tg.Start(ctx); err != nil {
		return nil, err
	}
	if err := s.db.SetSetting(ctx, telegram.SettingUsername, tg.Username()); err != nil {
		return nil, err
	}
	s.receiver.Answerers[telegram.Name] = tg
	ch := &channel{name: telegram.Name, sender: &delivery.Sender{Store: s.db, Channel: tg, Limits: cfg.limits, Backoff: sendBackoff, Log: component(s.log, "sender."+telegram.Name)}}
	if cfg.webhookURL != "" {
		ch.webhook = tg.Webhook(s.receiver.Accept)
	} else {
		ch.poll = func(ctx context.Context, accept func(context.Context, ...bot.Inbound) error) error {
			return tg.Poll(ctx, accept)
		}
	}
	return ch, nil
}

// storedSecret returns a secret kept in the database, made on first use,
// so that a webhook's secret survives restarts.
func (s *server) storedSecret(ctx context.Context, key string) (string, error) {
	stored, err := s.db.Setting(ctx, key)
	if err != nil || stored != "" {
		return stored, err
	}
	stored = telegram.NewSecret()
	return stored, s.db.SetSetting(ctx, key, stored)
}

// botCommands is the command menu shown by Telegram, in each language.
func (s *server) botCommands() map[string][]tgbotapi.BotCommand {
	out := map[string][]tgbotapi.BotCommand{}
	for _, lang := range locales.Languages {
		for _, c := range s.engine.CommandMenu(lang) {
			out[lang] = append(out[lang], tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
		}
	}
	return out
}

// health answers GET /healthz: the server is up, with how many updates it
// has taken in, how many it dropped (bursts past a chat's bound, strangers
// past theirs), and what waits in the inbox and the outbox.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	inbox, outbox, err := s.db.Queues(r.Context())
	if err != nil {
		s.log.Error("health", "err", err)
		http.Error(w, `{"status":"store unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "received": s.receiver.Accepted(), "dropped": s.receiver.Dropped(),
		"inbox": inbox, "outbox": outbox})
}
