package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
	"sothon/store"
	"sothon/tree"
)

// tune shortens a test server's waits: a clean stop waits for these, and
// the tests that need the replies out settle before they stop; a failed
// send is tried again after 50 ms, doubling, not after a second.
func tune(c *Config) {
	c.StopSend, c.StopRequests = 50*time.Millisecond, 500*time.Millisecond
	c.SendBackoff = func(attempt int) time.Duration { return min(50*time.Millisecond<<min(attempt, 9), 5*time.Second) }
}

// The questionnaires and the office's time zone, loaded once for every test.
var (
	testForms = sync.OnceValues(flows.Default)
	testLoc   = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation("Asia/Ho_Chi_Minh") })
)

// openTestDB opens the database file with the built-in area tree, as the
// command line's openWorld does.
func openTestDB(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(path)
	if err != nil {
		return nil, err
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil && !errors.Is(err, store.ErrAreasReorganised) {
		db.Close()
		return nil, err
	}
	return db, nil
}

// runServer runs a server until ctx ends with the settings getenv gives,
// on the database file SOTHON_DB names; opened, if not nil, is told the
// open database before the server starts.
func runServer(ctx context.Context, getenv func(string) string, logs io.Writer, opened func(*store.DB)) error {
	run, db, err := prepareServer(ctx, getenv, logs)
	if err != nil {
		return err
	}
	defer db.Close()
	if opened != nil {
		opened(db)
	}
	return run(ctx)
}

// prepareServer does all that runServer does before the server runs: the
// settings read, the questionnaires loaded, the file opened. The caller
// runs the server with run and closes db after it.
func prepareServer(ctx context.Context, getenv func(string) string, logs io.Writer) (run func(context.Context) error, db *store.DB, err error) {
	cfg, err := ReadConfig(getenv, nil)
	if err != nil {
		return nil, nil, err
	}
	tune(&cfg)
	forms, err := testForms()
	if err != nil {
		return nil, nil, err
	}
	loc, err := testLoc()
	if err != nil {
		return nil, nil, err
	}
	if db, err = openTestDB(ctx, getenv("SOTHON_DB")); err != nil {
		return nil, nil, err
	}
	parts := Parts{DB: db, Forms: forms, Loc: loc, Log: cfg.Logger(logs)}
	return func(ctx context.Context) error { return Run(ctx, cfg, parts) }, db, nil
}

func freePort(t testing.TB) string { return platformtest.FreeAddr(t) }

const testToken = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"

// syncBuffer collects a server's log for the token check.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs a server in this process against a fake Bot API, as
// `sothon serve` would with the settings in env.
type harness struct {
	t      *testing.T
	fake   *telegramtest.Server
	dbPath string
	env    map[string]string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
	db     *store.DB // the running server's database; nil when stopped
	starts int       // how many times the server has started
	addr   string    // where the running server listens
	// sources are the fake platforms' queues of updates not yet taken.
	sources []interface{ Unconfirmed() int }
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, fake: telegramtest.New(testToken), dbPath: filepath.Join(t.TempDir(), "sothon.db"), logs: &syncBuffer{}}
	h.sources = append(h.sources, h.fake)
	// The weekly jobs' slots are moved to the last minute of the year: at
	// start the server runs a slot of today that has passed, and on a
	// Monday the default digest would reach a test's officials beside
	// what the test asks for.
	h.env = map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": h.fake.URL,
		"SOTHON_ADDR": "127.0.0.1:0", "SOTHON_DB": h.dbPath, "SOTHON_TELEGRAM_CHAT_RATE": "1000",
		"SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *", "SOTHON_REVIEW_CRON": "59 23 31 12 *"}
	t.Cleanup(func() {
		h.stop()
		h.fake.Close()
		logs := h.logs.String()
		for k, v := range h.env {
			secretish := strings.Contains(k, "TOKEN") || strings.Contains(k, "SECRET")
			if secretish && !strings.HasSuffix(k, "_API") && v != "" && strings.Contains(logs, v) {
				t.Errorf("%s appears in the server's log:\n%s", k, logs)
			}
		}
		if strings.Contains(logs, "TEST-token") || strings.Contains(logs, "zalo-secret-TOKEN") {
			t.Errorf("a token appears in the server's log:\n%s", logs)
		}
	})
	return h
}

func (h *harness) getenv(k string) string { return h.env[k] }

