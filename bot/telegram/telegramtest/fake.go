// Package telegramtest plays the Telegram Bot API on loopback for tests:
// form-encoded or JSON requests in, JSON replies out, scripted users and scripted
// failures (429 with retry_after, 403, 5xx, malformed bodies, slowness).
package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"sothon/bot/platformtest"
)

// Username is the fake bot's username.
const Username = "sothon_test_bot"

// Call is one request the bot made.
type Call struct {
	Method    string
	Params    map[string]string
	At        time.Time
	Status    int // what the fake answered
	MessageID int // of a message sent
	// Upload says the request was a multipart form, which uploads a file;
	// a file sent by its file_id is a plain form.
	Upload bool
}

// Keyboard returns the callback data of the call's inline keyboard, row by row flattened.
func (c Call) Keyboard() (labels, data []string) {
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(c.Params["reply_markup"]), &markup)
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			labels, data = append(labels, b.Text), append(data, b.CallbackData)
		}
	}
	return labels, data
}

// ChatKeyboard returns the labels of the call's reply keyboard (the chat's
// own keyboard) whose buttons send their label as a message, row by row
// flattened (not the one that sends the phone's location), and whether
// the keyboard hides once used and fits its buttons.
func (c Call) ChatKeyboard() (labels []string, oneTime bool) {
	var markup struct {
		Keyboard [][]struct {
			Text     string `json:"text"`
			Location bool   `json:"request_location"`
		} `json:"keyboard"`
		OneTime bool `json:"one_time_keyboard"`
		Resize  bool `json:"resize_keyboard"`
	}
	json.Unmarshal([]byte(c.Params["reply_markup"]), &markup)
	for _, row := range markup.Keyboard {
		for _, b := range row {
			if !b.Location {
				labels = append(labels, b.Text)
			}
		}
	}
	return labels, markup.OneTime && markup.Resize
}

// RemovesKeyboard reports whether the call removes the chat's own keyboard.
func (c Call) RemovesKeyboard() bool {
	var markup struct {
		Remove bool `json:"remove_keyboard"`
	}
	json.Unmarshal([]byte(c.Params["reply_markup"]), &markup)
	return markup.Remove
}

// Reply is a scripted answer to the next call of a method.
type Reply struct {
	Status int
	Body   string        // raw body; "" means a Bot API error built from Status
	Delay  time.Duration // wait before answering
}

// Server is the fake Bot API.
type Server struct {
	*httptest.Server
	Token string
	// UnsupportedMethods answer 404 like a server that does not know them.
	UnsupportedMethods map[string]bool
	// OnMessage, when set, is called after each message the bot sent, so a
	// test can play a user who answers.
	OnMessage func(Call)
	// Quiet stops recording calls, for load tests.
	Quiet bool

	mu       sync.Mutex
	cond     *sync.Cond
	updates  []queued
	history  []queued // every update ever queued, for Replay
	nextUpd  int
	nextMsg  int
	calls    platformtest.Recorder[Call]
	scripted map[string][]Reply
	closed   bool
	files    map[string]*file // by file_id
	waiting  int              // downloads that reached a scripted reply
	webhook  string           // the address setWebhook gave, for getWebhookInfo
	hookErr  string           // the last delivery error getWebhookInfo tells

	// Webhook delivery (Deliver): the updates waiting for it, the secret
	// setWebhook gave.
	hook       hookQueues
	hookSecret string
	deliver    bool
	delivering bool
	hookGen    int // counts the webhooks set and deleted: a deleted one's connections end
}

// SetWebhook sets the webhook getWebhookInfo tells, with the last error
// Telegram met delivering there ("" for none), as another program or an
// unreachable server would leave it.
func (f *Server) SetWebhook(url, lastError string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.webhook, f.hookErr = url, lastError
}

