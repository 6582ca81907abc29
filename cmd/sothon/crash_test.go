package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
	"sothon/store"
)

// The real binary against the fake Bot API: 20 heads each fill a household
// questionnaire while the server is killed (SIGKILL) at random moments and
// restarted. Every update Telegram was told was received is handled, every
// head's questionnaire is stored, and a crash repeats at most the messages
// that were in flight.
func TestCrashesLoseNothing(t *testing.T) { crashes(t, false) }

// The same over a webhook: an update the server answered 200 is its own,
// whatever crash comes after, and its shared commits lose none.
func TestCrashesLoseNothingOverWebhook(t *testing.T) { crashes(t, true) }

func crashes(t *testing.T, webhook bool) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the crash test runs the binary many times")
	}
	const heads, kills = 20, 10
	dir := t.TempDir()
	fake := telegramtest.New(testToken)
	defer fake.Close()
	addr := freePort(t)
	env := append(os.Environ(), "SOTHON_TZ=Asia/Ho_Chi_Minh", "SOTHON_DB="+filepath.Join(dir, "sothon.db"),
		"SOTHON_TELEGRAM_TOKEN="+testToken, "SOTHON_TELEGRAM_API="+fake.URL, "SOTHON_ADDR="+addr,
		"SOTHON_TELEGRAM_RATE=1000", "SOTHON_TELEGRAM_CHAT_RATE=1000")
	if webhook {
		fake.Deliver()
		env = append(env, "SOTHON_TELEGRAM_WEBHOOK_URL=http://"+addr+"/webhook/telegram", "SOTHON_TELEGRAM_WEBHOOK_SECRET=crash-test-secret")
	}

	codes := make([]string, heads)
	for i := range codes {
		invite := exec.Command(binary, "invite", "--role", "head", "--area", "bac-kan/huyen-tung/khuoi-pai", "--name", fmt.Sprint("Trưởng ", i))
		invite.Env = env
		out, err := invite.CombinedOutput()
		m := regexp.MustCompile(`invite code: (\w+)`).FindSubmatch(out)
		if err != nil || m == nil {
			t.Fatalf("invite: %v %s", err, out)
		}
		codes[i] = string(m[1])
	}
	// The heads type all along, one answer each in turn, while the server
	// is killed and restarted under them.
	script := append(append([]string{""}, platformtest.HouseholdAnswers...), "1")
	updates := len(script) * heads
	fed, pushed := make(chan struct{}), atomic.Int64{}
	go func() {
		defer close(fed)
		for _, text := range script {
			for i, code := range codes {
				if text == "" {
					fake.Say(chatOf(i), "/start "+code)
				} else {
					fake.Say(chatOf(i), text)
				}
				pushed.Add(1)
				<-time.After(5 * time.Millisecond) // typing pace
			}
		}
	}()

	start := func() *exec.Cmd {
		cmd := exec.Command(binary, "serve")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	for k := range kills {
		server := start()
		// Let it start and work a random while, then kill it mid-stride.
		platformtest.WaitFor(10*time.Second, func() bool { _, ok := health(addr); return ok })
		time.AfterFunc(time.Duration(20+rand.IntN(200))*time.Millisecond, func() { server.Process.Signal(syscall.SIGKILL) })
		server.Wait()
		t.Logf("kill %d: %d updates sent, %d of them taken; %d messages delivered", k+1, pushed.Load(), int(pushed.Load())-fake.Unconfirmed(), len(fake.Delivered()))
	}
	<-fed
	server := start()
	if !platformtest.WaitFor(2*time.Minute, func() bool {
		h, ok := health(addr)
		return ok && fake.Unconfirmed() == 0 && h.Inbox == 0 && h.Outbox == 0
	}) {
		t.Fatalf("the server did not catch up: %d updates unconfirmed", fake.Unconfirmed())
	}
	server.Process.Signal(syscall.SIGTERM)
	if err := server.Wait(); err != nil {
		t.Fatalf("a clean stop: %v", err)
	}

	db, err := store.Open(filepath.Join(dir, "sothon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := 0
	if err := db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error {
		if s.Class == "poor" {
			stored++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if stored != heads {
		t.Errorf("%d questionnaires stored, want %d (one per head)", stored, heads)
	}
	if diffs, err := db.CheckCounters(context.Background()); err != nil || len(diffs) > 0 {
		t.Errorf("counters after the crashes: %v %v", diffs, err)
	}
	duplicates := 0
	for i := range heads {
		var last string
		saved, answers := false, 0
		for _, c := range fake.Delivered() {
			if c.Params["chat_id"] != strconv.FormatInt(chatOf(i), 10) {
				continue
			}
			if c.Params["text"] == last {
				duplicates++
			} else {
				answers++
			}
			last = c.Params["text"]
			saved = saved || strings.Contains(last, "Đã lưu phiếu")
		}
		if !saved || answers < len(script) {
			t.Errorf("head %d got %d answers to %d messages (saved: %v)", i, answers, len(script), saved)
		}
	}
	t.Logf("%d updates, %d kills: %d messages delivered, %d sent twice", updates, kills, len(fake.Delivered()), duplicates)
	if duplicates > kills*heads {
		t.Errorf("%d messages sent twice in %d crashes: more than the one in flight per chat", duplicates, kills)
	}
}

func chatOf(head int) int64 { return int64(7000 + head) }

type healthReport struct{ Inbox, Outbox int }

func health(addr string) (healthReport, bool) {
	var h healthReport
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return h, false
	}
	defer resp.Body.Close()
	return h, json.NewDecoder(resp.Body).Decode(&h) == nil
}
