package telegramtest

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
)

// Deliver has the fake push updates to the webhook set with setWebhook,
// as Telegram does, once it is set: over as many connections at once as
// setWebhook's max_connections asks (1 to 100, 40 when it does not). An
// update is gone once the bot answered 200, and is offered again
// otherwise. Call it before the bot starts; without it, updates wait for
// getUpdates whatever the webhook.
func (f *Server) Deliver() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliver = true
}

// startDelivery starts the webhook's connections once; f.mu is held.
func (f *Server) startDelivery(maxConns string) {
	if !f.deliver || f.webhook == "" || f.delivering {
		return
	}
	f.deliveries = 40
	if n, err := strconv.Atoi(maxConns); err == nil && n >= 1 && n <= 100 {
		f.deliveries = n
	}
	f.delivering = true
	// Updates queued before the webhook go to it, as Telegram's would.
	f.outgoing = append(f.outgoing, f.updates...)
	f.updates = nil
	client := &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: f.deliveries, MaxConnsPerHost: f.deliveries}}
	for range f.deliveries {
		go f.deliverLoop(client)
	}
	f.cond.Broadcast()
}

// deliverLoop posts the oldest waiting update to the webhook until the bot
// takes it, then the next, until the fake closes.
func (f *Server) deliverLoop(client *http.Client) {
	for {
		f.mu.Lock()
		for !f.closed && len(f.outgoing) == 0 {
			f.cond.Wait()
		}
		if f.closed {
			f.mu.Unlock()
			return
		}
		u := f.outgoing[0]
		f.outgoing = f.outgoing[1:]
		url, secret := f.webhook, f.hookSecret
		f.mu.Unlock()
		for !f.post(client, url, secret, u.data) {
			f.mu.Lock()
			closed := f.closed
			f.mu.Unlock()
			if closed {
				return
			}
			time.Sleep(10 * time.Millisecond) // Telegram too waits before it tries again
		}
	}
}

// post offers one update; true when the bot answered 200.
func (f *Server) post(client *http.Client, url, secret string, data []byte) bool {
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
