package bot

import (
	"context"
	"slices"
	"strings"

	"sothon/flows"
	"sothon/store"
)

// pressButton takes a press on the keyboard of what the chat awaits: an
// answer, or a toggle of a multi-choice option. A key no keyboard of ours
// had changes nothing and gets a short notice.
func (t *turn) pressButton(ctx context.Context, p press) {
	if (p.kind == buttonToggle || p.kind == buttonDone) && (t.run == nil || t.run.Stage != flows.StageAsk) {
		t.Stale()
		return
	}
	keys := []string{p.key}
	if p.kind == buttonDone {
		keys = t.run.Selected
	}
	label := t.pressedLabel(ctx, keys...)
	if p.kind != buttonDone && label == "" { // a key no keyboard of ours had
		t.Stale()
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

// pressReminder answers a reminder's button: it starts a household
// review, or goes back to the questionnaire in progress.
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
