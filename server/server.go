package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/jobs"
	"sothon/bot/telegram"
	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/links"
)

// Parts are what a server runs on, opened by the caller, which closes the
// database after Run returns.
type Parts struct {
	DB    *store.DB
	Forms *flows.Set
	Loc   *time.Location
	Log   *slog.Logger
	// Admin runs the office's commands sent through the admin socket; nil
	// opens no socket.
	Admin AdminFunc
}

// maxConns bounds the HTTP connections served at once, far above what the
// platforms open, far below the file descriptors a process gets.
const maxConns = 512

// server runs the channels, the engine's workers and the HTTP endpoints.
type server struct {
	cfg        Config
	db         *store.DB
	engine     *bot.Engine
	log        *slog.Logger
	receiver   *delivery.Receiver
	senders    map[string]*delivery.Sender
	schedule   *jobs.Schedule
	requestCtx context.Context // ends the platforms' requests, a few seconds into a stop
	console    *console.Console
	link       delivery.Linker // files behind links, for Zalo; nil without a public address
	signer     links.Signer    // signs those links and the photos' in exports; no key without a public address
}

// Run serves until ctx ends, then stops in order: receiving, the updates
// in hand, the jobs, sending (the outbox keeps the rest). A stop while
// starting is a clean stop like any other.
func Run(ctx context.Context, cfg Config, p Parts) error {
	log, db, loc := p.Log, p.DB, p.Loc
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Kept in the file, so that the commands run beside the server count
	// the official list the same way.
	if err := db.SetSetting(ctx, store.SettingCountBasis, cfg.Count); err != nil {
		return err
	}
	// The office reads the posting's calendar from the file too.
	if err := db.SetSetting(ctx, store.SettingPostingDays, strconv.Itoa(cmp.Or(cfg.PostingDays, store.DefaultPostingDays))); err != nil {
		return err
	}
	if err := db.SetSetting(ctx, store.SettingHolidays, cfg.Holidays); err != nil {
		return err
	}
	cat := locales.MustLoad()
	s := &server{cfg: cfg, db: db, log: log, senders: map[string]*delivery.Sender{},
		console: &console.Console{Store: db, Forms: p.Forms, Catalog: cat, Location: loc, Secure: strings.HasPrefix(cfg.PublicURL, "https://"),
			Log: component(log, "console"), InviteLink: telegram.InviteLinks(db), Uploads: db.Path() + ".uploads", PublicURL: cfg.PublicURL}}
	now := func() time.Time { return cfg.now().In(loc) }
	s.console.Now, s.console.Notify = cfg.now, s.queued
	ec := EngineConfig(db, p.Forms, now, cat, cfg.RunTTL, log, cfg.PublicURL)
	ec.Notify = s.queued
	s.engine = bot.New(ec)
	if err := s.scheduleJobs(p, cat, now); err != nil {
		return err
	}
	if p.Admin != nil {
		stopAdmin, err := s.serveAdmin(p.Admin)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}
	err := s.run(ctx)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// scheduleJobs adds the weekly digest and reminders, and the nightly
// backup when there is a folder for it.
func (s *server) scheduleJobs(p Parts, cat *locales.Catalog, now func() time.Time) error {
	db, cfg := s.db, s.cfg
	weekly := &jobs.Weekly{Store: db, Forms: p.Forms, Catalog: cat, Now: now, Notify: s.queued, Log: s.log}
	s.schedule = &jobs.Schedule{Store: db, Loc: p.Loc, Now: now, Log: s.log}
	type job struct {
		name, spec string
		run        func(context.Context) error
	}
	todo := []job{
		{"digest", cfg.DigestCron, func(ctx context.Context) error {
			areas, err := db.Areas(ctx)
			if err != nil || len(areas) == 0 {
				return err
			}
			_, err = weekly.SendDigests(ctx, areas[0].ID)
			return err
		}},
		{"remind", cfg.RemindCron, func(ctx context.Context) error {
			_, err := weekly.SendReminders(ctx)
			return err
		}},
		{"review", cmp.Or(cfg.ReviewCron, jobs.DefaultReviewCron), func(ctx context.Context) error {
			_, err := weekly.SendReviewReminders(ctx)
			return err
		}},
	}
	if cfg.BackupDir != "" && cfg.BackupCron != BackupOff {
		todo = append(todo, job{"backup", cfg.BackupCron, func(ctx context.Context) error { return s.backup(ctx, cfg.BackupDir) }})
	}
	for _, j := range todo {
		if err := s.schedule.Add(j.name, j.spec, j.run); err != nil {
			return err
		}
	}
	return nil
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

func (s *server) run(ctx context.Context) error {
	cfg := s.cfg
	// A worker handles one chat's update at a time, and most of that time
	// waits for the answer's commit, shared with others (~12 ms under a
	// flood): 64 workers capped the answers at ~5,000 a second while the
	// CPU had room. 256 did no better than 128, whose fewer reads side by
	// side cost a little less CPU (docs/BENCHMARKS.md).
	s.receiver = &delivery.Receiver{Engine: s.engine, Store: s.db, Workers: 128, Log: component(s.log, "receiver"),
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
	if s.link, err = s.linker(ctx, cfg.PublicURL); err != nil {
		return err
	}
	channels, err := s.startChannels(ctx)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /files/{id}", s.serveFile)
	mux.HandleFunc("GET /photos/{name}", s.servePhoto)
	mux.Handle("/", s.console.Handler())
	for _, ch := range channels {
		if ch.Webhook != nil {
			mux.Handle("/webhook/"+ch.name, ch.Webhook)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// A platform's POST is a few kilobytes sent at once: a client that
	// trickles its request, or keeps idle connections, is cut off, and no
	// more than maxConns connections are served at a time.
	ln = netutil.LimitListener(ln, maxConns)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: cfg.HTTPTimeout, ReadTimeout: cfg.HTTPTimeout,
		WriteTimeout: 3 * cfg.HTTPTimeout, IdleTimeout: 6 * cfg.HTTPTimeout, MaxHeaderBytes: 16 << 10}
	var receiving, sending sync.WaitGroup
	for _, ch := range channels {
		sending.Add(1)
		go func() { defer sending.Done(); ch.sender.Run(sendCtx) }()
		if ch.Poll != nil {
			receiving.Add(1)
			go func() { defer receiving.Done(); ch.Poll(ctx, s.receiver.Accept) }()
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
		if ch.Poll == nil {
			names[i] += " (webhook)"
		}
	}
	if len(names) == 0 {
		s.log.Warn("no chat platform configured: serving the office console only")
	}
	s.log.Info("sothon serving", "addr", ln.Addr().String(), "channels", strings.Join(names, ", "))

	<-ctx.Done()
	s.log.Info("shutting down")
	sendWait, requestWait := cfg.stopTimes()
	time.AfterFunc(requestWait, stopRequests) // whatever the platforms do, within the 5 s of a stop
	shutdown, cancel := context.WithTimeout(context.Background(), requestWait)
	defer cancel()
	srv.Shutdown(shutdown)
	receiving.Wait()
	waitJobs()
	// A moment for the replies to the last updates, then the outbox keeps the rest.
	time.AfterFunc(sendWait, stopSending)
	sending.Wait()
	return nil
}
