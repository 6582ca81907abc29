package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/store"
)

// canFillForms: village heads fill questionnaires for their own village.
func (t *turn) canFillForms() bool { return t.user.Role == store.RoleHead }

// maxFixChoices bounds the returned forms offered before the menu; /fix
// lists them all.
const maxFixChoices = 5

// menu offers the questionnaires, after the village's returned forms with
// choices of their own. From then on a number typed means what the menu
// says: a question asked earlier (a returned form's "type 1") is dropped.
func (t *turn) menu(ctx context.Context) {
	if !t.canFillForms() {
		t.replyKey("menu.not_head")
		return
	}
	t.await("")
	if returned := t.returned(ctx); len(returned) > 0 {
		t.replies = append(t.replies, t.returnedBlock(ctx, returned))
	}
	for _, c := range t.e.commands {
		if c.Offer == nil || !c.allows(t.user.Role) {
			continue
		}
		if line := c.Offer(ctx, t); line != "" {
			t.replies = append(t.replies, textPrompt(line))
		}
	}
	// The menu is what the chat awaits once shown, and chooseForm reads a
	// title typed as its option: its labels are answers (Typed) unless two
	// titles could be taken for one another.
	opts := t.menuOptions(ctx)
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = o.Label
	}
	t.replies = append(t.replies, flows.Prompt{Text: t.e.cat.T(t.lang, "menu.title"), Question: flows.AwaitMenu, Options: opts,
		Typed: flows.PlainLabels(labels)})
}

func (t *turn) menuOptions(ctx context.Context) []flows.Option {
	forms := t.offeredForms(ctx)
	opts := make([]flows.Option, len(forms))
	for i, f := range forms {
		opts[i] = flows.Option{Key: strconv.Itoa(i + 1), Label: f.Title.In(t.lang)}
	}
	return opts
}

// returned are the village's returned forms to offer before the menu,
// oldest first: not the one this turn sends the correction of.
func (t *turn) returned(ctx context.Context) []store.Submission {
	all, err := t.e.store.ReturnedIn(ctx, t.user.AreaID)
	if err != nil {
		t.e.log.Error("returned forms", "err", err)
		return nil
	}
	var out []store.Submission
	for _, s := range all {
		if t.change.Submission != nil && t.change.Submission.Replaces == s.ID {
			continue
		}
		out = append(out, s)
	}
	return out
}

// fixOptions are the choices of the returned forms shown, numbered after
// the questionnaires so that the menu's numbers never reopen one.
func (t *turn) fixOptions(ctx context.Context, shown []store.Submission) []flows.Option {
	opts := make([]flows.Option, len(shown))
	for i, s := range shown {
		opts[i] = flows.Option{Key: strconv.Itoa(len(t.offeredForms(ctx)) + 1 + i), Label: t.e.cat.T(t.lang, "fix.choice", "id", s.ID)}
	}
	return opts
}

// fixShown are the returned forms the block before the menu offers: as
// many as fit in its buttons' data, which names them.
func fixShown(returned []store.Submission, lastKey int) []store.Submission {
	shown := returned[:min(len(returned), maxFixChoices)]
	for len(shown) > 1 && len(ButtonData(fixListQuestion(shown), strconv.Itoa(lastKey), false)) > maxButtonData {
		shown = shown[:len(shown)-1]
	}
	return shown
}

// maxButtonData is Telegram's limit on a button's data.
const maxButtonData = 64

// returnedBlock lists the returned forms with their reasons, each with a
// choice that reopens it.
func (t *turn) returnedBlock(ctx context.Context, returned []store.Submission) flows.Prompt {
	shown := fixShown(returned, len(t.offeredForms(ctx))+maxFixChoices)
	lines := []string{t.e.cat.T(t.lang, "fix.block")}
	for _, s := range shown {
		reason := ""
		if rv, err := t.e.store.ReviewOf(ctx, s.ID); err == nil {
			reason = rv.Last().Reason
		}
		lines = append(lines, t.e.cat.T(t.lang, "fix.block_line", "id", s.ID, "household", s.HouseholdName, "reason", reason))
	}
	if more := len(returned) - len(shown); more > 0 {
		lines = append(lines, t.e.cat.T(t.lang, "fix.block_more", "count", more))
	}
	return flows.Prompt{Text: strings.Join(lines, "\n"), Question: fixListQuestion(shown), Options: t.fixOptions(ctx, shown)}
}

