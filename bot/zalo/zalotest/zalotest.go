// Package zalotest plays the Zalo Bot Platform and the Zalo OA API on
// loopback for tests, with their wire formats and their errors.
package zalotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"sothon/bot/platformtest"
)

// Call is one request made to a fake.
type Call struct {
	Method string            // the Bot Platform method, or the OA path
	Params map[string]string // JSON or form fields, flattened one level
	Header http.Header
	At     time.Time
	Reply  string // the body answered
}

// recorder keeps a fake's calls.
type recorder struct{ platformtest.Recorder[Call] }

// Calls returns the calls to a method or path so far ("" for all).
func (r *recorder) Calls(method string) []Call {
	return r.Select(func(c Call) bool { return method == "" || c.Method == method })
}

// WaitFor waits until cond holds.
func (r *recorder) WaitFor(timeout time.Duration, cond func() bool) bool {
	return platformtest.WaitFor(timeout, cond)
}

func flatten(body []byte) map[string]string {
	var m map[string]any
	json.Unmarshal(body, &m)
	out := map[string]string{}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case map[string]any:
			for k2, v2 := range x {
				out[k+"."+k2] = fmt.Sprint(v2)
			}
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

// Bot is a fake Zalo Bot Platform.
type Bot struct {
	*httptest.Server
	recorder
	Token string

	mu       sync.Mutex
	events   []string
	inHand   bool // an event was returned and no getUpdates has come since
	nextID   int
	scripted map[string][]string // raw bodies for the next calls of a method
	webhook  string              // the address setWebhook gave, for getWebhookInfo
}

// SetWebhook sets the webhook getWebhookInfo tells, as another program
// would leave it.
func (b *Bot) SetWebhook(url string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.webhook = url
}

// NewBot starts a fake Bot Platform for token.
func NewBot(token string) *Bot {
	b := &Bot{Token: token, scripted: map[string][]string{}}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	return b
}

// Script queues raw answers for the next calls of method.
func (b *Bot) Script(method string, bodies ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scripted[method] = append(b.scripted[method], bodies...)
}

// Event builds a Bot Platform event.
func (b *Bot) Event(chat, eventName, text string) (id string, event string) {
	b.mu.Lock()
	b.nextID++
	id = fmt.Sprintf("m%d", b.nextID)
	b.mu.Unlock()
	msg := map[string]any{"message_id": id, "date": time.Now().UnixMilli(),
		"from": map[string]any{"id": chat, "name": "Người dùng " + chat}, "chat": map[string]any{"id": chat, "chat_type": "PRIVATE"}}
	switch eventName {
	case "message.text.received":
		msg["text"] = text
	case "message.image.received":
		msg["photo"] = "https://example.invalid/p.jpg"
	case "message.sticker.received":
		msg["sticker"] = "abc"
	}
	data, _ := json.Marshal(map[string]any{"event_name": eventName, "message": msg})
	return id, string(data)
}

// Say queues a text from a user for getUpdates, and returns its message id.
func (b *Bot) Say(chat, text string) string {
	id, ev := b.Event(chat, "message.text.received", text)
	b.Push(ev)
	return id
}

// Push queues a raw event for getUpdates.
func (b *Bot) Push(event string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, event)
}

func (b *Bot) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+b.Token+"/")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: method, Params: flatten(body), Header: r.Header.Clone(), At: time.Now()}
	reply := b.answer(r, method, call)
	call.Reply = reply
	b.Record(call)
	writeJSON(w, reply)
}

func (b *Bot) answer(r *http.Request, method string, call Call) string {
	b.mu.Lock()
	if q := b.scripted[method]; len(q) > 0 {
		b.scripted[method] = q[1:]
		b.mu.Unlock()
		return q[0]
	}
	b.mu.Unlock()
	switch method {
	case "getMe":
		return `{"ok":true,"result":{"id":"42","account_name":"bot.sothon","account_type":"BASIC"}}`
	case "getUpdates":
		return b.nextEvent(r)
	case "sendMessage", "sendPhoto":
		return fmt.Sprintf(`{"ok":true,"result":{"message_id":"s%d","date":%d}}`, time.Now().UnixNano(), time.Now().UnixMilli())
	case "setWebhook", "deleteWebhook":
		b.SetWebhook(call.Params["url"])
		return `{"ok":true,"result":{}}`
	case "getWebhookInfo":
		b.mu.Lock()
		defer b.mu.Unlock()
		data, _ := json.Marshal(map[string]any{"url": b.webhook, "updated_at": time.Now().UnixMilli()})
		return `{"ok":true,"result":` + string(data) + `}`
	}
	return `{"ok":false,"error_code":404,"description":"Not Found"}`
}

// nextEvent waits briefly for an event: one per call, 408 when none.
func (b *Bot) nextEvent(r *http.Request) string {
	b.mu.Lock()
	b.inHand = false
	b.mu.Unlock()
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) && r.Context().Err() == nil {
		b.mu.Lock()
		if len(b.events) > 0 {
			ev := b.events[0]
			b.events = b.events[1:]
			b.inHand = true
			b.mu.Unlock()
			return `{"ok":true,"result":` + ev + `}`
		}
		b.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	return `{"ok":false,"error_code":408,"description":"Request timeout"}`
}

// Sent lists the texts sent to a chat.
func (b *Bot) Sent(chat string) []string {
	var out []string
	for _, c := range b.Calls("sendMessage") {
		if c.Params["chat_id"] == chat && strings.Contains(c.Reply, `"ok":true`) {
			out = append(out, c.Params["text"])
		}
	}
	return out
}

// Unconfirmed counts the events not yet in the bot's hands: those queued,
// and the one last returned until the bot asks for the next (it polls one
// event at a time, and stores each before asking again).
func (b *Bot) Unconfirmed() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.events)
	if b.inHand {
		n++
	}
	return n
}

// Photos lists the addresses of the photos sent to a chat.
func (b *Bot) Photos(chat string) []string {
	var out []string
	for _, c := range b.Calls("sendPhoto") {
		if c.Params["chat_id"] == chat && strings.Contains(c.Reply, `"ok":true`) {
			out = append(out, c.Params["photo"])
		}
	}
	return out
}
