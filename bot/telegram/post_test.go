package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"sothon/bot/delivery"
	"sothon/bot/telegram/telegramtest"
	"sothon/flows"
)

// A message's text reaches the Bot API exactly as encoding/json would have
// written it (invalid UTF-8 as U+FFFD), with its chat, the id of the
// message it edits, the preview switch and the keyboard as given.
func FuzzTextBody(f *testing.F) {
	f.Add(int64(10042), 0, "Câu 3/22. Hộ có người làm việc không?", false, true)
	f.Add(int64(-100123), 77, "<b>\"x\"</b> & \\ \n\t\x00 \u2028 \xff\xe1\xbb", true, false)
	f.Add(int64(0), -1, "", true, true)
	markup := keyboardJSON(delivery.Outbound{Question: "job", Options: []flows.Option{{Key: "1", Label: "Có"}}})
	f.Fuzz(func(t *testing.T, chat int64, messageID int, text string, noPreview, withMarkup bool) {
		var kb json.RawMessage
		if withMarkup {
			kb = markup
		}
		var got struct {
			ChatID    int64           `json:"chat_id"`
			MessageID *int            `json:"message_id"`
			Text      *string         `json:"text"`
			NoPreview bool            `json:"disable_web_page_preview"`
			Markup    json.RawMessage `json:"reply_markup"`
		}
		body := textBody(chat, messageID, text, noPreview, kb)
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var want string
		encoded, _ := json.Marshal(text)
		json.Unmarshal(encoded, &want)
		if got.ChatID != chat || got.Text == nil || *got.Text != want || got.NoPreview != noPreview || string(got.Markup) != string(kb) {
			t.Fatalf("%s decodes to %+v", body, got)
		}
		if (got.MessageID != nil) != (messageID != 0) || (got.MessageID != nil && *got.MessageID != messageID) {
			t.Fatalf("%s: message_id %v, want %d", body, got.MessageID, messageID)
		}
	})
}

