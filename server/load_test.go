package server

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// phase is what one load run measured.
type phase struct {
	msgs          int64
	elapsed       time.Duration
	p50, p99, max time.Duration
	cpu           time.Duration // user and system time of the whole process
	peakHeap      uint64
	// allocated and mallocs are the bytes and objects the whole process
	// allocated over the run: they move little with the machine's load,
	// where its CPU does.
	allocated, mallocs uint64
	load               float64 // the machine's one-minute load average at the end
}

func (p phase) perSecond() float64 { return float64(p.msgs) / p.elapsed.Seconds() }

func (p phase) cpuPerMsg() time.Duration { return p.cpu / time.Duration(max(p.msgs, 1)) }

// allocsPerMsg is the bytes (KB) and objects allocated a message.
func (p phase) allocsPerMsg() (kb, objects float64) {
	n := float64(max(p.msgs, 1))
	return float64(p.allocated) / 1024 / n, float64(p.mallocs) / n
}

// run starts the bot, lets the heads answer until all are done, and
// measures the run.
func (h *heads) run(chats []int64, start func()) phase {
	runtime.GC()
	stop := make(chan struct{})
	var peak atomic.Uint64
	sampled := make(chan struct{})
	go func() { samplePeak(stop, &peak); close(sampled) }()
	var mem0 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	cpu0 := processCPU()
	begin := time.Now()
	start()
	for _, c := range chats {
		go h.answer(c)
	}
	h.left.Wait()
	elapsed := time.Since(begin)
	cpu := processCPU() - cpu0
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	close(stop)
	<-sampled
	h.mu.Lock()
	defer h.mu.Unlock()
	slices.Sort(h.latencies)
	pct := func(p float64) time.Duration {
		if len(h.latencies) == 0 {
			return 0
		}
		return h.latencies[int(p*float64(len(h.latencies)-1))]
	}
	return phase{msgs: h.msgs.Load(), elapsed: elapsed, p50: pct(0.5), p99: pct(0.99), max: pct(1),
		cpu: cpu, peakHeap: peak.Load(), load: loadAverage(),
		allocated: mem.TotalAlloc - mem0.TotalAlloc, mallocs: mem.Mallocs - mem0.Mallocs}
}

// processCPU is the user and system time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's one-minute load average, 0 where unknown.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return f
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

