package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
)

// typists play village heads who answer the bot's last message at once,
// taking their texts in turn, until stopped; the time from a text to the
// bot's next message to that chat is a reply latency.
type typists struct {
	fake      *telegramtest.Server
	texts     []string
	mu        sync.Mutex
	step      map[int64]int
	asked     map[int64]time.Time
	latencies []time.Duration
	stopped   bool
}

func newTypists(fake *telegramtest.Server, texts []string) *typists {
	ty := &typists{fake: fake, texts: texts, step: map[int64]int{}, asked: map[int64]time.Time{}}
	fake.OnMessage = func(c telegramtest.Call) {
		chat, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
		ty.mu.Lock()
		at, ours := ty.asked[chat]
		if ours {
			ty.latencies = append(ty.latencies, time.Since(at))
			delete(ty.asked, chat)
		}
		ty.mu.Unlock()
		if ours {
			ty.answer(chat)
		}
	}
	return ty
}

func (ty *typists) replies() int {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	return len(ty.latencies)
}

func (ty *typists) answer(chat int64) {
	ty.mu.Lock()
	if ty.stopped {
		ty.mu.Unlock()
		return
	}
	text := ty.texts[ty.step[chat]%len(ty.texts)]
	ty.step[chat]++
	ty.asked[chat] = time.Now()
	ty.mu.Unlock()
	ty.fake.Say(chat, text)
}

// stop lets the heads send nothing more, and waits for the answers to what
// they sent: a message never answered would hide the worst latency.
func (ty *typists) stop(b *testing.B) {
	ty.mu.Lock()
	ty.stopped = true
	ty.mu.Unlock()
	if !platformtest.WaitFor(30*time.Second, func() bool { ty.mu.Lock(); defer ty.mu.Unlock(); return len(ty.asked) == 0 }) {
		b.Fatalf("%d heads never got an answer", len(ty.asked))
	}
}

// BenchmarkHeadLatency measures how long registered village heads wait for
// each reply while the server is busy with others, through `sothon serve`
// on the fake Bot API: one registered chat sending 10,000 messages over two
// seconds, or 3,000 strangers writing at once. Telegram's rate limits are
// lifted, except in the last case, which keeps the bot's 30 messages a
// second (the strangers' refusals then wait for minutes). Five heads type a
// household questionnaire over and over from the start of the load until
// the server has taken all of it and answered all but the refusals, and
// at least 100 of their messages are answered.
//
//	go test ./cmd/sothon -run '^$' -bench HeadLatency -benchtime 1x
func BenchmarkHeadLatency(b *testing.B) {
	for _, tc := range []struct {
		name string
		rate string // messages a second for the whole bot
		load func(fake *telegramtest.Server, flooder int64)
	}{
		{"flood=10000", "1000000", func(fake *telegramtest.Server, flooder int64) {
			pace(10000, func(i int) { fake.Say(flooder, strconv.Itoa(i%9+1)) })
		}},
		{"strangers=3000", "1000000", strangers},
		{"strangers=3000,rate=30", "30", strangers},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				busyRun(b, 5, tc.rate, tc.load)
			}
		})
	}
}

func strangers(fake *telegramtest.Server, _ int64) {
	for i := range 3000 {
		fake.Say(int64(50000+i), "xin chào")
	}
}

// pace calls send n times, evenly over two seconds.
func pace(n int, send func(i int)) {
	const over, ticks = 2 * time.Second, 400
	start := time.Now()
	for i := range n {
		send(i)
		if due := start.Add(over * time.Duration(i*ticks/n) / ticks); time.Until(due) > 0 {
			time.Sleep(time.Until(due))
		}
	}
}

// busyRun starts the server with heads registered heads and one more
// registered chat (the flooder), runs load beside the heads, and reports
// the heads' reply latencies.
func busyRun(b *testing.B, heads int, rate string, load func(fake *telegramtest.Server, flooder int64)) {
	fake := telegramtest.New(testToken)
	defer fake.Close()
	fake.Quiet = true
	dir := b.TempDir()
	chats := registerHeads(b, dir+"/busy.db", heads+1)
	flooder, chats := chats[heads], chats[:heads]
	logs := &syncBuffer{}
	env := map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": fake.URL, "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DB": dir + "/busy.db", "SOTHON_TELEGRAM_RATE": rate, "SOTHON_TELEGRAM_CHAT_RATE": "1000000",
		"SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, logs, logs) }()
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(logs.String(), "sothon serving") }) {
		b.Fatalf("serve did not start:\n%s", logs.String())
	}
	addr := servingAddr.FindStringSubmatch(logs.String())[1]
	ty := newTypists(fake, loadAnswers)
	begin := time.Now()
	loaded := make(chan struct{})
	go func() { defer close(loaded); load(fake, flooder) }()
	for _, c := range chats {
		go ty.answer(c)
	}
	<-loaded
	// The load is dealt with once no more waits than the heads' own: one
	// message each in hand, a turn's two replies each in the outbox, besides
	// the strangers' refusals when the bot's rate is Telegram's.
	var health map[string]any
	if !platformtest.WaitFor(2*time.Minute, func() bool {
		health = healthOf(addr)
		inbox, _ := health["inbox"].(float64)
		outbox, ok := health["outbox"].(float64)
		return ok && fake.Unconfirmed() <= heads && int(inbox) <= heads && (rate != "1000000" || int(outbox) <= 2*heads) &&
			ty.replies() >= 100
	}) {
		b.Fatalf("the server did not catch up: %v", health)
	}
	ty.stop(b)
	elapsed := time.Since(begin)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	lat := ty.latencies
	slices.Sort(lat)
	ms := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50_ms")
	b.ReportMetric(ms(0.99), "p99_ms")
	b.ReportMetric(ms(1), "max_ms")
	b.ReportMetric(float64(len(lat)), "replies")
	b.ReportMetric(elapsed.Seconds(), "busy_s")
	if d, ok := health["dropped"].(float64); ok {
		b.ReportMetric(d, "dropped")
	}
}

// healthOf reads the server's /healthz, or nothing.
func healthOf(addr string) map[string]any {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return out
}