// Questions and edits go as JSON; the Bot API's errors on them are read
// as the library's were: a 429's wait, a blocked chat, a malformed page,
// an edit that changes nothing. No error carries the token.
func TestJSONRequestsAndTheirErrors(t *testing.T) {
	fake, a := onFake(t)
	ctx := context.Background()
	q := delivery.Outbound{ChatID: "9", Text: "Câu 5/22. \"Nhà\" <ở> & \\", Question: "needs", Multi: true, DoneLabel: "Xong",
		Options: []flows.Option{{Key: "1", Label: "Vay vốn"}, {Key: "2", Label: "Nhà ở"}}}
	id, err := a.Send(ctx, q)
	if err != nil || id == "" {
		t.Fatalf("sent: id %q, %v", id, err)
	}
	edit := q
	edit.Edit, edit.Selected = id, []string{"2"}
	if _, err := a.Send(ctx, edit); err != nil {
		t.Fatal(err)
	}
	sent, edited := fake.Calls("sendMessage"), fake.Calls("editMessageText")
	if len(sent) != 1 || len(edited) != 1 {
		t.Fatalf("%d sent, %d edited", len(sent), len(edited))
	}
	if p := edited[0].Params; p["chat_id"] != "9" || p["message_id"] != id || p["text"] != q.Text || sent[0].Params["text"] != q.Text {
		t.Fatalf("sent %v, edited %v", sent[0].Params, p)
	}
	if labels, _ := edited[0].Keyboard(); len(labels) != 3 || labels[1] != "✅ 2. Nhà ở" {
		t.Fatalf("the edit's keyboard: %q", labels)
	}

	fake.Script("sendMessage", telegramtest.TooManyRequests(7), telegramtest.Blocked(), telegramtest.ServerError(502, true))
	var retry *delivery.RetryAfterError
	if _, err := a.Send(ctx, q); !errors.As(err, &retry) || retry.After.Seconds() != 7 {
		t.Errorf("429: %T %v", err, err)
	}
	if _, err := a.Send(ctx, q); !errors.Is(err, delivery.ErrUnreachable) {
		t.Errorf("403: %T %v", err, err)
	}
	var temporary *delivery.TemporaryError
	_, err = a.Send(ctx, q)
	if !errors.As(err, &temporary) || strings.Contains(err.Error(), token) {
		t.Errorf("a malformed 502: %T %v", err, err)
	}
	fake.Script("editMessageText",
		telegramtest.Reply{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: message is not modified"}`},
		telegramtest.Reply{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"}`})
	if _, err := a.Send(ctx, edit); err != nil {
		t.Errorf("not modified: %v", err)
	}
	var permanent *delivery.PermanentError
	if _, err := a.Send(ctx, edit); !errors.As(err, &permanent) {
		t.Errorf("not found: %T %v", err, err)
	}
}

// The fake takes JSON as the Bot API does, and refuses what is not an
// object of parameters.
func TestFakeRefusesMalformedJSON(t *testing.T) {
	fake, a := onFake(t)
	for _, body := range []string{`[1]`, `{"chat_id":`, `{"text":"\x"}`} {
		err := a.call(a.api, "sendMessage", []byte(body), nil)
		var permanent *delivery.PermanentError
		if err = classify(err, token); !errors.As(err, &permanent) {
			t.Errorf("%s: %T %v", body, err, err)
		}
	}
	if n := len(fake.Calls("sendMessage")); n != 3 {
		t.Errorf("%d calls recorded, want 3 (each refused)", n)
	}
}

// getUpdates goes as JSON with the offset, the wait and the kinds of
// update served; its answer is read into the library's updates, and its
// failures are waited out as the Bot API asks.
func TestUpdatesOverJSON(t *testing.T) {
	fake := telegramtest.New(token)
	defer fake.Close()
	a, err := New(Config{Token: token, APIBase: fake.URL, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	first := fake.Say(7, "Xin chào \"thôn\" <1>")
	fake.Press(7, 99, "a|job|1")
	updates, err := a.updates(a.api, 0)
	if err != nil || len(updates) != 2 {
		t.Fatalf("%d updates, %v", len(updates), err)
	}
	if u := updates[0]; u.UpdateID != first || u.Message == nil || u.Message.Text != "Xin chào \"thôn\" <1>" || u.Message.Chat.ID != 7 {
		t.Fatalf("the message: %+v", u.Message)
	}
	if q := updates[1].CallbackQuery; q == nil || q.Data != "a|job|1" || q.Message.Chat.ID != 7 {
		t.Fatalf("the press: %+v", q)
	}
	third := fake.Say(7, "3")
	if updates, err = a.updates(a.api, updates[1].UpdateID+1); err != nil || len(updates) != 1 || updates[0].UpdateID != third {
		t.Fatalf("after the offset: %d updates, %v", len(updates), err)
	}
	calls := fake.Calls("getUpdates")
	if p := calls[1].Params; p["offset"] != strconv.Itoa(first+2) || p["timeout"] != "1" || p["allowed_updates"] != `["message","callback_query"]` {
		t.Fatalf("getUpdates with %v", p)
	}
	if _, ok := calls[0].Params["offset"]; ok {
		t.Fatalf("a first getUpdates with an offset: %v", calls[0].Params)
	}

	fake.Script("getUpdates", telegramtest.TooManyRequests(9), telegramtest.ServerError(502, true))
	_, err = a.updates(a.api, 0)
	if wait := a.pollWait(err, 1); wait != 9*time.Second {
		t.Errorf("429: waits %v (%v)", wait, err)
	}
	_, err = a.updates(a.api, 0)
	if wait := a.pollWait(err, 3); wait != 4*time.Second || strings.Contains(err.Error(), token) {
		t.Errorf("a malformed 502: waits %v (%v)", wait, err)
	}
}

// A sent message's id is read from the head of the Bot API's answer; an
// answer in any other order is decoded whole, and one cut short before
// its id is an error to try again, not an id. An answer whose id came
// whole is taken by its id even when what follows is not JSON: the
// message was sent, and sending it again would repeat it.
func TestSentMessageID(t *testing.T) {
	fake, a := onFake(t)
	fake.Script("sendMessage",
		telegramtest.Reply{Status: 200, Body: `{"ok":true,"result":{"message_id":41,"chat":{"id":9,"type":"private"},"text":"x"}}`},
		telegramtest.Reply{Status: 200, Body: `{"result":{"chat":{"id":9},"text":"\"}","message_id":42},"ok":true}`},
		telegramtest.Reply{Status: 200, Body: `{"ok":true,"result":{"message_id":43`})
	q := delivery.Outbound{ChatID: "9", Text: "Chọn hộ", Question: "pick", Options: []flows.Option{{Key: "1", Label: "Hộ A"}}}
	for _, want := range []string{"41", "42"} {
		if id, err := a.Send(context.Background(), q); id != want || err != nil {
			t.Errorf("id %q, %v; want %s", id, err, want)
		}
	}
	var temporary *delivery.TemporaryError
	if id, err := a.Send(context.Background(), q); !errors.As(err, &temporary) {
		t.Errorf("an answer cut short: id %q, %T %v", id, err, err)
	}
}

// An answer past maxAnswer is not read whole: it is a temporary error
// that names the call.
func TestAnswerTooLarge(t *testing.T) {
	fake, a := onFake(t)
	huge := `{"ok":true,"result":[{"update_id":1,"message":{"text":"` + strings.Repeat("x", maxAnswer) + `"}}]}`
	fake.Script("getUpdates", telegramtest.Reply{Status: 200, Body: huge})
	updates, err := a.updates(a.api, 0)
	var temporary *delivery.TemporaryError
	if err = classify(err, token); !errors.As(err, &temporary) || !strings.Contains(err.Error(), "getUpdates answered more than 32 MB") || len(updates) != 0 {
		t.Fatalf("%d updates, %v", len(updates), err)
	}
}

// A Bot API that does not answer, or stops halfway through its answer, is
// given up at the adapter's HTTPTimeout, as a temporary failure that names
// the call and not the token; stopping the adapter ends a call at once.
func TestCallsEndAtTheirDeadline(t *testing.T) {
	release := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/editMessageText") { // the headers and half an answer
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"ok":true,"result":`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer api.Close()
	defer close(release) // before the server's Close, which waits for its handlers
	stop, cancel := context.WithCancel(context.Background())
	a, err := New(Config{Token: token, APIBase: api.URL, HTTPTimeout: 50 * time.Millisecond, Context: stop})
	if err != nil {
		t.Fatal(err)
	}
	q := delivery.Outbound{ChatID: "9", Text: "Câu 1/22", Question: "job", Options: []flows.Option{{Key: "1", Label: "Có"}}}
	var temporary *delivery.TemporaryError
	if _, err := a.Send(context.Background(), q); !errors.As(err, &temporary) || !strings.Contains(err.Error(), "sendMessage") || strings.Contains(err.Error(), token) {
		t.Errorf("no answer: %T %v", err, err)
	}
	edit := q
	edit.Edit = "77"
	if _, err := a.Send(context.Background(), edit); !errors.As(err, &temporary) || strings.Contains(err.Error(), token) {
		t.Errorf("half an answer: %T %v", err, err)
	}
	a.api = a.newAPI(delivery.HTTPClient(time.Hour), stop) // no deadline before the stop
	done := make(chan error, 1)
	go func() { _, err := a.Send(context.Background(), q); done <- err }()
	cancel()
	if err := <-done; !errors.As(err, &temporary) {
		t.Errorf("stopped: %T %v", err, err)
	}
}

// The library's own calls (getMe, files, the command menus) fail with
// errors that name their URL, the token in it: the adapter's client
// scrubs it. The calls the adapter makes itself name no URL.
func TestUnreachableAPINamesNoToken(t *testing.T) {
	api := httptest.NewServer(http.NotFoundHandler())
	base := api.URL
	api.Close() // every request now fails to connect
	a, err := New(Config{Token: token, APIBase: base, HTTPTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.api.GetMe()
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "/bot<token>/getMe") {
		t.Errorf("the library's call: %v", err)
	}
	_, err = a.Send(context.Background(), delivery.Outbound{ChatID: "9", Text: "Câu 1/22"})
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "sendMessage") {
		t.Errorf("the adapter's call: %v", err)
	}
}
