package bot

import (
	"context"
	"strconv"

	"sothon/flows"
	"sothon/store"
)

// canFillForms: village heads fill questionnaires for their own village.
func (t *turn) canFillForms() bool { return t.user.Role == store.RoleHead }

// menu offers the questionnaires, or says what the user can do instead.
func (t *turn) menu() {
	if !t.canFillForms() {
		t.replyKey("menu.not_head")
		return
	}
	t.replies = append(t.replies, flows.Prompt{Text: t.e.cat.T(t.lang, "menu.title"), Question: flows.AwaitMenu, Options: t.menuOptions()})
}

func (t *turn) menuOptions() []flows.Option {
	opts := make([]flows.Option, len(t.e.forms.Forms))
	for i, f := range t.e.forms.Forms {
		opts[i] = flows.Option{Key: strconv.Itoa(i + 1), Label: f.Title.In(t.lang)}
	}
	return opts
}

// chooseForm starts the questionnaire the user picked from the menu.
func (t *turn) chooseForm(ctx context.Context, text string) {
	if !t.canFillForms() {
		t.replyKey("menu.not_head")
		return
	}
	titles := make([]string, len(t.e.forms.Forms))
	for i, f := range t.e.forms.Forms {
		titles[i] = f.Title.In(t.lang)
	}
	i, err := flows.ParseChoice(text, titles)
	if err != nil {
		ae := err.(*flows.AnswerError)
		t.replyKey("answer.error", "reason", t.e.cat.T(t.lang, ae.Key, ae.Args...))
		t.menu()
		return
	}
	t.form = t.e.forms.Forms[i]
	run, o := flows.Start(t.form, t.user.AreaID, t.flowContext(ctx))
	t.run = run
	t.audit("run_start", t.form.ID)
	t.step(o)
}

// flowContext gives a run what it needs from outside: language, date, the
// setting of the village (urban or rural) and its register.
func (t *turn) flowContext(ctx context.Context) flows.Context {
	areaID := t.user.AreaID
	if t.run != nil {
		areaID = t.run.AreaID
	}
	c := flows.Context{Lang: t.lang, T: t.e.cat,
		Circumstances: flows.Circumstances{Now: t.in.At, Standards: t.e.standards}}
	c.Kind = t.e.setting(ctx, areaID)
	c.Register = func() ([]flows.PickerEntry, error) {
		entries, err := t.e.store.Register(ctx, areaID)
		if err != nil {
			return nil, err
		}
		out := make([]flows.PickerEntry, len(entries))
		for i, h := range entries {
			out[i] = flows.PickerEntry{ID: h.ID, Name: h.HeadName}
		}
		return out, nil
	}
	return c
}
