package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/officials"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

var ctx = context.Background()

// recorder is a channel that keeps what it was asked to send and can be
// told to fail.
type recorder struct {
	mu   sync.Mutex
	sent []delivery.Outbound
	fail error
}

func (r *recorder) Name() string { return "test" }

func (r *recorder) Send(_ context.Context, out delivery.Outbound) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return "", r.fail
	}
	r.sent = append(r.sent, out)
	return fmt.Sprint(len(r.sent)), nil
}

type fixture struct {
	db     *store.DB
	eng    *bot.Engine
	ch     *recorder
	sender *delivery.Sender
	now    time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: storetest.Open(t), ch: &recorder{}, now: time.Date(2023, 6, 15, 9, 0, 0, 0, time.UTC)}
	cat := locales.MustLoad()
	offices := &officials.Commands{Store: f.db, Forms: forms, Catalog: cat}
	f.eng = bot.New(bot.Config{Store: f.db, Forms: forms, Catalog: cat, Now: func() time.Time { return f.now },
		Commands: offices.List()})
	f.sender = &delivery.Sender{Store: f.db, Channel: f.ch, Now: func() time.Time { return f.now }}
	return f
}

// register makes chat a head of the demo village on the test channel.
func (f *fixture) register(t testing.TB, chat string) {
	t.Helper()
	u := store.User{ID: "u-" + chat, Name: "Head " + chat, Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, User: &u, Identity: &store.Identity{Channel: "test", ChatID: chat, UserID: u.ID}}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) say(t *testing.T, chat, msgID, text string) []delivery.Outbound {
	t.Helper()
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: msgID, Text: text}); err != nil {
		t.Fatal(err)
	}
	before := len(f.ch.sent)
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return closingsFirst(f.ch.sent[before:])
}

// closingsFirst reads a turn's messages as a person sees them: the answered
// keyboard closed, then the replies. On the wire the replies go first, so
// that the next question does not wait for the edit
// (TestNextQuestionGoesBeforeTheClosing).
func closingsFirst(sent []delivery.Outbound) []delivery.Outbound {
	var closings, rest []delivery.Outbound
	for _, m := range sent {
		if m.Edit != "" && len(m.Options) == 0 {
			closings = append(closings, m)
		} else {
			rest = append(rest, m)
		}
	}
	return append(closings, rest...)
}

func TestStrangerIsRefusedAndNothingKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out := f.say(t, "999", "1", "xin chào")
	if len(out) != 1 || !strings.Contains(out[0].Text, "/start") {
		t.Fatalf("reply: %+v", out)
	}
	if n, _ := f.db.Counter(ctx, "refusals"); n != 1 {
		t.Errorf("refusals = %d, want 1", n)
	}
	if _, err := f.db.UserByIdentity(ctx, "test", "999"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stranger stored: %v", err)
	}
	if audit, err := f.db.Audit(ctx); err != nil || len(audit) != 0 {
		t.Errorf("audit has %d entries for a stranger (%v)", len(audit), err)
	}
}

func TestRepeatedMessageIsHandledOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	f.say(t, "1", "100", "1") // household questionnaire
	f.say(t, "1", "101", "3") // third household
	out := f.say(t, "1", "101", "3")
	if len(out) != 0 {
		t.Fatalf("a repeated message got %d replies", len(out))
	}
	run, err := f.db.Run(ctx, "u-1")
	if err != nil || run.Current != "members" {
		t.Fatalf("run after repeat: current %q, %v; want members", run.Current, err)
	}
}

func TestSendFailureKeepsMessagesInOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	f.ch.fail = errors.New("network down")
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", Text: "/help"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", Text: "1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.sender.Flush(ctx); err == nil {
		t.Fatal("flush reported no error")
	}
	f.ch.fail = nil
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.ch.sent) != 2 || !strings.Contains(f.ch.sent[0].Text, "/back") || f.ch.sent[1].Question != "household" {
		t.Fatalf("after recovery: %+v", f.ch.sent)
	}
}

func TestIdleRunsExpireWithAMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	f.say(t, "1", "", "2")
	f.now = f.now.Add(71 * time.Hour)
	if n, err := f.eng.ExpireIdle(ctx); err != nil || n != 0 {
		t.Fatalf("expired %d before the limit, %v", n, err)
	}
	f.now = f.now.Add(2 * time.Hour)
	if n, err := f.eng.ExpireIdle(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	before := len(f.ch.sent)
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.ch.sent[before:]; len(got) != 1 || !strings.Contains(got[0].Text, "3 ngày") {
		t.Fatalf("expiry message: %+v", got)
	}
	if _, err := f.db.Run(ctx, "u-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("run still stored: %v", err)
	}
}

