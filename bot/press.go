package bot

import (
	"context"
	"slices"
	"strings"

	"sothon/flows"
	"sothon/store"
)

// waitingFor names what the chat's next answer is for, as keyboards name
// their question: what the run awaits, or the menu.
func (t *turn) waitingFor() string {
	if t.run == nil {
		return flows.AwaitMenu
	}
	return t.run.Awaits()
}

// pressButton handles a button press: an answer, or a toggle of a
// multi-choice option. A press on a keyboard of an earlier question
// changes nothing and gets a short notice.
func (t *turn) pressButton(ctx context.Context) {
	p, ok := parseButton(t.in.Button)
	if ok && p.question == reminderQuestion {
		t.pressReminder(ctx)
		return
	}
	if ok && strings.Contains(p.question, ":") {
		// A command's keyboard: the command checks that what it asked
		// about still stands. Data no keyboard of ours could carry is
		// refused before anything is looked up by it.
		if !commandQuestion(p.question) {
			t.toast = t.e.cat.T(t.lang, "button.invalid")
			return
		}
		t.closeKeyboard("")
		if !t.answerCommand(ctx, p.question, p.key) {
			t.toast = t.e.cat.T(t.lang, "button.stale")
		}
		return
	}
	multi := p.kind == buttonToggle || p.kind == buttonDone
	if !ok || p.question != t.waitingFor() || (t.run != nil && t.expired()) ||
		(multi && (t.run == nil || t.run.Stage != flows.StageAsk)) {
		t.toast = t.e.cat.T(t.lang, "button.stale")
		return
	}
	keys := []string{p.key}
	if p.kind == buttonDone {
		keys = t.run.Selected
	}
	label := t.pressedLabel(ctx, keys...)
	if p.kind != buttonDone && label == "" { // a key no keyboard of ours had
		t.toast = t.e.cat.T(t.lang, "button.stale")
		return
	}
	if p.kind == buttonToggle {
		t.toggle(ctx, p.key)
		return
	}
	answer := strings.Join(keys, ",")
	t.closeKeyboard(label)
	if t.run == nil {
		t.chooseForm(ctx, answer)
		return
	}
	t.step(ctx, t.run.Reply(t.form, t.flowContext(ctx), answer))
}

// commandQuestion reports whether a command keyboard's question is one we
// could have made: "NAME:PART[:PART…]", where the name and every part (a
// number, a list of numbers, a step such as "why", an area id) are words
// written as area ids are, separated by commas in a list.
func commandQuestion(q string) bool {
	for part := range strings.SplitSeq(q, ":") {
		for word := range strings.SplitSeq(part, ",") {
			if !store.CanonicalArea(word) {
				return false
			}
		}
	}
	return true
}

// pressedLabel is the text of the pressed option(s), shown under the
// question once its buttons are gone.
func (t *turn) pressedLabel(ctx context.Context, keys ...string) string {
	var opts []flows.Option
	if t.run == nil {
		opts = t.menuOptions(ctx)
	} else {
		opts = t.run.Options(t.form, t.flowContext(ctx))
	}
	var labels []string
	for _, k := range keys {
		for _, o := range opts {
			if o.Key == k {
				labels = append(labels, o.Label)
			}
		}
	}
	return strings.Join(labels, ", ")
}

// toggle marks or unmarks one option of a multi-choice question and
// redraws the keyboard with the marks.
func (t *turn) toggle(ctx context.Context, key string) {
	r := t.run
	if i := slices.Index(r.Selected, key); i >= 0 {
		r.Selected = slices.Delete(r.Selected, i, i+1)
	} else {
		r.Selected = append(r.Selected, key)
	}
	t.change.UserID, t.change.Run = t.user.ID, r
	if t.keyboard == nil {
		return
	}
	t.edits = append(t.edits, store.Message{Channel: t.in.Channel, ChatID: t.in.ChatID,
		Text: t.keyboard.Text, Edit: t.keyboard.MessageID, Question: r.Current, Multi: true,
		DoneLabel: t.e.cat.T(t.lang, "button.done"),
		Options:   r.Options(t.form, t.flowContext(ctx)), Selected: r.Selected})
}

// reminderQuestion marks a reminder's button: it starts a household review,
// or goes back to the questionnaire in progress, whenever it is pressed.
const reminderQuestion = flows.AwaitRemind

func (t *turn) pressReminder(ctx context.Context) {
	t.closeKeyboard("")
	if t.run != nil && !t.expired() {
		t.resume(ctx)
		return
	}
	if t.run != nil {
		t.expire()
	}
	t.chooseForm(ctx, "1")
}
