package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sothon/bot"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// One rule says whose question an answer is for, typed or pressed: the
// run's while a questionnaire is in progress, else the last question a
// command asked (for one message), else the menu's; a button names its
// own question, and counts for the run and the menu only while it is
// what the chat awaits.
func TestOneRuleSaysWhoseAnswerItIs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	for _, class := range []string{"poor", "near_poor"} {
		f.submit(t, "bac-kan/huyen-tung/khuoi-pai", class)
	}

	// The last question asked takes the typed answer: the card of /review,
	// asked after /approve's question, not /approve's.
	f.say(t, "o1", "1", "/approve khuoi pai")
	if card := f.say(t, "o1", "2", "/review"); card[len(card)-1].Question != "review:1" {
		t.Fatalf("the card: %+v", card)
	}
	if out := f.say(t, "o1", "3", "1"); !strings.Contains(out[len(out)-1].Text, "Đã duyệt phiếu số 1") {
		t.Fatalf("1 after the card: %+v", out)
	}
	if rv, _ := f.db.ReviewOf(ctx, 2); rv.State() != store.ReviewReceived {
		t.Fatalf("the /approve asked before the card approved form 2: %q", rv.State())
	}

	// A stale button of a command's question, pressed after another
	// command began, goes to its command, which finds what it asked about
	// decided: nothing changes, and the official is told so.
	f.say(t, "o1", "4", "/approve khuoi pai")
	if out := f.say(t, "o1", "5", "1"); !strings.Contains(out[len(out)-1].Text, "Đã duyệt 1 phiếu") {
		t.Fatalf("approving the village: %+v", out)
	}
	res, out := f.press(t, "o1", "6", bot.ButtonData("review:1", "1", false))
	if res.Toast != "" || len(out) == 0 || !strings.Contains(out[0].Text, "đã được xử lý") {
		t.Fatalf("the stale card's button: %q, %+v", res.Toast, out)
	}
	if rv, _ := f.db.ReviewOf(ctx, 1); rv.State() != store.ReviewApproved {
		t.Fatalf("the stale button changed form 1: %q", rv.State())
	}
}

// While a questionnaire is in progress, what the head types is for it,
// even just after a returned form's notice asked "type 1"; the menu's
// buttons and the run's earlier questions have passed, and a command's
// button is refused once the head's role may not use the command.
func TestTheRunComesFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	if out := f.say(t, "h1", "1", "1"); out[len(out)-1].Question != "household" {
		t.Fatalf("the household questionnaire: %+v", out)
	}
	f.returnForm(t, 1, "u-h1")
	if out := f.say(t, "h1", "2", "1"); out[len(out)-1].Question == "household" || strings.Contains(out[len(out)-1].Text, "Mở lại") {
		t.Fatalf("the run's question was not answered: %+v", out)
	}
	if u, _ := f.db.UserByID(ctx, "u-h1"); u.Awaiting != "" {
		t.Fatalf("the notice's question outlived the next message: %q", u.Awaiting)
	}
	for i, data := range []string{bot.ButtonData("menu", "1", false), bot.ButtonData("household", "1", false), bot.ButtonData("review:1", "1", false)} {
		if res, out := f.press(t, "h1", "p"+string(rune('0'+i)), data); !strings.Contains(res.Toast, "đã qua") || len(out) != 0 {
			t.Errorf("%q: toast %q, sent %+v", data, res.Toast, out)
		}
	}
}

// A button asking to confirm an out-of-the-ordinary answer ("ok:scale")
// is the run's, like its other questions: pressing "right" keeps the
// answer and the questionnaire goes on.
func TestConfirmButtonIsTheRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	var last string
	for i, text := range []string{"2", "2", "2", "dang tham gia", "5000"} {
		out := f.say(t, "h1", "m"+string(rune('0'+i)), text)
		last = out[len(out)-1].Question
	}
	if last != "ok:scale" {
		t.Fatalf("want the question confirming 5000, not %q", last)
	}
	res, out := f.press(t, "h1", "p", bot.ButtonData("ok:scale", "1", false))
	if res.Toast != "" || len(out) < 2 || !strings.Contains(out[0].Text, "→ Đúng") || out[len(out)-1].Question == "ok:scale" {
		t.Fatalf("pressing right: toast %q, sent %+v", res.Toast, out)
	}
	if run, err := f.db.Run(ctx, "u-h1"); err != nil || run.Answers["scale"] != "5000" {
		t.Fatalf("the confirmed answer: %+v, %v", run, err)
	}
}

// A command from outside the engine sees the turn as the engine's own
// commands do: it may move the questionnaire, and its Press is told
// whether its answer was pressed or typed.
func TestOthersCommandsSeeTheSameTurn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var answers []string
	again := bot.Command{Name: "again", Roles: []string{store.RoleHead},
		Run: func(ctx context.Context, turn bot.Turn, _ string) {
			turn.Ask("?", "again:1", []flows.Option{{Key: "1", Label: "một"}})
		},
		Press: func(ctx context.Context, turn bot.Turn, _, answer string) {
			answers = append(answers, fmt.Sprint(answer, turn.Pressed()))
			turn.Questionnaire().Repeat(ctx)
		}}
	forms, _ := flows.Default()
	f.eng = bot.New(bot.Config{Store: f.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return f.now },
		Commands: []bot.Command{again}})
	f.register(t, "h1")
	f.say(t, "h1", "1", "/again")
	f.say(t, "h1", "2", "một")
	f.say(t, "h1", "3", "1") // the household questionnaire
	f.say(t, "h1", "4", "/again")
	if _, out := f.press(t, "h1", "5", bot.ButtonData("again:1", "1", false)); len(out) == 0 || out[len(out)-1].Question != "household" {
		t.Fatalf("Repeat did not ask the question in progress again: %+v", out)
	}
	if strings.Join(answers, " ") != "mộtfalse 1true" {
		t.Fatalf("the command's answers: %q", answers)
	}
}
