package telegramtest

import (
	"bytes"
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Deliver has the fake push updates to the webhook set with setWebhook,
// as Telegram does, once it is set: over as many connections at once as
// setWebhook's max_connections asks (1 to 100, 40 when it does not), one
// update of a chat at a time, in order (Telegram's Bot API server keeps a
// queue per chat and sends its next update once the last was taken). An
// update is gone once the bot answered 200, and is offered again
// otherwise. Call it before the bot starts; without it, updates wait for
// getUpdates whatever the webhook. deleteWebhook leaves the updates not
// yet delivered for getUpdates again.
func (f *Server) Deliver() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliver = true
}

// hookQueues are the updates waiting for the webhook: a queue per chat,
// and the chats whose next update may go, in the order they became ready.
type hookQueues struct {
	byChat  map[int64][]queued
	ready   []int64
	pending int // updates queued or being offered
}

// add queues u for its chat; f.mu is held.
func (q *hookQueues) add(u queued) {
	if q.byChat == nil {
		q.byChat = map[int64][]queued{}
	}
	waiting := q.byChat[u.chat]
	q.byChat[u.chat] = append(waiting, u)
	q.pending++
	if len(waiting) == 0 { // nothing of this chat waits or goes: it may go at once
		q.ready = append(q.ready, u.chat)
	}
}

// startDelivery starts the webhook's connections once; f.mu is held.
func (f *Server) startDelivery(maxConns string) {
	if !f.deliver || f.webhook == "" || f.delivering {
		return
	}
	conns := 40
	if n, err := strconv.Atoi(maxConns); err == nil && n >= 1 && n <= 100 {
		conns = n
	}
	f.delivering = true
	f.hookGen++
	// Updates queued before the webhook go to it, as Telegram's would.
	for _, u := range f.updates {
		f.hook.add(u)
	}
	f.updates = nil
	client := &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	for range conns {
		go f.deliverLoop(client, f.hookGen)
	}
	f.cond.Broadcast()
}

// stopDelivery, once the webhook is deleted, leaves the updates it had
// not delivered for getUpdates, in order, as Telegram does; those being
// offered go too, and may come twice. The connections end. f.mu is held.
func (f *Server) stopDelivery() {
	if !f.delivering {
		return
	}
	f.delivering = false
	f.hookGen++
	for _, waiting := range f.hook.byChat {
		f.updates = append(f.updates, waiting...)
	}
	slices.SortFunc(f.updates, func(a, b queued) int { return cmp.Compare(a.id, b.id) })
	f.hook = hookQueues{}
	f.cond.Broadcast()
}

// deliverLoop offers the next update of a ready chat until the bot takes
// it, then goes on with the next ready chat, until the fake closes or the
// webhook it delivers for (gen) is deleted.
func (f *Server) deliverLoop(client *http.Client, gen int) {
	for {
		f.mu.Lock()
		for !f.closed && f.hookGen == gen && len(f.hook.ready) == 0 {
			f.cond.Wait()
		}
		if f.closed || f.hookGen != gen {
			f.mu.Unlock()
			return
		}
		chat := f.hook.ready[0]
		f.hook.ready = f.hook.ready[1:]
		u := f.hook.byChat[chat][0]
		f.mu.Unlock()
		for !f.offer(client, u.data) {
			f.mu.Lock()
			gone := f.closed || f.hookGen != gen
			f.mu.Unlock()
			if gone {
				return
			}
			time.Sleep(10 * time.Millisecond) // Telegram too waits before it tries again
		}
		f.mu.Lock()
		if f.hookGen != gen { // deleted meanwhile: the update went back to getUpdates
			f.mu.Unlock()
			return
		}
		rest := f.hook.byChat[chat][1:]
		if len(rest) == 0 {
			delete(f.hook.byChat, chat)
		} else {
			f.hook.byChat[chat] = rest
			f.hook.ready = append(f.hook.ready, chat)
			f.cond.Signal()
		}
		f.hook.pending--
		f.mu.Unlock()
	}
}

// offer offers one update to the webhook as set now (a bot restarted
// since may have given a new address or secret); true when the bot
// answered 200.
func (f *Server) offer(client *http.Client, data []byte) bool {
	f.mu.Lock()
	url, secret := f.webhook, f.hookSecret
	f.mu.Unlock()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
