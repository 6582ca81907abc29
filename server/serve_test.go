package server

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
	"sothon/store"
	"sothon/store/photos/photostest"
)

func TestTelegramJoinAndFullHousehold(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	const chat = 501
	// A stranger is refused; a wrong code is refused; the deep link joins.
	if m := h.say(chat, "xin chào"); !strings.Contains(m.Params["text"], "/start") {
		t.Fatalf("refusal: %q", m.Params["text"])
	}
	if m := h.say(chat, "/start ZZZZZZZZ"); !strings.Contains(m.Params["text"], "không đúng") {
		t.Fatalf("wrong code: %q", m.Params["text"])
	}
	welcome := h.say(chat, "/start "+code)
	if !strings.Contains(welcome.Params["text"], "Chào mừng anh/chị Hoàng Văn Thắng! Anh/chị đã tham gia Sổ Thôn với vai trò tổ trưởng Tổ Khuổi Pài, phường Huyền Tụng.") {
		t.Fatalf("welcome: %q", welcome.Params["text"])
	}
	if labels, _ := welcome.ChatKeyboard(); len(labels) != 3 {
		t.Fatalf("menu keyboard: %v", labels)
	}
	if m := h.say(chat+1, "/start "+code); !strings.Contains(m.Params["text"], "đã được dùng") {
		t.Fatalf("used code: %q", m.Params["text"])
	}

	h.press(chat, "Rà soát")
	h.say(chat, "lương") // search the register, then pick by button
	h.press(chat, "Lương Thị Lan")
	for _, a := range []string{"5", "2", "2", "4tr5"} {
		h.say(chat, a)
	}
	// The indicators' buttons say what each answer means.
	h.press(chat, "Có người không có việc làm ổn định")                        // job
	h.say(chat, "không")                                                       // nutrition, typed
	h.press(chat, "Có người chưa có thẻ BHYT")                                 // insurance
	for _, no := range []string{"Không ai 16–30", "Mọi trẻ", "Nhà bền chắc"} { // adult education, schooling, house quality
		h.press(chat, no)
	}
	// A photo of the house, fetched from the Bot API; its place from the
	// location button of the chat's own keyboard.
	before := len(h.sentTo(chat))
	h.fake.Photo(chat, photostest.JPEG(1280, 960, 7), "")
	place := h.waitMessage(chat, before, "a photo")
	if !strings.Contains(place.Params["reply_markup"], `"request_location":true`) {
		t.Fatalf("place question: %v", place.Params)
	}
	before = len(h.sentTo(chat))
	h.fake.Location(chat, 21.1473, 105.8348, 8)
	if area := h.waitMessage(chat, before, "a place"); !strings.Contains(area.Params["text"], "Diện tích nhà ở") {
		t.Fatalf("after the place: %q", area.Params["text"])
	}
	h.say(chat, "45")
	for _, label := range []string{"Có nước sạch", "Có nhà tiêu", "Có dùng dịch vụ", "Có phương tiện"} {
		h.press(chat, label)
	}
	// causes: toggles redraw the keyboard, "Xong" answers.
	causes := h.sentTo(chat)[len(h.sentTo(chat))-1]
	_, data := causes.Keyboard()
	h.pressData(chat, causes.MessageID, data[1], false)
	h.pressData(chat, causes.MessageID, data[2], false)
	if edits := h.fake.Calls("editMessageText"); !strings.Contains(edits[len(edits)-1].Params["reply_markup"], "✅ 3.") {
		t.Fatalf("toggle did not redraw the marks: %v", edits[len(edits)-1].Params)
	}
	h.pressData(chat, causes.MessageID, data[len(data)-1], true)
	h.press(chat, "Có") // exit plan
	h.say(chat, "1")    // needs
	summary := h.say(chat, "-")
	if !strings.Contains(summary.Params["text"], "Hộ nghèo") {
		t.Fatalf("summary: %q", summary.Params["text"])
	}
	saved := h.press(chat, "Gửi")
	if !strings.Contains(saved.Params["text"], "Đã lưu phiếu") {
		t.Fatalf("after submit: %q", saved.Params["text"])
	}
	// Only presses on a message's own buttons are callbacks to acknowledge
	// (the household, the causes' two marks and "done"), and only such
	// keyboards are closed once answered (the picker on the search typed
	// and on the press, the causes on "done", the needs on the "1" typed):
	// a label from the chat's keyboard is a message, as a typed answer is.
	if presses := len(h.fake.Calls("answerCallbackQuery")); presses != 4 {
		t.Errorf("%d presses acknowledged, want 4", presses)
	}
	closed := 0
	for _, e := range h.fake.Calls("editMessageText") {
		if e.Params["reply_markup"] == "" && strings.Contains(e.Params["text"], "→") {
			closed++
		}
	}
	if closed != 4 {
		t.Errorf("%d answered keyboards closed, want 4", closed)
	}
	h.stop()

	db, err := store.Open(h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var subs []store.Submission
	db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error { subs = append(subs, s); return nil })
	if len(subs) != 1 || subs[0].Answers["class"] != "poor" || subs[0].Answers["causes"] != "no_capital;no_labour" || subs[0].HouseholdName != "Lương Thị Lan" {
		t.Fatalf("stored: %+v", subs)
	}
	if len(subs[0].Files) != 1 || subs[0].Answers["house_place"] != "21.147300 105.834800 8" {
		t.Fatalf("photo %v, place %q", subs[0].Files, subs[0].Answers["house_place"])
	}
	if problems, err := db.CheckFiles(context.Background(), db.Photos()); err != nil || len(problems) > 0 {
		t.Fatalf("photos beside the database: %v %v", problems, err)
	}
}

