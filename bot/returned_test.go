package bot_test

import (
	"strings"
	"testing"

	"sothon/bot"
	"sothon/flows"
	"sothon/store"
)

// returnForm returns a stored form as an official would, with the head's
// next typed answer going to the notice's question.
func (f *fixture) returnForm(t *testing.T, id uint64, head string) {
	t.Helper()
	d := store.Decision{Submission: id, Reason: "Sai hộ", By: "o1", At: f.now, AwaitUser: head, AwaitQuestion: bot.FixQuestion(id)}
	if _, _, err := f.db.Decide(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
}

// With buttons, as on Telegram: the returned forms come before the menu
// as a message of their own, with a button each that names its form; the
// menu's buttons start what they say.
func TestReturnedFormsComeBeforeTheMenu(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "near_poor")
	f.returnForm(t, 1, "u-h1")
	f.returnForm(t, 2, "u-h1")
	out := f.say(t, "h1", "1", "/menu")
	if len(out) != 2 {
		t.Fatalf("want the returned forms, then the menu: %+v", out)
	}
	block, menu := out[0], out[1]
	if block.Question != "fix:1,2" || len(block.Options) != 2 || block.Options[0] != (flows.Option{Key: "4", Label: "Sửa phiếu số 1"}) ||
		block.Options[1].Key != "5" || !strings.Contains(block.Text, "Phiếu số 2 — hộ Hộ near_poor. Lý do: Sai hộ") {
		t.Fatalf("the returned forms: %+v", block)
	}
	if menu.Question != "menu" || len(menu.Options) != 3 {
		t.Fatalf("the menu: %+v", menu)
	}
	_, started := f.press(t, "h1", "2", bot.ButtonData("menu", "1", false))
	if last := started[len(started)-1]; last.Question != "household" {
		t.Fatalf("the menu's first button: %+v", started)
	}
	f.say(t, "h1", "3", "/cancel")
	f.say(t, "h1", "4", "1")
	if res, _ := f.press(t, "h1", "5", bot.ButtonData("fix:1,2", "9", false)); res.Toast == "" {
		t.Fatal("a button no block had was taken")
	}
	if _, err := f.db.Run(ctx, "u-h1"); err == nil {
		t.Fatal("a button no block had reopened a form")
	}
	_, reopened := f.press(t, "h1", "6", bot.ButtonData("fix:1,2", "5", false))
	if !strings.Contains(reopened[len(reopened)-1].Text, "Mở lại phiếu số 2") {
		t.Fatalf("the second form's button: %+v", reopened)
	}
}

// The notice's "type 1" holds for the head's next message only: typed at
// once, 1 reopens the form; after anything else, 1 is the menu's.
func TestTheNoticesOneHoldsForOneMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.returnForm(t, 1, "u-h1")
	if out := f.say(t, "h1", "1", "1"); !strings.Contains(out[len(out)-1].Text, "Mở lại phiếu số 1") {
		t.Fatalf("1 after the notice: %+v", out)
	}
	f.say(t, "h1", "2", "/cancel")
	f.say(t, "h1", "3", "1")
	f.returnForm(t, 2, "u-h1")
	// The head answers a question of a run instead: the notice's 1 is gone.
	f.press(t, "h1", "4", bot.ButtonData("menu", "1", false))
	if u, _ := f.db.UserByID(ctx, "u-h1"); u.Awaiting != "" {
		t.Fatalf("the notice's question outlived the next message: %q", u.Awaiting)
	}
	f.say(t, "h1", "5", "/cancel")
	f.say(t, "h1", "6", "1")
	if out := f.say(t, "h1", "7", "1"); out[len(out)-1].Question != "household" {
		t.Fatalf("the menu's 1 reopened a form: %+v", out)
	}
}