func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- runServer(ctx, h.getenv, h.logs, func(db *store.DB) { h.db = db }) }()
	// The server logs "sothon serving" once its channels are set up and
	// its HTTP listener is open.
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Count(h.logs.String(), "sothon serving") > h.starts }) {
		h.t.Fatalf("serve did not start:\n%s", h.logs.String())
	}
	h.starts++
	addrs := servingAddr.FindAllStringSubmatch(h.logs.String(), -1)
	h.addr = addrs[len(addrs)-1][1]
}

var servingAddr = regexp.MustCompile(`msg="sothon serving" addr=(\S+)`)

// settle waits until the server has taken every update the platforms hold,
// handled them all and delivered every reply: the state a test can count on.
func (h *harness) settle() {
	h.t.Helper()
	if !platformtest.WaitFor(10*time.Second, h.idle) {
		h.t.Fatalf("the server did not settle; log:\n%s", h.logs.String())
	}
}

func (h *harness) idle() bool {
	for _, s := range h.sources {
		if s.Unconfirmed() > 0 {
			return false
		}
	}
	resp, err := http.Get("http://" + h.addr + "/healthz")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var health struct{ Inbox, Outbox int }
	return json.NewDecoder(resp.Body).Decode(&health) == nil && health.Inbox == 0 && health.Outbox == 0
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatal("serve did not stop within 5 s")
	}
	h.cancel, h.db = nil, nil
}

// invite makes an invite code for role in area, through the running
// server's database or, when stopped, the file's.
func (h *harness) invite(role, area string) string {
	h.t.Helper()
	ctx := context.Background()
	db := h.db
	if db == nil {
		var err error
		if db, err = openTestDB(ctx, h.dbPath); err != nil {
			h.t.Fatal(err)
		}
		defer db.Close()
	}
	inv, err := db.IssueInvite(ctx, store.InviteRequest{Role: role, AreaID: area, Name: "Hoàng Văn Thắng", By: "terminal", Now: time.Now()})
	if err != nil {
		h.t.Fatal(err)
	}
	return inv.Code
}

// sentTo lists the successful sendMessage calls to a chat.
func (h *harness) sentTo(chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.fake.Delivered() {
		if c.Params["chat_id"] == strconv.FormatInt(chat, 10) {
			out = append(out, c)
		}
	}
	return out
}

// say sends a user's text and waits for the bot's next message to the chat.
func (h *harness) say(chat int64, text string) telegramtest.Call {
	h.t.Helper()
	before := len(h.sentTo(chat))
	h.fake.Say(chat, text)
	return h.waitMessage(chat, before, text)
}

func (h *harness) waitMessage(chat int64, before int, what string) telegramtest.Call {
	h.t.Helper()
	if !h.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool { return len(h.sentTo(chat)) > before }) {
		h.t.Fatalf("no reply to %q; log:\n%s", what, h.logs.String())
	}
	// Replies of one turn may be several messages: wait until all are out.
	h.settle()
	sent := h.sentTo(chat)
	return sent[len(sent)-1]
}

// press taps the button whose label contains label on the bot's last
// keyboard in the chat and waits for the next message: a button of the
// message's own (inline) keyboard sends its data, one of the chat's
// keyboard sends its label as a message, as the Telegram app does.
func (h *harness) press(chat int64, label string) telegramtest.Call {
	h.t.Helper()
	sent := h.sentTo(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		labels, data := sent[i].Keyboard()
		own, _ := sent[i].ChatKeyboard()
		if len(labels) == 0 && len(own) == 0 {
			continue
		}
		for j, l := range labels {
			if strings.Contains(l, label) {
				return h.pressData(chat, sent[i].MessageID, data[j], true)
			}
		}
		for _, l := range own {
			if strings.Contains(l, label) {
				return h.say(chat, l)
			}
		}
		h.t.Fatalf("no button %q in %v%v", label, labels, own)
	}
	h.t.Fatalf("no keyboard in chat %d", chat)
	return telegramtest.Call{}
}

func (h *harness) pressData(chat int64, msgID int, data string, wantMessage bool) telegramtest.Call {
	h.t.Helper()
	before, acks := len(h.sentTo(chat)), len(h.fake.Calls("answerCallbackQuery"))
	h.fake.Press(chat, msgID, data)
	if !h.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool { return len(h.fake.Calls("answerCallbackQuery")) > acks }) {
		h.t.Fatalf("button press %q not acknowledged", data)
	}
	if !wantMessage {
		h.settle() // the press's edits are out too
		return h.fake.Calls("answerCallbackQuery")[acks]
	}
	return h.waitMessage(chat, before, data)
}