// joined starts a server with one registered head and returns its chat.
func joined(t *testing.T) (*harness, int64) {
	h := newHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	const chat = 601
	h.say(chat, "/start "+code)
	return h, chat
}

func TestStaleButtonAndRepeatedUpdate(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	picker := h.press(chat, "Rà soát")
	_, pickerData := picker.Keyboard()
	h.say(chat, "1") // first household
	before := len(h.sentTo(chat))
	ack := h.pressData(chat, picker.MessageID, pickerData[1], false)
	if !strings.Contains(ack.Params["text"], "đã qua") {
		t.Fatalf("stale press toast: %q", ack.Params["text"])
	}
	// A repeated update (same update_id) is dropped.
	id := h.fake.Say(chat, "4")
	h.waitMessage(chat, before, "4")
	n := len(h.sentTo(chat))
	h.fake.Replay(id)
	h.fake.Say(chat, "/help")
	h.waitMessage(chat, n, "/help")
	if got := h.sentTo(chat); len(got) != n+1 || !strings.Contains(got[n].Params["text"], "/back") {
		t.Fatalf("after a replayed update: %d messages (want %d), last %q", len(got), n+1, got[len(got)-1].Params["text"])
	}
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	u, _ := db.UserByIdentity(context.Background(), "telegram", strconv.Itoa(int(chat)))
	run, err := db.Run(context.Background(), u.ID)
	if err != nil || run.Answers["members"] != "4" || run.Current != "working_age" {
		t.Fatalf("run: %+v, %v", run, err)
	}
}

func TestRateLimitedReplyWaitsAndGoesOnce(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	h.fake.Script("sendMessage", telegramtest.TooManyRequests(1))
	h.fake.Say(chat, "/help")
	if !h.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool {
		for _, c := range h.sentTo(chat) {
			if strings.Contains(c.Params["text"], "/back") {
				return true
			}
		}
		return false
	}) {
		t.Fatal("help never delivered")
	}
	var limited, ok []telegramtest.Call
	for _, c := range h.fake.Calls("sendMessage") {
		if strings.Contains(c.Params["text"], "/back") {
			if c.Status == 429 {
				limited = append(limited, c)
			} else {
				ok = append(ok, c)
			}
		}
	}
	if len(limited) != 1 || len(ok) != 1 {
		t.Fatalf("%d limited, %d delivered; want 1 and 1", len(limited), len(ok))
	}
	if wait := ok[0].At.Sub(limited[0].At); wait < time.Second {
		t.Fatalf("delivered %v after the 429, before retry_after", wait)
	}
}