func TestChatsAreHandledConcurrently(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const chats = 20
	for i := 0; i < chats; i++ {
		f.register(t, string(rune('a'+i)))
	}
	var wg sync.WaitGroup
	for i := 0; i < chats; i++ {
		wg.Add(1)
		go func(chat string) {
			defer wg.Done()
			for j, text := range []string{"1", "2", "4", "2"} {
				if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: chat + string(rune('0'+j)), Text: text}); err != nil {
					t.Error(err)
				}
			}
		}(string(rune('a' + i)))
	}
	wg.Wait()
	for i := 0; i < chats; i++ {
		run, err := f.db.Run(ctx, "u-"+string(rune('a'+i)))
		if err != nil || run.Current != "children" || run.Answers["working_age"] != "2" {
			t.Fatalf("chat %d: %+v, %v", i, run, err)
		}
	}
}

func countSubmissions(tb testing.TB, f *fixture) int {
	tb.Helper()
	n := 0
	if err := f.db.Submissions(ctx, store.SubmissionFilter{}, func(store.Submission) error { n++; return nil }); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestInviteCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv, err := f.db.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai",
		Name: "Lục Thị Mai", By: "test", TTL: time.Hour, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	// Expired: an hour and a minute later.
	f.now = f.now.Add(61 * time.Minute)
	if out := f.say(t, "9", "1", "/start "+inv.Code); !strings.Contains(out[0].Text, "hết hạn") {
		t.Fatalf("expired code: %q", out[0].Text)
	}
	f.now = f.now.Add(-2 * time.Minute)
	// Lowercase with a dash is the same code.
	code := strings.ToLower(inv.Code[:4] + "-" + inv.Code[4:])
	if out := f.say(t, "9", "2", code); !strings.Contains(out[0].Text, "Lục Thị Mai") {
		t.Fatalf("join: %q", out[0].Text)
	}
}

// A chat that typed five wrong codes hears so once, with when to try
// again, and its next wrong codes go unanswered; a valid code still joins.
func TestWrongCodesAreThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		if out := f.say(t, "7", fmt.Sprint(i), "/start AAAAAAAA"); !strings.Contains(out[0].Text, "không đúng") {
			t.Fatalf("wrong code %d: %q", i, out[0].Text)
		}
	}
	if out := f.say(t, "7", "5", "/start AAAAAAAB"); len(out) != 1 || !strings.Contains(out[0].Text, "nhập sai mã nhiều lần") ||
		!strings.Contains(out[0].Text, "60 phút") {
		t.Fatalf("sixth wrong code: %+v", out)
	}
	if out := f.say(t, "7", "6", "/start AAAAAAAC"); len(out) != 0 {
		t.Fatalf("seventh wrong code answered: %q", out[0].Text)
	}
	inv, _ := f.db.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Now: f.now})
	if out := f.say(t, "7", "7", "/start "+inv.Code); len(out) == 0 || !strings.Contains(out[0].Text, "Chào mừng") {
		t.Fatalf("a valid code during the chat's own pause: %+v", out)
	}
}

// 100 wrong codes from 20 chats pause wrong codes for everybody, not
// joining: a valid code joins at once, a wrong one from someone else is
// told that many people sent wrong codes (not that they did), once.
func TestWrongCodesFromManyPauseOnlyWrongCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 100 {
		chat, letters := fmt.Sprint("guesser", i%20), "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
		if out := f.say(t, chat, fmt.Sprint("g", i), "/start ZZZZZZ"+string(letters[i/31])+string(letters[i%31])); len(out) != 1 {
			t.Fatalf("wrong code %d from %s: %+v", i, chat, out)
		}
	}
	inv, _ := f.db.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Now: f.now})
	if out := f.say(t, "invited", "1", "/start "+inv.Code); len(out) == 0 || !strings.Contains(out[0].Text, "Chào mừng") {
		t.Fatalf("a valid code during the pause: %+v", out)
	}
	out := f.say(t, "typo", "1", "/start BBBBBBBB")
	if len(out) != 1 || !strings.Contains(out[0].Text, "nhiều người") || !strings.Contains(out[0].Text, "60 phút") ||
		strings.Contains(out[0].Text, "Anh/chị đã nhập sai") {
		t.Fatalf("a first wrong code during the pause: %+v", out)
	}
	if out := f.say(t, "typo", "2", "/start BBBBBBBC"); len(out) != 0 {
		t.Fatalf("a second wrong code during the pause answered: %q", out[0].Text)
	}
	if out := f.say(t, "guesser3", "again", "/start CCCCCCCC"); len(out) != 1 || !strings.Contains(out[0].Text, "Anh/chị đã nhập sai") {
		t.Fatalf("a guesser's own limit: %+v", out)
	}
	f.now = f.now.Add(61 * time.Minute)
	if out := f.say(t, "typo", "3", "/start BBBBBBBD"); len(out) != 1 || !strings.Contains(out[0].Text, "Mã mời không đúng") {
		t.Fatalf("after the hour: %+v", out)
	}
}

