package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/zalo"
	"sothon/bot/zalo/zalotest"
	"sothon/store"
)

const zaloToken = "2233:zalo-secret-TOKEN"

// withZaloBot adds a Zalo Bot (polling) to a harness, without Telegram.
func withZaloBot(h *harness) *zalotest.Bot {
	zb := zalotest.NewBot(zaloToken)
	h.t.Cleanup(zb.Close)
	delete(h.env, "SOTHON_TELEGRAM_TOKEN")
	h.env["SOTHON_ZALO_BOT_TOKEN"] = zaloToken
	h.env["SOTHON_ZALO_BOT_API"] = zb.URL
	h.env["SOTHON_ZALO_BOT_CHAT_RATE"] = "1000"
	h.sources = append(h.sources, zb)
	return zb
}

// zaloSay sends a text on the Zalo Bot and waits for the bot's next message.
func (h *harness) zaloSay(zb *zalotest.Bot, chat, text string) string {
	h.t.Helper()
	before := len(zb.Sent(chat))
	zb.Say(chat, text)
	return h.zaloWait(zb, chat, before, text)
}

func (h *harness) zaloWait(zb *zalotest.Bot, chat string, before int, what string) string {
	h.t.Helper()
	if !zb.WaitFor(10*time.Second, func() bool { return len(zb.Sent(chat)) > before }) {
		h.t.Fatalf("no Zalo reply to %q", what)
	}
	h.settle()
	sent := zb.Sent(chat)
	return sent[len(sent)-1]
}

func TestZaloBotFullHousehold(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zb := withZaloBot(h)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	const chat = "zchat1"
	if m := h.zaloSay(zb, chat, "xin chào"); !strings.Contains(m, "MÃ-MỜI") {
		t.Fatalf("refusal: %q", m)
	}
	// The invite code alone, as the first message, joins.
	welcome := h.zaloSay(zb, chat, strings.ToLower(code))
	if !strings.Contains(welcome, "Chào mừng") || !strings.Contains(welcome, "\n1. Rà soát tình trạng hộ") {
		t.Fatalf("welcome with numbered menu: %q", welcome)
	}
	var last string
	for _, a := range platformtest.HouseholdAnswers {
		last = h.zaloSay(zb, chat, a)
	}
	if !strings.Contains(last, "Hộ nghèo") || !strings.Contains(last, "\n1. Gửi") {
		t.Fatalf("summary: %q", last)
	}
	if m := h.zaloSay(zb, chat, "1"); !strings.Contains(m, "Đã lưu phiếu") {
		t.Fatalf("submit: %q", m)
	}
	// Images and stickers get a polite word and change nothing.
	_, img := zb.Event(chat, "message.image.received", "")
	before := len(zb.Sent(chat))
	zb.Push(img)
	if m := h.zaloWait(zb, chat, before, "image"); !strings.Contains(m, "chỉ đọc được tin nhắn chữ") {
		t.Fatalf("image: %q", m)
	}
	// The same event twice is handled once.
	id, ev := zb.Event(chat, "message.text.received", "/help")
	before = len(zb.Sent(chat))
	zb.Push(ev)
	zb.Push(ev)
	h.zaloWait(zb, chat, before, "/help "+id)
	if n := len(zb.Sent(chat)) - before; n != 1 {
		t.Fatalf("a repeated event got %d replies", n)
	}
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	n := 0
	db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error {
		if s.Answers["class"] == "poor" && s.Answers["lacking"] == "3" {
			n++
		}
		return nil
	})
	if n != 1 {
		t.Fatalf("%d poor submissions stored, want 1", n)
	}
}

// oaHarness runs serve with a Zalo OA only.
func oaHarness(t *testing.T) (*harness, *zalotest.OA, string) {
	h := newHarness(t)
	oa := zalotest.NewOA("app-77", "app-secret-xyz", "first-refresh-token")
	t.Cleanup(oa.Close)
	addr := freePort(t)
	delete(h.env, "SOTHON_TELEGRAM_TOKEN")
	for k, v := range map[string]string{"SOTHON_ADDR": addr, "SOTHON_ZALO_OA_APP_ID": "app-77", "SOTHON_ZALO_OA_SECRET": "oa-secret-key",
		"SOTHON_ZALO_APP_SECRET": "app-secret-xyz", "SOTHON_ZALO_OA_REFRESH_TOKEN": "first-refresh-token",
		"SOTHON_ZALO_OA_API": oa.URL, "SOTHON_ZALO_OAUTH_API": oa.URL, "SOTHON_ZALO_OA_CHAT_RATE": "1000"} {
		h.env[k] = v
	}
	return h, oa, "http://" + addr + "/webhook/zalo-oa"
}

type oaEvents struct {
	t   *testing.T
	url string
	n   int
}

