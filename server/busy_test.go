package server

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
	think     time.Duration // before each answer
	mu        sync.Mutex
	step      map[int64]int
	asked     map[int64]time.Time
	latencies []time.Duration
	stopped   bool
}

func newTypists(fake *telegramtest.Server, texts []string, think time.Duration) *typists {
	ty := &typists{fake: fake, texts: texts, think: think, step: map[int64]int{}, asked: map[int64]time.Time{}}
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
			time.AfterFunc(ty.think, func() { ty.answer(chat) })
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

// Through the server: a registered chat's 100 messages, taken at once,
// get 20 answers and one request to slow down; the rest are acknowledged,
// dropped and counted in /healthz, and a head writing behind the flood is
// answered.
func TestServeBoundsAFlood(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const flooder, head = 701, 702
	codes := []string{h.invite("head", "bac-kan/huyen-tung/khuoi-pai"), h.invite("head", "bac-kan/huyen-tung/khuoi-pai")}
	h.start()
	h.say(flooder, "/start "+codes[0])
	h.say(head, "/start "+codes[1])
	h.stop()
	flooded, answered := len(h.sentTo(flooder)), len(h.sentTo(head))
	for range 100 {
		h.fake.Say(flooder, "/help")
	}
	h.fake.Say(head, "/help")
	h.start()
	h.settle()
	got, slowDown := h.sentTo(flooder)[flooded:], 0
	for _, c := range got {
		if strings.Contains(c.Params["text"], "gửi nhanh quá") {
			slowDown++
		}
	}
	if len(got) != 21 || slowDown != 1 || !strings.Contains(got[20].Params["text"], "gửi nhanh quá") {
		t.Errorf("the flooder got %d messages, %d of them asking to slow down; want 20 answers, then one", len(got), slowDown)
	}
	if len(h.sentTo(head)) != answered+1 {
		t.Errorf("the head behind the flood got %d answers", len(h.sentTo(head))-answered)
	}
	if health := healthOf(h.addr); health["dropped"] != 79.0 || h.fake.Unconfirmed() != 0 {
		t.Errorf("health %v, %d updates unconfirmed; want 79 dropped and everything acknowledged", health, h.fake.Unconfirmed())
	}
}

// Through the server: 100 wrong codes from 20 strangers pause wrong codes,
// not joining: the next person with a valid invite joins at once, and
// someone else's wrong code is told that many people sent wrong ones.
func TestServeValidCodeJoinsDuringAWrongCodePause(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	code := h.invite("head", "bac-kan/huyen-tung/khuoi-pai")
	h.start()
	const letters = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	for i := range 100 {
		h.fake.Say(int64(800+i%20), "/start ZZZZZZ"+string(letters[i/31])+string(letters[i%31]))
	}
	h.settle()
	if m := h.say(900, "/start "+code); !strings.Contains(m.Params["text"], "Chào mừng") {
		t.Fatalf("a valid code during the pause: %q", m.Params["text"])
	}
	if m := h.say(901, "/start ZZZZZZZZ"); !strings.Contains(m.Params["text"], "nhiều người") || strings.Contains(m.Params["text"], "Anh/chị đã nhập sai") {
		t.Fatalf("a wrong code from someone else during the pause: %q", m.Params["text"])
	}
}

// BenchmarkHeadLatency measures how long registered village heads wait for
// each reply while the server is busy with others, through `sothon serve`
// on the fake Bot API: one registered chat sending 10,000 messages over two
// seconds, or 3,000 strangers writing at once. Five heads type a household
// questionnaire over and over from the start of the load until the server
// has taken all of it and answered all but the strangers' refusals, and at
// least 100 of their messages are answered. Telegram's rate limits are
// lifted and the heads answer at once, except in the last case: there the
// bot keeps Telegram's 30 messages a second, shared with the 3,000
// refusals, and the heads take a second before each answer, so that they
// alone stay within it.
//
//	go test ./cmd/sothon -run '^$' -bench HeadLatency -benchtime 1x
func BenchmarkHeadLatency(b *testing.B) {
	for _, tc := range []busyCase{
		{name: "flood=10000", load: func(fake *telegramtest.Server, flooder int64) {
			pace(10000, func(i int) { fake.Say(flooder, strconv.Itoa(i%9+1)) })
		}},
		{name: "strangers=3000", load: strangers},
		{name: "strangers=3000,rate=30", rate: "30", think: time.Second, load: strangers},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				busyRun(b, 5, tc)
			}
		})
	}
}

// busyCase is a load beside which heads type.
type busyCase struct {
	name  string
	rate  string        // messages a second for the whole bot; "" lifts the limit
	think time.Duration // the heads' pause before each answer
	load  func(fake *telegramtest.Server, flooder int64)
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
func busyRun(b *testing.B, heads int, tc busyCase) {
	rate := tc.rate
	if rate == "" {
		rate = "1000000"
	}
	fake := telegramtest.New(testToken)
	defer fake.Close()
	fake.Quiet = true
	dir := b.TempDir()
	chats, areas := registerHeads(b, dir+"/busy.db", heads+1)
	flooder, chats := chats[heads], chats[:heads]
	logs := &syncBuffer{}
	env := map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": fake.URL, "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DB": dir + "/busy.db", "SOTHON_TELEGRAM_RATE": rate, "SOTHON_TELEGRAM_CHAT_RATE": "1000000",
		"SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServer(ctx, func(k string) string { return env[k] }, logs, savingAreas(ctx, areas)) }()
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(logs.String(), "sothon serving") }) {
		b.Fatalf("serve did not start:\n%s", logs.String())
	}
	addr := servingAddr.FindStringSubmatch(logs.String())[1]
	ty := newTypists(fake, loadAnswers, tc.think)
	begin := time.Now()
	loaded := make(chan struct{})
	go func() { defer close(loaded); tc.load(fake, flooder) }()
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
		return ok && fake.Unconfirmed() <= heads && int(inbox) <= heads && (tc.rate != "" || int(outbox) <= 2*heads) &&
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