// The update past a chat's bound is answered with a request to slow down
// and not handled; a stranger hears it at most once a minute.
func TestOverflowIsAskedToSlowDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	for i, chat := range []string{"1", "stranger", "stranger"} {
		if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: fmt.Sprint(i), Text: "1", Overflow: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.ch.sent) != 2 || f.ch.sent[0].ChatID != "1" || f.ch.sent[1].ChatID != "stranger" {
		t.Fatalf("sent %+v", f.ch.sent)
	}
	for _, m := range f.ch.sent {
		if !strings.Contains(m.Text, "gửi nhanh quá") {
			t.Errorf("to %s: %q", m.ChatID, m.Text)
		}
	}
	if _, err := f.db.Run(ctx, "u-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the update past the bound was handled: %v", err)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestForgedOrStaleButtonsChangeNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	for i, data := range []string{"t|menu|1", "d|menu|", "a|menu|9", "x|y", "a|members|1"} {
		res, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: fmt.Sprint("b", i), Button: data, CallbackID: "cb"})
		if err != nil || !strings.Contains(res.Toast, "đã qua") {
			t.Fatalf("button %q: toast %q, %v", data, res.Toast, err)
		}
	}
	if _, err := f.db.Run(ctx, "u-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a run was started by a forged button: %v", err)
	}
	res, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: "ok", Button: "a|menu|2", CallbackID: "cb"})
	if err != nil || res.Toast != "" {
		t.Fatalf("a real menu press: %q, %v", res.Toast, err)
	}
	if run, err := f.db.Run(ctx, "u-1"); err != nil || run.Form != "model" {
		t.Fatalf("menu press did not start the model questionnaire: %+v, %v", run, err)
	}
}

// One person writing from two linked chats at once loses no answer: the
// engine serialises by person, not by chat.
func TestLinkedChatsWritingAtOnceLoseNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "a")
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, Identity: &store.Identity{Channel: "zalo", ChatID: "b", UserID: "u-a"}}); err != nil {
		t.Fatal(err)
	}
	f.say(t, "a", "m1", "1") // the household form
	f.say(t, "a", "m2", "1") // the first household: now at members
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			channel, chat := "test", "a"
			if i%2 == 1 {
				channel, chat = "zalo", "b"
			}
			// members, working age, children, then yes/no answers: "2" fits each.
			if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: channel, ChatID: chat, MessageID: fmt.Sprint("c", i), Text: "2"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	run, err := f.db.Run(ctx, "u-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Trail) != 7 { // the household and six answers
		t.Fatalf("the run kept %d answers of 7: %v", len(run.Trail), run.Trail)
	}
}

// An update given up on leaves the inbox with a polite word, once.
func TestSetAsideAnswersPolitely(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "a")
	items := []store.Incoming{{Channel: "test", ChatID: "a", Payload: []byte(`{}`)}}
	if err := f.db.Receive(ctx, items); err != nil {
		t.Fatal(err)
	}
	in := bot.Inbound{Channel: "test", ChatID: "a", MessageID: "m9", IncomingID: items[0].ID}
	for range 2 { // a second time changes nothing
		if err := f.eng.SetAside(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	inbox, outbox, err := f.db.Queues(ctx)
	if err != nil || inbox != 0 || outbox != 1 {
		t.Fatalf("inbox %d, outbox %d, %v", inbox, outbox, err)
	}
	if msgs, _ := f.db.Outbox(ctx, "test", 10); !strings.Contains(msgs[0].Text, "gửi lại") {
		t.Fatalf("reply: %q", msgs[0].Text)
	}
}

// A stranger hears the refusal once a day however much they send, and
// none of their messages' ids is kept.
func TestStrangersCostNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 300 {
		chat := fmt.Sprint("s", i%3)
		if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: fmt.Sprint(i), Text: "xin chào", At: f.now}); err != nil {
			t.Fatal(err)
		}
	}
	if _, outbox, err := f.db.Queues(ctx); err != nil || outbox != 3 {
		t.Fatalf("%d refusals queued for 3 strangers' 300 messages (%v)", outbox, err)
	}
	if n, err := f.db.Counter(ctx, "refusals"); err != nil || n != 300 {
		t.Fatalf("refusals counted: %d, %v", n, err)
	}
	// Their ids were not kept: the same id again is not a "duplicate", and
	// the next day brings one more refusal.
	f.now = f.now.Add(25 * time.Hour)
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "s0", MessageID: "0", Text: "xin chào", At: f.now}); err != nil {
		t.Fatal(err)
	}
	if _, outbox, _ := f.db.Queues(ctx); outbox != 4 {
		t.Fatalf("after a day: %d refusals queued, want 4", outbox)
	}
}