// send posts a signed user_send_text event and returns the HTTP status.
func (e *oaEvents) send(user, text, sig string) (int, string) {
	e.n++
	msgID := "84573910238475612" + strings.Repeat("0", 3) + string(rune('a'+e.n%26)) + time.Now().Format("150405.000000")
	body := `{"app_id":"app-77","event_name":"user_send_text","timestamp":"1700000000000","sender":{"id":"` + user +
		`"},"recipient":{"id":"oa1"},"message":{"text":` + quote(text) + `,"msg_id":"` + msgID + `"}}`
	if sig == "" {
		sig = zalo.Signature("app-77", []byte(body), "1700000000000", "oa-secret-key")
	}
	if sig == "none" {
		sig = ""
	}
	req, _ := http.NewRequest(http.MethodPost, e.url, strings.NewReader(body))
	if sig != "" {
		req.Header.Set("X-ZEvent-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, body
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (h *harness) oaSay(oa *zalotest.OA, ev *oaEvents, user, text string) string {
	h.t.Helper()
	before := len(oa.Sent(user))
	if code, _ := ev.send(user, text, ""); code != 200 {
		h.t.Fatalf("event %q: status %d", text, code)
	}
	if !oa.WaitFor(10*time.Second, func() bool { return len(oa.Sent(user)) > before }) {
		h.t.Fatalf("no OA reply to %q", text)
	}
	h.settle()
	sent := oa.Sent(user)
	return sent[len(sent)-1]
}

func TestZaloOAConversationWithTokenRefresh(t *testing.T) {
	t.Parallel()
	h, oa, url := oaHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	ev := &oaEvents{t: t, url: url}
	const user = "8457391023847561234" // beyond 2^53: must stay a string
	for _, tc := range []struct{ name, sig string }{{"missing", "none"}, {"wrong", "mac=deadbeef"}} {
		if code, _ := ev.send(user, "/start "+code, tc.sig); code != 401 {
			t.Fatalf("%s signature: %d", tc.name, code)
		}
	}
	if m := h.oaSay(oa, ev, user, "/start "+code); !strings.Contains(m, "Chào mừng") {
		t.Fatalf("welcome: %q", m)
	}
	for i, a := range platformtest.HouseholdAnswers {
		if i == 8 {
			oa.ExpireAccessTokens() // 25 hours pass mid-conversation
		}
		h.oaSay(oa, ev, user, a)
	}
	if m := h.oaSay(oa, ev, user, "1"); !strings.Contains(m, "Đã lưu phiếu") {
		t.Fatalf("submit: %q", m)
	}
	refreshes := oa.Calls("/v4/oa/access_token")
	if len(refreshes) != 2 || refreshes[1].Params["refresh_token"] != "refresh-1" {
		t.Fatalf("refreshes: %d", len(refreshes))
	}
	// A repeated event (same msg_id) is handled once.
	before := len(oa.Sent(user))
	_, body := ev.send(user, "/help", "")
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("X-ZEvent-Signature", zalo.Signature("app-77", []byte(body), "1700000000000", "oa-secret-key"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("repeat: %v %v", resp, err)
	}
	resp.Body.Close()
	if !oa.WaitFor(5*time.Second, func() bool { return len(oa.Sent(user)) > before }) {
		t.Fatal("no reply to the first of the repeated events")
	}
	h.settle()
	if n := len(oa.Sent(user)) - before; n != 1 {
		t.Fatalf("a repeated event got %d replies", n)
	}
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	raw, _ := db.Setting(context.Background(), "zalo_oa_tokens")
	if !strings.Contains(raw, "refresh-2") {
		t.Fatalf("the rotated refresh token is not stored: %s", raw)
	}
}

func TestZaloOARefusedRefreshKeepsMessagesUntilReauthorised(t *testing.T) {
	t.Parallel()
	h, oa, url := oaHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	ev := &oaEvents{t: t, url: url}
	const user = "555"
	h.oaSay(oa, ev, user, "/start "+code)
	oa.ExpireAccessTokens()
	oa.RefuseRefresh(true)
	before := len(oa.Sent(user))
	if code, _ := ev.send(user, "/help", ""); code != 200 {
		t.Fatal(code)
	}
	if !oa.WaitFor(5*time.Second, func() bool { return strings.Contains(h.logs.String(), "authorise the app again") }) {
		t.Fatalf("no clear error for the admin:\n%s", h.logs.String())
	}
	h.stop()
	// The admin authorises the app again and configures the new token.
	oa.RefuseRefresh(false)
	oa.Authorise("second-authorisation")
	h.env["SOTHON_ZALO_OA_REFRESH_TOKEN"] = "second-authorisation"
	h.start()
	if !oa.WaitFor(15*time.Second, func() bool { return len(oa.Sent(user)) > before }) {
		t.Fatalf("the kept reply never went out:\n%s", h.logs.String())
	}
	if got := oa.Sent(user); !strings.Contains(got[len(got)-1], "/back") {
		t.Fatalf("delivered: %q", got[len(got)-1])
	}
}

func TestZaloOAUnreachableUser(t *testing.T) {
	t.Parallel()
	h, oa, url := oaHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	ev := &oaEvents{t: t, url: url}
	const user = "777"
	h.oaSay(oa, ev, user, "/start "+code)
	oa.ScriptSend(`{"error":-230,"message":"User has not interacted with the OA in the last 7 days"}`)
	ev.send(user, "/help", "")
	if !oa.WaitFor(5*time.Second, func() bool { return strings.Contains(h.logs.String(), "user unreachable") }) {
		t.Fatalf("-230 was not taken as unreachable; log:\n%s", h.logs.String())
	}
	h.settle()
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	u, err := db.UserByIdentity(context.Background(), zalo.OAName, user)
	if err != nil || !u.Unreachable {
		t.Fatalf("user after -230: %+v, %v", u, err)
	}
}

func TestLinkTelegramAndZalo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zb := zalotest.NewBot(zaloToken)
	t.Cleanup(zb.Close)
	h.env["SOTHON_ZALO_BOT_TOKEN"] = zaloToken
	h.env["SOTHON_ZALO_BOT_API"] = zb.URL
	h.env["SOTHON_ZALO_BOT_CHAT_RATE"] = "1000"
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	const tg = 901
	h.say(tg, "/start "+code)
	h.say(tg, "1")
	h.say(tg, "2") // household 2 picked on Telegram
	m := h.say(tg, "/link")
	link := strings.Fields(strings.TrimPrefix(m.Params["text"], "Mã liên kết: "))[0]
	link = strings.TrimSuffix(link, ".")
	if got := h.zaloSay(zb, "zl", link); !strings.Contains(got, "Đã liên kết") {
		t.Fatalf("link on Zalo: %q", got)
	}
	// The questionnaire started on Telegram goes on from Zalo.
	// /menu asks before throwing it away; "2" goes on with it.
	if got := h.zaloSay(zb, "zl", "/menu"); !strings.Contains(got, "đang điền dở") || !strings.Contains(got, "2. Tiếp tục điền") {
		t.Fatalf("/menu on Zalo: %q", got)
	}
	if got := h.zaloSay(zb, "zl", "2"); !strings.Contains(got, "nhân khẩu") {
		t.Fatalf("resume on Zalo: %q", got)
	}
	h.zaloSay(zb, "zl", "4")
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	a, _ := db.UserByIdentity(context.Background(), "telegram", "901")
	b, _ := db.UserByIdentity(context.Background(), zalo.BotName, "zl")
	run, err := db.Run(context.Background(), a.ID)
	if a.ID == "" || a.ID != b.ID || err != nil || run.Answers["members"] != "4" {
		t.Fatalf("telegram user %q, zalo user %q, run %+v, %v", a.ID, b.ID, run, err)
	}
}

// Officials on Zalo get the files too: the digest's chart as a photo and
// the spreadsheet as a link, both behind signed links of the public
// address; without one, they are told why not.
func TestZaloOfficialsGetFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zb := withZaloBot(h)
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_PUBLIC_URL"] = "http://" + addr
	code := h.invite("official", "bac-kan/huyen-tung")
	h.start()
	h.zaloSay(zb, "o1", code)
	h.zaloSay(zb, "o1", "/digest")
	photos := zb.Photos("o1")
	if len(photos) != 1 || !strings.HasPrefix(photos[0], "http://"+addr+"/files/") {
		t.Fatalf("photos: %v", photos)
	}
	get := func(url string) (int, []byte) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	if status, body := get(photos[0]); status != 200 || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Fatalf("the chart's link: %d, %d bytes", status, len(body))
	}
	if status, _ := get(photos[0] + "0"); status != 404 {
		t.Fatalf("a link with a wrong signature: %d", status)
	}
	text := h.zaloSay(zb, "o1", "/export")
	link := regexp.MustCompile(`http://\S+/files/\S+`).FindString(text)
	if status, body := get(link); status != 200 || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("the spreadsheet's link %q: %d, %d bytes", link, status, len(body))
	}
	h.stop()

	// Without a public address, the official is told why there is no file.
	h.env["SOTHON_PUBLIC_URL"] = ""
	h.start()
	if text := h.zaloSay(zb, "o1", "/export"); !strings.Contains(text, "SOTHON_PUBLIC_URL") || strings.Contains(text, "/files/") {
		t.Fatalf("export without a public address: %q", text)
	}
}

// An official on a Zalo OA gets the chart and the spreadsheet as links.
func TestZaloOAOfficialsGetLinks(t *testing.T) {
	t.Parallel()
	h, oa, url := oaHarness(t)
	h.env["SOTHON_PUBLIC_URL"] = strings.TrimSuffix(url, "/webhook/zalo-oa")
	code := h.invite("official", "bac-kan/huyen-tung")
	h.start()
	ev := &oaEvents{t: t, url: url}
	h.oaSay(oa, ev, "555", "/start "+code)
	for _, cmd := range []string{"/digest", "/export"} {
		text := h.oaSay(oa, ev, "555", cmd)
		link := regexp.MustCompile(`http://\S+/files/\S+`).FindString(text)
		resp, err := http.Get(link)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: link %q: %v %v", cmd, link, resp, err)
		}
		resp.Body.Close()
	}
}