// loadSizes are the numbers of heads; SOTHON_LOAD_HEADS (say "1000,10000")
// chooses others.
func loadSizes(b *testing.B) []int {
	v := os.Getenv("SOTHON_LOAD_HEADS")
	if v == "" {
		return []int{10, 100, 1000}
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("SOTHON_LOAD_HEADS: %q is not a number of heads", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// loadWebhook tells whether sothon takes its updates by webhook
// (SOTHON_LOAD_WEBHOOK=1), which the fake Bot API pushes many at once as
// Telegram does, rather than by long polling, 100 at a time (the
// default). The echo bot polls either way.
func loadWebhook() bool { return os.Getenv("SOTHON_LOAD_WEBHOOK") == "1" }

// BenchmarkTelegramLoad runs N heads through the household questionnaire
// against `sothon serve` (real engine, bbolt with durable commits, outbox,
// library client) on a fake Bot API, and the same traffic through a bare
// echo bot on the same library and the same fake, one after the other in
// every op, so that both meet the same load on the machine. The platform's
// rate limits are lifted so that the figures show the program, not the
// limiter. Each op prints both runs and their ratios.
//
//	go test ./server -run '^$' -bench TelegramLoad -benchtime 5x
//
// With -benchtime 5x, five pairs run and the figures reported are their
// medians; each pair's are logged, after the pair of the testing
// package's first run (one op), which is logged but not counted.
func BenchmarkTelegramLoad(b *testing.B) {
	for _, n := range loadSizes(b) {
		b.Run(fmt.Sprintf("heads=%d", n), func(b *testing.B) {
			var echo, bot []phase
			for i := 0; i < b.N; i++ {
				// Labelled so that a profile can be read for one run:
				// go tool pprof -tagfocus run=sothon.
				pprof.Do(context.Background(), pprof.Labels("run", "echo"), func(context.Context) {
					echo = append(echo, echoRun(b, n))
				})
				pprof.Do(context.Background(), pprof.Labels("run", "sothon"), func(context.Context) {
					bot = append(bot, loadRun(b, n))
				})
			}
			for i := range bot {
				e, s := echo[i], bot[i]
				skb, sobj := s.allocsPerMsg()
				ekb, eobj := e.allocsPerMsg()
				b.Logf("heads=%d load %.2f/%.2f | sothon %.0f msgs/s p50 %s p99 %s max %s cpu/msg %s heap %.1f MB "+
					"| echo %.0f msgs/s p50 %s p99 %s max %s cpu/msg %s heap %.1f MB | sothon/echo %.1f %%, cpu ×%.2f "+
					"| allocated a message: sothon %.1f KB in %.0f objects, echo %.1f KB in %.0f",
					n, e.load, s.load,
					s.perSecond(), ms(s.p50), ms(s.p99), ms(s.max), us(s.cpuPerMsg()), mb(s.peakHeap),
					e.perSecond(), ms(e.p50), ms(e.p99), ms(e.max), us(e.cpuPerMsg()), mb(e.peakHeap),
					100*s.perSecond()/e.perSecond(), float64(s.cpuPerMsg())/float64(e.cpuPerMsg()),
					skb, sobj, ekb, eobj)
			}
			// With -benchtime Nx, every figure is the median of the N
			// pairs, each ratio taken within its pair: the machine's
			// phase moves the ratios of one pair by a fifth.
			med := func(f func(s, e phase) float64) float64 {
				v := make([]float64, len(bot))
				for i := range bot {
					v[i] = f(bot[i], echo[i])
				}
				slices.Sort(v)
				if n := len(v); n%2 == 0 {
					return (v[n/2-1] + v[n/2]) / 2
				}
				return v[len(v)/2]
			}
			msec := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(med(func(s, _ phase) float64 { return s.perSecond() }), "msgs/s")
			b.ReportMetric(med(func(s, _ phase) float64 { return msec(s.p50) }), "p50_ms")
			b.ReportMetric(med(func(s, _ phase) float64 { return msec(s.p99) }), "p99_ms")
			b.ReportMetric(med(func(s, _ phase) float64 { return msec(s.max) }), "max_ms")
			b.ReportMetric(med(func(s, _ phase) float64 { return float64(s.cpuPerMsg().Microseconds()) }), "cpu_us/msg")
			b.ReportMetric(med(func(s, _ phase) float64 { return mb(s.peakHeap) }), "peak_heap_MB")
			b.ReportMetric(med(func(_, e phase) float64 { return e.perSecond() }), "echo_msgs/s")
			b.ReportMetric(med(func(_, e phase) float64 { return msec(e.p99) }), "echo_p99_ms")
			b.ReportMetric(med(func(_, e phase) float64 { return float64(e.cpuPerMsg().Microseconds()) }), "echo_cpu_us/msg")
			b.ReportMetric(med(func(s, e phase) float64 { return 100 * s.perSecond() / e.perSecond() }), "%_of_echo")
			b.ReportMetric(med(func(s, e phase) float64 { return float64(s.cpuPerMsg()) / float64(e.cpuPerMsg()) }), "cpu_x_echo")
			b.ReportMetric(med(func(s, _ phase) float64 { kb, _ := s.allocsPerMsg(); return kb }), "KB/msg")
			b.ReportMetric(med(func(s, _ phase) float64 { _, objects := s.allocsPerMsg(); return objects }), "allocs/msg")
		})
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
func us(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }
func mb(n uint64) float64       { return float64(n) / (1 << 20) }

func loadRun(b *testing.B, n int) phase {
	fake := telegramtest.New(testToken)
	defer fake.Close()
	fake.Quiet = true
	dbPath := filepath.Join(b.TempDir(), "load.db")
	chats, areas := registerHeads(b, dbPath, n)
	env := map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": fake.URL, "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DB": dbPath, "SOTHON_TELEGRAM_RATE": "1000000", "SOTHON_TELEGRAM_CHAT_RATE": "1000000"}
	if loadWebhook() {
		addr := freePort(b)
		fake.Deliver()
		env["SOTHON_ADDR"] = addr
		env["SOTHON_TELEGRAM_WEBHOOK_URL"] = "http://" + addr + "/webhook/telegram"
		env["SOTHON_TELEGRAM_WEBHOOK_SECRET"] = "load-webhook-secret"
	}
	// The file is opened and its villages saved before the clock starts:
	// the run measures the messages, not the program's start.
	ctx, cancel := context.WithCancel(context.Background())
	run, db, err := prepareServer(ctx, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	// openTestDB saves the built-in tree; the heads' villages go back in.
	if err := db.SaveAreas(ctx, areas); err != nil {
		b.Fatal(err)
	}
	h := newHeads(fake, n, loadAnswers)
	done := make(chan error, 1)
	p := h.run(chats, func() {
		go func() { done <- run(ctx) }()
	})
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	db.Close()
	// Every head's questionnaire was stored: the run measured the work.
	db, err = store.Open(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	saved := 0
	db.Submissions(context.Background(), store.SubmissionFilter{}, func(store.Submission) error { saved++; return nil })
	if saved != n {
		b.Fatalf("%d questionnaires stored for %d heads", saved, n)
	}
	return p
}

// registerHeads writes n heads straight into the database, each of their
// own village with the demo village's register, as in a province: each
// head reviews households of their own. It returns their chats and the
// area tree with their villages.
func registerHeads(b *testing.B, path string, n int) ([]int64, []tree.Area) {
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	areas := tree.Default()
	demo := slices.IndexFunc(areas, func(a tree.Area) bool { return a.ID == "bac-kan/huyen-tung/khuoi-pai" })
	if demo < 0 {
		b.Fatal("no demo village in the built-in tree")
	}
	villages := make([]string, n)
	for i := range villages {
		v := areas[demo]
		v.ID, v.Name, v.Order = fmt.Sprintf("%s/load-%05d", v.Parent, i), fmt.Sprint("Tổ ", i), len(areas)+i
		villages[i] = v.ID
		areas = append(areas, v)
	}
	if err := db.SaveAreas(context.Background(), areas); err != nil {
		b.Fatal(err)
	}
	chats := make([]int64, n)
	for i := range chats {
		chats[i] = int64(10000 + i)
		u := store.User{Name: fmt.Sprint("head ", i), Role: store.RoleHead, AreaID: villages[i], Lang: "vi"}
		if _, err := db.Apply(context.Background(), store.Change{User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: strconv.FormatInt(chats[i], 10)}}); err != nil {
			b.Fatal(err)
		}
	}
	return chats, areas
}

// echoRun is the same traffic through a bare echo bot on the same library
// and the same fake server: long polling, one reply per message, nothing
// stored. It is the most any bot on this stack can do.
func echoRun(b *testing.B, n int) phase {
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
	return h.run(chats, func() { go echoBot(ctx, fake.URL) })
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