// chooseForm starts the questionnaire the user picked from the menu, or
// reopens the returned form picked from the block before it.
func (t *turn) chooseForm(ctx context.Context, text string) {
	if !t.canFillForms() {
		t.replyKey("menu.not_head")
		return
	}
	forms := t.offeredForms(ctx)
	shown := fixShown(t.returned(ctx), len(forms)+maxFixChoices)
	var labels []string
	for _, o := range append(t.menuOptions(ctx), t.fixOptions(ctx, shown)...) {
		labels = append(labels, o.Label)
	}
	i, err := flows.ParseChoice(text, labels)
	if err != nil {
		ae := err.(*flows.AnswerError)
		t.replyKey("answer.error", "reason", t.e.cat.T(t.lang, ae.Key, ae.Args...))
		t.menu(ctx)
		return
	}
	if i >= len(forms) {
		t.reopen(ctx, shown[i-len(forms)].ID)
		return
	}
	t.form = forms[i]
	run, o := flows.Start(t.form, t.user.AreaID, t.flowContext(ctx))
	t.run = run
	t.audit("run_start", t.form.ID)
	t.step(ctx, o)
}

// flowContext gives a run what it needs from outside: language, date, the
// setting of the village (urban or rural), its register and the latest
// classification of a household picked.
func (t *turn) flowContext(ctx context.Context) flows.Context {
	areaID := t.user.AreaID
	if t.run != nil {
		areaID = t.run.AreaID
	}
	c := flows.Context{Lang: t.lang, T: t.e.cat,
		Circumstances: flows.Circumstances{Now: t.in.At, Standards: t.e.standards, LowIncome: t.e.lowIncome, ClassifyAt: t.classifyAt(ctx, areaID)}}
	c.Kind = t.e.setting(ctx, areaID)
	c.Classification = func(id string) flows.Classification {
		k, ok := t.known[id]
		if !ok {
			k = t.classification(ctx, id)
			if t.known == nil {
				t.known = map[string]flows.Classification{}
			}
			t.known[id] = k
		}
		return k
	}
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
	c.HouseholdNotice = func(id string) string { return t.householdNotice(ctx, id) }
	fetcher := t.e.fetcher(t.in.Channel)
	c.NoMedia = fetcher == nil
	if p, ok := fetcher.(PlaceSender); ok {
		c.NoPlace = !p.SendsPlaces()
	}
	return c
}

// classifyAt is the day whose poverty standard classifies the village's
// forms: by the kind of its open round (an annual round's is 1 January
// after it), else today.
func (t *turn) classifyAt(ctx context.Context, areaID string) time.Time {
	if r, err := t.e.store.RoundFor(ctx, areaID); err == nil && r != nil {
		return r.ClassifyAt(t.in.At)
	}
	return t.in.At
}

// offeredForms are the questionnaires the menu offers: a form made for a
// poverty standard other than the one the village's forms classify by now
// is left out, when the set has one made for that standard.
func (t *turn) offeredForms(ctx context.Context) []*flows.Form {
	if t.offered != nil {
		return t.offered
	}
	std := t.e.standards.At(t.classifyAt(ctx, t.user.AreaID)).ID
	all := t.e.forms.Forms
	has := slices.ContainsFunc(all, func(f *flows.Form) bool { return f.Standard == std })
	for _, f := range all {
		if !has || f.Standard == "" || f.Standard == std {
			t.offered = append(t.offered, f)
		}
	}
	return t.offered
}

// householdNotice tells a head picking a household for a form that
// classifies it what the open round has of it already: the new form
// will replace an approved one when approved, void one still waiting, or
// correct a returned one.
func (t *turn) householdNotice(ctx context.Context, id string) string {
	if t.form == nil || t.form.ByRole(flows.RoleClass) == nil {
		return ""
	}
	st, err := t.e.store.HouseholdStanding(ctx, id)
	if err != nil {
		return ""
	}
	rs, ok := st.Open()
	if !ok {
		return ""
	}
	switch d := rs.Approved.Decision; {
	case rs.State == store.RoundPending:
		return t.e.cat.T(t.lang, "picker.has_waiting", "id", rs.Pending.Form, "class", t.e.cat.T(t.lang, "lists.class."+rs.Pending.Class))
	case rs.State == store.RoundReturned:
		return t.e.cat.T(t.lang, "picker.has_returned", "id", rs.Forms[len(rs.Forms)-1])
	case d.Form != 0:
		return t.approvedAlready(d)
	}
	return ""
}

// approvedAlready says a household stands at an approved form, which a
// new form replaces once approved.
func (t *turn) approvedAlready(d store.Outcome) string {
	return t.e.cat.T(t.lang, "picker.has_approved", "id", d.Form, "class", t.e.cat.T(t.lang, "lists.class."+d.Class),
		"date", d.At.In(t.in.At.Location()).Format("02/01/2006"))
}