// New starts a fake Bot API for token.
func New(token string) *Server {
	f := &Server{Token: token, scripted: map[string][]Reply{}, nextUpd: 1000, nextMsg: 1,
		UnsupportedMethods: map[string]bool{}}
	f.cond = sync.NewCond(&f.mu)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server and wakes waiting long polls.
func (f *Server) Close() {
	f.mu.Lock()
	f.closed = true
	f.cond.Broadcast()
	f.mu.Unlock()
	f.Server.CloseClientConnections()
	f.Server.Close()
}

// Script queues answers for the next calls of method.
func (f *Server) Script(method string, replies ...Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted[method] = append(f.scripted[method], replies...)
}

// Say queues a text message from a user, as getUpdates will return it.
func (f *Server) Say(chat int64, text string) int {
	return f.push(map[string]any{"message": map[string]any{
		"message_id": f.nextMsgID(), "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": chat, "type": "private"},
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Người", "last_name": strconv.FormatInt(chat, 10), "language_code": "vi"},
	}})
}

// Sticker queues a message without text.
func (f *Server) Sticker(chat int64) int {
	return f.push(map[string]any{"message": map[string]any{
		"message_id": f.nextMsgID(), "date": time.Now().Unix(),
		"chat":    map[string]any{"id": chat, "type": "private"},
		"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1},
	}})
}

// Press queues a button press on a message the bot sent.
func (f *Server) Press(chat int64, messageID int, data string) int {
	return f.push(map[string]any{"callback_query": map[string]any{
		"id": fmt.Sprint("cb", f.nextUpd), "data": data, "chat_instance": "1",
		"from":    map[string]any{"id": chat, "is_bot": false, "first_name": "Người"},
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"}},
	}})
}

// Replay queues an update again with the same update_id, as Telegram does
// after a webhook failure: for getUpdates, or for the webhook once the
// fake delivers there.
func (f *Server) Replay(updateID int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.history {
		if u.id == updateID {
			if f.delivering { // to the webhook, behind its chat's updates
				f.hook.add(u)
			} else {
				f.updates = append(f.updates, u)
			}
			f.cond.Broadcast()
			return
		}
	}
}

// Update returns the JSON of a queued update by id, for webhook tests.
func (f *Server) Update(updateID int) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.history {
		if u.id == updateID {
			return u.data
		}
	}
	return nil
}

// queued is an update and its id, read once rather than on every
// getUpdates: at 10,000 heads, thousands wait at a time; and its chat, by
// which a webhook receives updates in order.
type queued struct {
	id   int
	chat int64
	data json.RawMessage
}

// chatOf is the chat an update comes from: its message's, or the message
// its button is on.
func chatOf(body map[string]any) int64 {
	m, _ := body["message"].(map[string]any)
	if q, ok := body["callback_query"].(map[string]any); ok {
		m, _ = q["message"].(map[string]any)
	}
	c, _ := m["chat"].(map[string]any)
	id, _ := c["id"].(int64)
	return id
}

func (f *Server) nextMsgID() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextMsg++
	return f.nextMsg
}

func (f *Server) push(body map[string]any) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextUpd++
	body["update_id"] = f.nextUpd
	data, _ := json.Marshal(body)
	u := queued{id: f.nextUpd, chat: chatOf(body), data: data}
	if f.delivering {
		f.hook.add(u)
	} else {
		f.updates = append(f.updates, u)
	}
	f.history = append(f.history, u)
	f.cond.Broadcast()
	return f.nextUpd
}

// Calls returns the calls of a method so far ("" for all).
func (f *Server) Calls(method string) []Call {
	return f.calls.Select(func(c Call) bool { return method == "" || c.Method == method })
}

// Unconfirmed counts the updates the bot has not confirmed by a later
// getUpdates offset, or by answering 200 to their delivery to its webhook:
// once it is 0, every update is in the bot's hands.
func (f *Server) Unconfirmed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates) + f.hook.pending
}

// Delivered returns the sendMessage calls that succeeded.
func (f *Server) Delivered() []Call {
	var out []Call
	for _, c := range f.Calls("sendMessage") {
		if c.Status == http.StatusOK {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor waits until cond holds for the calls made so far. cond may call
// the server's other methods.
func (f *Server) WaitFor(timeout time.Duration, cond func(calls []Call) bool) bool {
	return platformtest.WaitFor(timeout, func() bool { return cond(f.Calls("")) })
}
