package server

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/platformtest"
	"sothon/setting"
)

// echo is a platform of the test's own: a webhook that takes a chat's
// text, and a channel that keeps what it is given to send.
type echo struct {
	mu   sync.Mutex
	sent []delivery.Outbound
}

func (e *echo) Name() string { return "echo" }

func (e *echo) Send(_ context.Context, out delivery.Outbound) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sent = append(e.sent, out)
	return "1", nil
}

func (e *echo) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.sent)
}

// A platform is its registration alone: its setting turns it on, the
// server starts it, mounts its webhook under its name and sends its
// replies, with no switch anywhere to extend.
func TestAPlatformIsItsRegistration(t *testing.T) {
	t.Parallel()
	ch := &echo{}
	on := setting.String("SOTHON_ECHO_ON", "", "turns the echo platform on")
	p := delivery.Platform{Name: "echo", Title: "Echo", Settings: []*setting.Spec{on.Spec},
		On: func(v setting.Values) (bool, error) { return on.In(v) != "", nil },
		Start: func(_ context.Context, h *delivery.Host, _ setting.Values) (*delivery.Started, error) {
			hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				in := bot.Inbound{Channel: "echo", ChatID: "c1", MessageID: "m1", Text: r.FormValue("text"), At: time.Now()}
				if err := h.Accept(r.Context(), in); err != nil {
					http.Error(w, err.Error(), http.StatusServiceUnavailable)
				}
			})
			return &delivery.Started{Channel: ch, Webhook: hook}, nil
		}}
	platforms := []delivery.Platform{p}
	if _, err := readConfig(envOf(nil), nil, platforms); err == nil || !strings.Contains(err.Error(), "set SOTHON_ECHO_ON (Echo)") {
		t.Fatalf("without its setting: %v", err)
	}
	env := map[string]string{"SOTHON_ECHO_ON": "yes", "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *"}
	cfg, err := readConfig(envOf(env), nil, platforms)
	if err != nil {
		t.Fatal(err)
	}
	tune(&cfg)
	ctx, cancel := context.WithCancel(context.Background())
	db, err := openTestDB(ctx, filepath.Join(t.TempDir(), "sothon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	forms, _ := testForms()
	loc, _ := testLoc()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, Parts{DB: db, Forms: forms, Loc: loc, Log: cfg.Logger(logs)}) }()
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(logs.String(), "sothon serving") }) {
		t.Fatalf("no start:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `channels="echo (webhook)"`) {
		t.Errorf("the log does not name the platform:\n%s", logs.String())
	}
	addr := servingAddr.FindStringSubmatch(logs.String())[1]
	resp, err := http.PostForm("http://"+addr+"/webhook/echo", url.Values{"text": {"xin chào"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", err, resp)
	}
	resp.Body.Close()
	if !platformtest.WaitFor(10*time.Second, func() bool { return ch.count() > 0 }) {
		t.Fatalf("no reply went out through the platform:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