// A link code joins a chat of the other channel only; the chats the person
// had are told, and /unlink there undoes it.
func TestLinkIsSeenAndUndone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "a")
	out := f.say(t, "a", "1", "/link")
	code := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(out[0].Text, "Mã liên kết: "))[0], ".")
	// Another chat of the same channel cannot use it.
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "x", MessageID: "2", Text: code}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UserByIdentity(ctx, "test", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a chat of the same channel was linked: %v", err)
	}
	// A chat on another channel can, and the first chat hears of it.
	if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "zalo", ChatID: "z", MessageID: "3", Text: code}); err != nil {
		t.Fatal(err)
	}
	if u, err := f.db.UserByIdentity(ctx, "zalo", "z"); err != nil || u.ID != "u-a" {
		t.Fatalf("the zalo chat: %+v, %v", u, err)
	}
	msgs, _ := f.db.Outbox(ctx, "test", 10)
	if len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Text, "/unlink") {
		t.Fatalf("the first chat was not told: %+v", msgs)
	}
	if out := f.say(t, "a", "4", "/unlink"); !strings.Contains(out[len(out)-1].Text, "Đã gỡ 1") {
		t.Fatalf("/unlink: %q", out[len(out)-1].Text)
	}
	if _, err := f.db.UserByIdentity(ctx, "zalo", "z"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the zalo chat is still linked: %v", err)
	}
}

// Wrong codes are counted in the store: a restart lifts no pause, and many
// chats trying a few codes each pause wrong codes for everybody, while a
// valid code still joins.
func TestThrottleSurvivesRestartAndIsGlobal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 5 {
		f.say(t, "7", fmt.Sprint("a", i), "/start AAAAAAAA")
	}
	forms, _ := flows.Default()
	f.eng = bot.New(bot.Config{Store: f.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return f.now }}) // a restart
	if out := f.say(t, "7", "a6", "/start AAAAAAAB"); len(out) != 1 || !strings.Contains(out[0].Text, "nhập sai mã nhiều lần") {
		t.Fatalf("after a restart: %+v", out)
	}
	for c := range 24 { // 24 chats × 4 tries, with the 6 above: past 100 in the hour
		for i := range 4 {
			f.say(t, fmt.Sprint("g", c), fmt.Sprint("g", c, i), "/start BBBBBBBB")
		}
	}
	f.eng = bot.New(bot.Config{Store: f.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return f.now }}) // a restart
	if out := f.say(t, "fresh", "f1", "/start CCCCCCCC"); len(out) != 1 || !strings.Contains(out[0].Text, "nhiều người") {
		t.Fatalf("a new chat's wrong code during a flood of wrong codes: %v", out)
	}
	inv, _ := f.db.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Now: f.now})
	if out := f.say(t, "fresh", "f2", "/start "+inv.Code); len(out) == 0 || !strings.Contains(out[0].Text, "Chào mừng") {
		t.Fatalf("a valid code during a flood of wrong codes: %v", out)
	}
}

// Every message of a registered user, a command or an answer, keeps when
// they last wrote, for the console's list of users.
func TestLastMessageIsKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	f.say(t, "1", "m1", "/help")
	first := f.now
	f.now = f.now.Add(time.Hour)
	f.say(t, "1", "m2", "1")
	u, err := f.db.UserByID(ctx, "u-1")
	if err != nil || !u.LastMessage.Equal(f.now) || u.LastMessage.Equal(first) {
		t.Fatalf("last message %v, want %v (%v)", u.LastMessage, f.now, err)
	}
	// It is kept to the minute, as the console shows it: written again
	// only when the minute changes.
	minute := f.now.Truncate(time.Minute)
	for i, step := range []time.Duration{10 * time.Second, 40 * time.Second, 30 * time.Second} {
		f.now = f.now.Add(step)
		f.say(t, "1", fmt.Sprint("m", i+3), "/help")
		u, err := f.db.UserByID(ctx, "u-1")
		if err != nil || !u.LastMessage.Equal(f.now.Truncate(time.Minute)) {
			t.Fatalf("after %v: last message %v, want %v (%v)", f.now.Sub(minute), u.LastMessage, f.now.Truncate(time.Minute), err)
		}
	}
}
