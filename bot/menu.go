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
	p := flows.Prompt{Text: t.e.cat.T(t.lang, "menu.title"), Question: "menu"}
	for i, f := range t.e.forms.Forms {
		p.Options = append(p.Options, flows.Option{Key: strconv.Itoa(i + 1), Label: f.Title.In(t.lang)})
	}
	t.replies = append(t.replies, p)
}

// chooseForm starts the questionnaire the user picked from the menu.
func (t *turn) chooseForm(ctx context.Context, text string) error {
	if !t.canFillForms() {
		t.replyKey("menu.not_head")
		return nil
	}
	titles := make([]string, len(t.e.forms.Forms))
	for i, f := range t.e.forms.Forms {
		titles[i] = f.Title.In(t.lang)
	}
	i, err := flows.ParseChoice(text, titles)
	if err != nil {
		t.menu()
		return nil
	}
	t.form = t.e.forms.Forms[i]
	run, o := flows.Start(t.form, t.user.AreaID, t.flowContext(ctx))
	t.run = run
	t.audit("run_start", t.form.ID)
	t.step(o)
	return nil
}

// flowContext gives a run what it needs from outside: language, date, the
// setting of the village (urban or rural) and its register.
func (t *turn) flowContext(ctx context.Context) flows.Context {
	areaID := t.user.AreaID
	if t.run != nil {
		areaID = t.run.AreaID
	}
	c := flows.Context{Lang: t.lang, T: t.e.cat,
		Facts: flows.Facts{Now: t.in.At, Standards: t.e.standards}}
	if a, err := t.e.store.Area(ctx, areaID); err == nil {
		c.Kind = a.Setting
	}
	c.Register = func() ([]flows.Household, error) {
		hhs, err := t.e.store.HouseholdsIn(ctx, areaID)
		if err != nil {
			return nil, err
		}
		out := make([]flows.Household, len(hhs))
		for i, h := range hhs {
			out[i] = flows.Household{ID: h.ID, Name: h.HeadName}
		}
		return out, nil
	}
	return c
}
