package bot

import "context"

// Questionnaire is a chat's questionnaire in progress, or, with none, its
// menu of them: what the engine's commands move, through the Turn as any
// command may.
type Questionnaire interface {
	// Start goes back to the questionnaire in progress, or shows the menu.
	Start(ctx context.Context)
	// Back goes back to the question before.
	Back(ctx context.Context)
	// Cancel asks before throwing the questionnaire in progress away.
	Cancel(ctx context.Context)
	// Menu shows the menu; with a questionnaire in progress it first asks
	// whether to throw that one away.
	Menu(ctx context.Context)
	// Choose takes text as a choice from the menu.
	Choose(ctx context.Context, text string)
	// Reopen starts the correction of a returned form of the village.
	Reopen(ctx context.Context, submission uint64)
	// Repeat asks the question in progress again, as in the language now
	// set; with none it does nothing.
	Repeat(ctx context.Context)
	// InProgress is the title of the questionnaire in progress, "" for
	// none: while one is, typed answers are its, so a command that asks
	// for typed answers waits for it to end. One that expired is dropped
	// here, with a word.
	InProgress() string
	// Offered is how many questionnaires the menu offers: the returned
	// forms listed before it are numbered after them.
	Offered(ctx context.Context) int
}

// questionnaire is a turn's Questionnaire.
type questionnaire struct{ t *turn }

func (q questionnaire) Start(ctx context.Context) {
	if t := q.t; t.run != nil && !t.expired() {
		t.resume(ctx)
		return
	}
	q.t.menu(ctx)
}

func (q questionnaire) Back(ctx context.Context) {
	if t := q.t; q.inProgress(ctx) {
		t.step(ctx, t.run.Back(t.form, t.flowContext(ctx)))
	}
}

func (q questionnaire) Cancel(ctx context.Context) {
	if t := q.t; q.inProgress(ctx) {
		t.step(ctx, t.run.Discard(t.form, t.flowContext(ctx)))
	}
}

// inProgress reports whether a questionnaire is in progress; if not, it
// says so (or that it expired) and shows the menu.
func (q questionnaire) inProgress(ctx context.Context) bool {
	t := q.t
	switch {
	case t.run == nil:
		t.replyKey("cancel.none")
	case t.expired():
		t.expire()
	default:
		return true
	}
	t.menu(ctx)
	return false
}

func (q questionnaire) Menu(ctx context.Context) {
	t := q.t
	if t.run == nil {
		t.menu(ctx)
		return
	}
	if !t.expired() {
		t.replyKey("menu.in_progress", "form", t.form.Title.In(t.lang))
	}
	q.Cancel(ctx)
}

func (q questionnaire) Choose(ctx context.Context, text string) { q.t.chooseForm(ctx, text) }
func (q questionnaire) Reopen(ctx context.Context, id uint64)   { q.t.reopen(ctx, id) }
func (q questionnaire) Offered(ctx context.Context) int         { return len(q.t.offeredForms(ctx)) }

func (q questionnaire) InProgress() string {
	t := q.t
	switch {
	case t.run == nil:
		return ""
	case t.expired():
		t.expire()
		return ""
	}
	return t.form.Title.In(t.lang)
}

func (q questionnaire) Repeat(ctx context.Context) {
	t := q.t
	if t.run == nil {
		return
	}
	t.change.UserID = t.user.ID
	t.replies = append(t.replies, t.run.Show(t.form, t.flowContext(ctx)).Prompts...)
	t.change.Run = t.run
}
