package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
	"sothon/store/links"
)

// A webhook client that trickles its request, or presents a wrong secret,
// cannot hold a connection: real slow connections on loopback.
func TestSlowAndRefusedClientsAreCutOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_TELEGRAM_WEBHOOK_URL"] = "https://sothon.example/webhook/telegram"
	h.env["SOTHON_TELEGRAM_WEBHOOK_SECRET"] = "s3cret-token_value"
	h.env["SOTHON_HTTP_TIMEOUT"] = "300ms"
	h.sources = nil
	h.start()
	post := func(secret string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		// Headers promise 100 bytes; one comes.
		io.WriteString(conn, "POST /webhook/telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
			"X-Telegram-Bot-Api-Secret-Token: "+secret+"\r\nContent-Length: 100\r\n\r\n{")
		return conn
	}
	// A wrong secret is answered at once, unread, and the connection closed.
	wrong := post("nope")
	wrong.SetReadDeadline(time.Now().Add(5 * time.Second)) // a failsafe, not a wait
	resp, err := http.ReadResponse(bufio.NewReader(wrong), nil)
	if err != nil || resp.StatusCode != 401 || !resp.Close {
		t.Fatalf("wrong secret: %v %+v", err, resp)
	}
	// The right secret with a trickled body: cut off after the read timeout.
	slow := post("s3cret-token_value")
	slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	rest, err := io.ReadAll(slow)
	if err != nil {
		t.Fatalf("the slow connection was not closed by the server: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the slow connection was held %v", took)
	}
	if len(rest) > 0 && !strings.HasPrefix(string(rest), "HTTP/1.1 4") {
		t.Errorf("the slow request got %q", rest)
	}
	// Still serving others.
	r, err := http.Get("http://" + addr + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz after slow clients: %v", err)
	}
	r.Body.Close()
}

// A stop while the Bot API cannot be reached at start-up is a clean stop:
// prompt, and exit 0.
func TestStopWhileStartingIsClean(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fake.Close() // getMe fails until the stop
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServer(ctx, h.getenv, h.logs, nil) }()
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(h.logs.String(), "cannot reach the Bot API") }) {
		t.Fatalf("no retry logged:\n%s", h.logs.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stop while starting: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop within 5 s")
	}
}

// A platform that hangs cannot hold a stop: sends end with it.
func TestStopWithAHangingPlatform(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	h.fake.Script("sendMessage", telegramtest.Reply{Status: 200, Delay: time.Minute})
	h.fake.Say(chat, "/help")
	if !h.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool { return h.fake.Unconfirmed() == 0 }) {
		t.Fatal("the update was not taken")
	}
	start := time.Now()
	h.stop() // fails the test past 5 s
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("stop took %v", took)
	}
}

// /web in the chat gives a one-time link to the console the server serves,
// sent with link previews off. Opening the link (as a preview would) shows
// a page and spends nothing; its button logs in.
func TestConsoleLoginFromChat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_PUBLIC_URL"] = "http://" + addr
	code := h.invite("official", "bac-kan/huyen-tung")
	h.start()
	h.say(801, "/start "+code)
	reply := h.say(801, "/web")
	if reply.Params["disable_web_page_preview"] != "true" {
		t.Errorf("the link was sent with previews on: %v", reply.Params)
	}
	link := regexp.MustCompile(`http://\S+/login/[0-9a-f]+`).FindString(reply.Params["text"])
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(body)
	}
	for range 2 { // a preview, then the official
		if status, body := page(browser.Get(link)); status != 200 || !strings.Contains(body, "Đăng nhập") {
			t.Fatalf("the page of the link %q: %d\n%s", link, status, body)
		}
	}
	status, body := page(browser.Post(link, "application/x-www-form-urlencoded", nil))
	if status != 200 || !strings.Contains(body, "Phường Huyền Tụng") {
		t.Fatalf("the console after the button: %d\n%s", status, body)
	}
}

// With no chat platform but a public address, serve runs the console alone
// and says so.
func TestConsoleAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	delete(h.env, "SOTHON_TELEGRAM_TOKEN")
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_PUBLIC_URL"] = "http://" + addr
	h.start()
	if !strings.Contains(h.logs.String(), "serving the office console only") {
		t.Errorf("serve did not say it serves the console alone:\n%s", h.logs.String())
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the console without a session: %v %v", resp, err)
	}
	resp.Body.Close()
}

// With a public address, /healthz names the instance by a digest of a key
// the database keeps, so that `sothon doctor` can tell the address reaches
// this server; the digest is not the key, and without the address there is
// none.
func TestHealthNamesTheInstance(t *testing.T) {
	t.Parallel()
	instance := func(addr string) string {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var health struct{ Instance string }
		if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
			t.Fatal(err)
		}
		return health.Instance
	}
	h := newHarness(t)
	h.start()
	if got := instance(h.addr); got != "" {
		t.Errorf("an instance without a public address: %q", got)
	}
	h.stop()
	h.env["SOTHON_PUBLIC_URL"] = "https://sothon.example.vn"
	h.start()
	want, err := InstanceID(context.Background(), h.db)
	secret, _ := h.db.Setting(context.Background(), links.KeySetting)
	if err != nil || len(want) != 16 || secret == "" || strings.Contains(secret, want) {
		t.Fatalf("InstanceID = %q, %v (key %d long)", want, err, len(secret))
	}
	if got := instance(h.addr); got != want {
		t.Errorf("/healthz names instance %q, the database %q", got, want)
	}
}
