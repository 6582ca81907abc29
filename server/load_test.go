package server

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/telegram/telegramtest"
	"sothon/store"
	"sothon/tree"
)

// loadAnswers is a household questionnaire typed by a head: 24 messages.
var loadAnswers = []string{"1", "3", "5", "2", "2", "4tr5", "co", "khong", "có", "k", "k", "k",
	"-", "-", "45", "co", "co", "co", "co", "2,3", "co", "1", "-", "1"}

// heads plays N village heads on a fake Bot API: each answers the bot's
// last message at once, and the time from answer to the next question is
// the reply latency.
type heads struct {
	fake      *telegramtest.Server
	answers   []string
	mu        sync.Mutex
	step      map[int64]int
	asked     map[int64]time.Time
	latencies []time.Duration
	left      sync.WaitGroup
	msgs      atomic.Int64
}

func newHeads(fake *telegramtest.Server, n int, answers []string) *heads {
	h := &heads{fake: fake, answers: answers, step: map[int64]int{}, asked: map[int64]time.Time{}}
	h.left.Add(n)
	fake.OnMessage = h.onMessage
	return h
}

func (h *heads) answer(chat int64) {
	h.mu.Lock()
	i := h.step[chat]
	if i >= len(h.answers) {
		h.mu.Unlock()
		h.left.Done()
		return
	}
	h.step[chat] = i + 1
	h.asked[chat] = time.Now()
	h.mu.Unlock()
	h.msgs.Add(1)
	h.fake.Say(chat, h.answers[i])
}

func (h *heads) onMessage(c telegramtest.Call) {
	chat, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	h.mu.Lock()
	if at, ok := h.asked[chat]; ok {
		h.latencies = append(h.latencies, time.Since(at))
		delete(h.asked, chat)
	}
	h.mu.Unlock()
	h.answer(chat)
}

// report runs the heads until all are done and reports the figures.
func (h *heads) report(b *testing.B, chats []int64, start func()) {
	stop := make(chan struct{})
	var peak atomic.Uint64
	go samplePeak(stop, &peak)
	begin := time.Now()
	start()
	for _, c := range chats {
		go h.answer(c)
	}
	h.left.Wait()
	elapsed := time.Since(begin)
	close(stop)
	slices.Sort(h.latencies)
	pct := func(p float64) float64 {
		if len(h.latencies) == 0 {
			return 0
		}
		return float64(h.latencies[int(p*float64(len(h.latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(h.msgs.Load())/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(0.5), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak_heap_MB")
}

func samplePeak(stop chan struct{}, peak *atomic.Uint64) {
	var m runtime.MemStats
	for {
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

var loadSizes = []int{10, 100, 1000}

// BenchmarkTelegramLoad runs N heads through the household questionnaire
// against `sothon serve` (real engine, bbolt with durable commits, outbox,
// library client) on a fake Bot API. The platform's rate limits are
// lifted so that the figures show the program, not the limiter.
//
//	go test ./cmd/sothon -run '^$' -bench 'TelegramLoad|EchoCeiling' -benchtime 1x
func BenchmarkTelegramLoad(b *testing.B) { bySize(b, loadRun) }

// bySize runs one load run per op for each number of heads.
func bySize(b *testing.B, run func(*testing.B, int)) {
	for _, n := range loadSizes {
		b.Run(fmt.Sprintf("heads=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				run(b, n)
			}
		})
	}
}

func loadRun(b *testing.B, n int) {
	fake := telegramtest.New(testToken)
	defer fake.Close()
	fake.Quiet = true
	dbPath := filepath.Join(b.TempDir(), "load.db")
	chats := registerHeads(b, dbPath, n)
	env := map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": fake.URL, "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DB": dbPath, "SOTHON_TELEGRAM_RATE": "1000000", "SOTHON_TELEGRAM_CHAT_RATE": "1000000"}
	h := newHeads(fake, n, loadAnswers)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	h.report(b, chats, func() {
		go func() {
			done <- runServer(ctx, func(k string) string { return env[k] }, io.Discard, nil)
		}()
	})
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// registerHeads writes n heads of the demo village straight into the database.
func registerHeads(b *testing.B, path string, n int) []int64 {
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveAreas(context.Background(), tree.Default()); err != nil {
		b.Fatal(err)
	}
	chats := make([]int64, n)
	for i := range chats {
		chats[i] = int64(10000 + i)
		u := store.User{Name: fmt.Sprint("head ", i), Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
		if _, err := db.Apply(context.Background(), store.Change{User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: strconv.FormatInt(chats[i], 10)}}); err != nil {
			b.Fatal(err)
		}
	}
	return chats
}

// BenchmarkEchoCeiling is the same traffic through a bare echo bot on the
// same library and the same fake server: long polling, one reply per
// message, nothing stored. It is the most any bot on this stack can do.
func BenchmarkEchoCeiling(b *testing.B) { bySize(b, echoRun) }

func echoRun(b *testing.B, n int) {
	fake := telegramtest.New(testToken)
	defer fake.Close()
	fake.Quiet = true
	chats := make([]int64, n)
	for i := range chats {
		chats[i] = int64(10000 + i)
	}
	h := newHeads(fake, n, loadAnswers)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.report(b, chats, func() { go echoBot(ctx, fake.URL) })
}

func echoBot(ctx context.Context, api string) {
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(testToken, api+"/bot%s/%s")
	if err != nil {
		return
	}
	offset := 0
	for ctx.Err() == nil {
		updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1})
		if err != nil {
			continue
		}
		for _, u := range updates {
			offset = u.UpdateID + 1
			if u.Message != nil {
				bot.Send(tgbotapi.NewMessage(u.Message.Chat.ID, u.Message.Text))
			}
		}
	}
}