func TestBlockedUserIsMarkedUnreachable(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	h.fake.Script("sendMessage", telegramtest.Blocked())
	h.fake.Say(chat, "/help")
	// The reply meets the 403; the closing of the menu's buttons follows it.
	if !h.fake.WaitFor(10*time.Second, func(calls []telegramtest.Call) bool {
		return slices.ContainsFunc(calls, func(c telegramtest.Call) bool { return c.Status == 403 })
	}) {
		t.Fatal("no 403")
	}
	h.settle()
	h.stop()
	db, _ := store.Open(h.dbPath)
	defer db.Close()
	u, err := db.UserByIdentity(context.Background(), "telegram", strconv.Itoa(int(chat)))
	if err != nil || !u.Unreachable {
		t.Fatalf("user after 403: %+v, %v", u, err)
	}
	if left, err := db.Outbox(context.Background(), "telegram", 10); err != nil || len(left) != 0 {
		t.Fatalf("%d messages kept for a blocked user (%v)", len(left), err)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	h.fake.Script("sendMessage", telegramtest.ServerError(502, true), telegramtest.ServerError(500, false))
	h.fake.Say(chat, "/help")
	if !h.fake.WaitFor(15*time.Second, func([]telegramtest.Call) bool {
		for _, c := range h.sentTo(chat) {
			if strings.Contains(c.Params["text"], "/back") {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("never delivered after 5xx; log:\n%s", h.logs.String())
	}
	n := 0
	for _, c := range h.sentTo(chat) {
		if strings.Contains(c.Params["text"], "/back") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("delivered %d times", n)
	}
}

func TestReplyQueuedAtStopGoesOutAfterRestartOnce(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	// The platform fails while the answer is committed; the server stops.
	h.fake.Script("sendMessage", telegramtest.ServerError(500, false))
	helpID := h.fake.Say(chat, "/help")
	if !h.fake.WaitFor(10*time.Second, func(calls []telegramtest.Call) bool {
		return len(calls) > 0 && calls[len(calls)-1].Status == 500
	}) {
		t.Fatal("no failed send")
	}
	h.stop()
	h.start()
	if !h.fake.WaitFor(15*time.Second, func([]telegramtest.Call) bool {
		for _, c := range h.sentTo(chat) {
			if strings.Contains(c.Params["text"], "/back") {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("the queued reply never went out after the restart; log:\n%s", h.logs.String())
	}
	h.settle()
	n := 0
	for _, c := range h.sentTo(chat) {
		if strings.Contains(c.Params["text"], "/back") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("delivered %d times after restart", n)
	}
	// Telegram sending the same update again after the restart changes nothing.
	before := len(h.sentTo(chat))
	h.fake.Replay(helpID)
	h.fake.Say(chat, "/menu")
	h.waitMessage(chat, before, "/menu")
	if got := h.sentTo(chat); len(got) != before+1 || strings.Contains(got[len(got)-1].Params["text"], "/back") {
		t.Fatalf("the replayed update was handled again: %d messages", len(got)-before)
	}
}

func TestUnreachableAPIDoesNotLeakToken(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	h.fake.Close() // every request now fails with a connection error
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(h.logs.String(), "getUpdates: dial tcp") }) {
		t.Errorf("expected the failed calls in the log:\n%s", h.logs.String())
	}
	h.stop()
	if strings.Contains(h.logs.String(), testToken) {
		t.Errorf("the token in the log:\n%s", h.logs.String())
	}
	_ = chat
}

func TestWebhook(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_TELEGRAM_WEBHOOK_URL"] = "https://sothon.example/webhook/telegram"
	h.env["SOTHON_TELEGRAM_WEBHOOK_SECRET"] = "s3cret-token_value"
	h.sources = nil // updates come by POST, each stored before it is answered
	h.start()
	set := h.fake.Calls("setWebhook")
	if len(set) != 1 || set[0].Params["secret_token"] != "s3cret-token_value" || set[0].Params["url"] != "https://sothon.example/webhook/telegram" ||
		set[0].Params["max_connections"] != "100" {
		t.Fatalf("setWebhook: %+v", set)
	}
	url := "http://" + addr + "/webhook/telegram"
	post := func(secret string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	id := h.fake.Say(701, "/start "+code)
	update := h.fake.Update(id)
	for _, tc := range []struct {
		name   string
		secret string
		body   []byte
		want   int
	}{
		{"missing secret", "", update, 401},
		{"wrong secret", "nope", update, 401},
		{"oversized", "s3cret-token_value", bytes.Repeat([]byte("x"), 2<<20), 413},
		{"malformed", "s3cret-token_value", []byte(`{"update_id": "x"`), 400},
		{"right secret", "s3cret-token_value", update, 200},
		{"repeated", "s3cret-token_value", update, 200},
	} {
		if got := post(tc.secret, tc.body); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	h.waitMessage(701, 0, "/start over webhook")
	if got := h.sentTo(701); len(got) != 1 || !strings.Contains(got[0].Params["text"], "Chào mừng") {
		t.Fatalf("webhook replies: %d", len(got))
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if n := len(h.fake.Calls("getUpdates")); n != 0 {
		t.Errorf("polled %d times in webhook mode", n)
	}
}

// Updates Telegram pushes to the webhook, many at once over the
// connections setWebhook asked for, are each answered once, in order per
// chat: heads answering a questionnaire side by side.
func TestWebhookDeliveries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const heads = 20
	codes := make([]string, heads)
	for i := range codes {
		codes[i] = h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	}
	addr := freePort(t)
	h.env["SOTHON_ADDR"] = addr
	h.env["SOTHON_TELEGRAM_WEBHOOK_URL"] = "http://" + addr + "/webhook/telegram"
	h.env["SOTHON_TELEGRAM_WEBHOOK_SECRET"] = "s3cret-token_value"
	h.sources = nil
	h.fake.Deliver()
	h.start()
	var wg sync.WaitGroup
	for i := range heads {
		chat := int64(900 + i)
		wg.Go(func() {
			if m := h.say(chat, "/start "+codes[i]); !strings.Contains(m.Params["text"], "Chào mừng") {
				t.Errorf("chat %d: %q", chat, m.Params["text"])
			}
			for _, text := range []string{"/help", "/help"} {
				if m := h.say(chat, text); !strings.Contains(m.Params["text"], "/back") {
					t.Errorf("chat %d, %s: %q", chat, text, m.Params["text"])
				}
			}
		})
	}
	wg.Wait()
	for i := range heads {
		if got := h.sentTo(int64(900 + i)); len(got) != 3 {
			t.Errorf("chat %d got %d messages, want one a message it sent", 900+i, len(got))
		}
	}
	if n := len(h.fake.Calls("getUpdates")); n != 0 {
		t.Errorf("polled %d times in webhook mode", n)
	}
}

func TestAdminInvitesInChatAndStickersAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fake.UnsupportedMethods["setMyCommands"] = true // a server without it: logged, the bot carries on
	code := h.invite("admin", "bac-kan/huyen-tung")
	h.start()
	const admin, head = 801, 802
	h.say(admin, "/start "+code)
	if m := h.say(admin, "/invite head bac-kan/duc-xuan/to-1"); !strings.Contains(m.Params["text"], "trong phạm vi của anh/chị") {
		t.Fatalf("invite outside the admin's area: %q", m.Params["text"])
	}
	m := h.say(admin, "/invite head bac-kan/huyen-tung/na-pai Lý Văn Tài")
	link := regexp.MustCompile(`https://t\.me/` + telegramtest.Username + `\?start=(\w+)`).FindStringSubmatch(m.Params["text"])
	if link == nil {
		t.Fatalf("no deep link in %q", m.Params["text"])
	}
	if m := h.say(head, "/start "+link[1]); !strings.Contains(m.Params["text"], "Lý Văn Tài") || !strings.Contains(m.Params["text"], "Tổ Nà Pài") {
		t.Fatalf("welcome: %q", m.Params["text"])
	}
	before := len(h.sentTo(head))
	h.fake.Sticker(head)
	if m := h.waitMessage(head, before, "sticker"); !strings.Contains(m.Params["text"], "chỉ đọc được tin nhắn chữ") {
		t.Fatalf("sticker: %q", m.Params["text"])
	}
	// The digest goes out as a photo with its text as the caption.
	h.fake.Say(admin, "/digest")
	if !h.fake.WaitFor(10*time.Second, func([]telegramtest.Call) bool { return len(h.fake.Calls("sendPhoto")) > 0 }) {
		t.Fatalf("no digest photo; log:\n%s", h.logs.String())
	}
	photo := h.fake.Calls("sendPhoto")[0]
	if !strings.HasSuffix(photo.Params["photo"], "bytes)") || !strings.Contains(photo.Params["caption"], "Phường Huyền Tụng") {
		t.Fatalf("digest photo: %+v", photo.Params)
	}
	if !strings.Contains(h.logs.String(), "setMyCommands not supported") {
		t.Error("the unsupported setMyCommands was not logged")
	}
}

func TestCommandMenusAreRegisteredInBothLanguages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	langs := map[string]bool{}
	for _, c := range h.fake.Calls("setMyCommands") {
		langs[c.Params["language_code"]] = strings.Contains(c.Params["commands"], `"command":"back"`)
	}
	if !langs["vi"] || !langs["en"] {
		t.Fatalf("setMyCommands calls: %v", langs)
	}
}
