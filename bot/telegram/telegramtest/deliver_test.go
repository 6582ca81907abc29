package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
)

// hook is a bot's webhook for the fake's deliveries: it takes the updates
// whose secret it knows, unless refuse says otherwise, and keeps the
// update_ids it took, by chat, in the order it took them.
type hook struct {
	*httptest.Server
	mu      sync.Mutex
	secret  string
	refuse  func(n int) bool // the nth delivery (from 0) answered 503
	offered int
	refused int // deliveries refused for their secret or by refuse
	took    map[int64][]int
}

func newHook(t *testing.T, secret string) *hook {
	h := &hook{secret: secret, took: map[int64][]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var u struct {
			ID      int `json:"update_id"`
			Message struct {
				Chat struct {
					ID int64 `json:"id"`
				} `json:"chat"`
			} `json:"message"`
		}
		json.Unmarshal(body, &u)
		h.mu.Lock()
		defer h.mu.Unlock()
		n := h.offered
		h.offered++
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != h.secret || h.refuse != nil && h.refuse(n) {
			h.refused++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.took[u.Message.Chat.ID] = append(h.took[u.Message.Chat.ID], u.ID)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) state(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f()
}

// setWebhook calls the fake's setWebhook as the bot does.
func setWebhook(t *testing.T, f *Server, hookURL, secret, conns string) {
	t.Helper()
	resp, err := http.PostForm(f.URL+"/bot"+f.Token+"/setWebhook", url.Values{"url": {hookURL}, "secret_token": {secret}, "max_connections": {conns}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setWebhook: %s", resp.Status)
	}
}

// Every update goes to the webhook once it is taken, a chat's in the order
// they came, over many connections, whatever deliveries fail on the way;
// then none is left unconfirmed.
func TestDeliverKeepsEachChatsOrder(t *testing.T) {
	f := New("123:abc")
	defer f.Close()
	h := newHook(t, "s")
	h.refuse = func(n int) bool { return n%3 == 1 }
	f.Deliver()
	setWebhook(t, f, h.URL, "s", "8")
	const chats, each = 12, 25
	want := map[int64][]int{}
	for range each {
		for c := range int64(chats) {
			want[c+1] = append(want[c+1], f.Say(c+1, "x"))
		}
	}
	if !platformtest.WaitFor(30*time.Second, func() bool { return f.Unconfirmed() == 0 }) {
		t.Fatalf("%d updates unconfirmed", f.Unconfirmed())
	}
	h.state(func() {
		for c, ids := range want {
			if got := h.took[c]; !slices.Equal(got, ids) {
				t.Fatalf("chat %d took %v, want %v", c, got, ids)
			}
		}
		if h.refused == 0 {
			t.Fatal("no delivery was refused: the test proves nothing of retries")
		}
	})
}

// An update replayed while the fake delivers to a webhook (Telegram sends
// again what it was not sure of) goes to the webhook too, and is
// confirmed there, not left for a getUpdates the bot never calls.
func TestDeliverReplayGoesToTheWebhook(t *testing.T) {
	f := New("123:abc")
	defer f.Close()
	h := newHook(t, "s")
	f.Deliver()
	setWebhook(t, f, h.URL, "s", "4")
	id := f.Say(7, "x")
	if !platformtest.WaitFor(10*time.Second, func() bool { return f.Unconfirmed() == 0 }) {
		t.Fatalf("%d updates unconfirmed", f.Unconfirmed())
	}
	f.Replay(id)
	var took []int
	ok := platformtest.WaitFor(10*time.Second, func() bool {
		h.state(func() { took = h.took[7] })
		return len(took) == 2 && f.Unconfirmed() == 0
	})
	if !ok {
		t.Fatalf("the webhook took %v, want [%d %d]; %d updates unconfirmed", took, id, id, f.Unconfirmed())
	}
}

// An update the bot refused goes again to the webhook as set now: a bot
// restarted with a new secret (or at a new address) takes it.
func TestDeliverRetriesAtTheWebhookSetSince(t *testing.T) {
	f := New("123:abc")
	defer f.Close()
	h := newHook(t, "new")
	f.Deliver()
	setWebhook(t, f, h.URL, "old", "1")
	id := f.Say(7, "x")
	if !platformtest.WaitFor(10*time.Second, func() bool {
		n := 0
		h.state(func() { n = h.refused })
		return n > 0
	}) {
		t.Fatal("the update was never offered")
	}
	setWebhook(t, f, h.URL, "new", "1")
	var took []int
	ok := platformtest.WaitFor(10*time.Second, func() bool {
		h.state(func() { took = h.took[7] })
		return len(took) == 1 && f.Unconfirmed() == 0
	})
	if !ok {
		t.Fatalf("the webhook took %v, want [%d]; %d updates unconfirmed", took, id, f.Unconfirmed())
	}
}

// Once the webhook is deleted (the bot restarted to poll), the updates it
// had not taken, and those that come after, wait for getUpdates, in order.
func TestDeliverStopsWhenTheWebhookIsDeleted(t *testing.T) {
	f := New("123:abc")
	defer f.Close()
	h := newHook(t, "s")
	h.refuse = func(int) bool { return true } // a bot that is down
	f.Deliver()
	setWebhook(t, f, h.URL, "s", "2")
	want := []int{f.Say(7, "a"), f.Say(8, "b"), f.Say(7, "c")}
	if !platformtest.WaitFor(10*time.Second, func() bool {
		n := 0
		h.state(func() { n = h.refused })
		return n > 0
	}) {
		t.Fatal("no update was offered")
	}
	setWebhook(t, f, "", "", "") // deleteWebhook's form: no url
	want = append(want, f.Say(8, "d"))
	getUpdates := func(offset int) []int {
		resp, err := http.PostForm(f.URL+"/bot"+f.Token+"/getUpdates", url.Values{"offset": {fmt.Sprint(offset)}, "timeout": {"0"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Result []struct {
				ID int `json:"update_id"`
			} `json:"result"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		var ids []int
		for _, u := range body.Result {
			ids = append(ids, u.ID)
		}
		return ids
	}
	if got := getUpdates(0); !slices.Equal(got, want) {
		t.Fatalf("getUpdates after deleteWebhook: %v, want %v", got, want)
	}
	getUpdates(want[len(want)-1] + 1)
	if n := f.Unconfirmed(); n != 0 {
		t.Fatalf("%d updates unconfirmed after getUpdates took them all", n)
	}
}
