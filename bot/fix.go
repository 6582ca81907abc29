package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"sothon/flows"
	"sothon/store"
)

// FixQuestion is the question of the "fix this form" button that reaches a
// village head with a returned form: "fix:ID".
func FixQuestion(submission uint64) string { return "fix:" + strconv.FormatUint(submission, 10) }

// fix lets a head correct a returned form: /fix ID, or /fix alone for the
// only one (several are listed). The form reopens with its answers, at the
// summary, and what is sent replaces the returned one.
func (b builtin) fix(ctx context.Context, t Turn, args string) {
	id, err := strconv.ParseUint(strings.TrimSpace(args), 10, 64)
	if args == "" {
		returned, rerr := b.e.store.ReturnedIn(ctx, t.User().AreaID)
		switch {
		case rerr != nil:
			b.e.log.Error("returned forms", "err", rerr)
			t.Reply("join.try_later")
			return
		case len(returned) == 0:
			t.Reply("fix.none")
			return
		case len(returned) > 1:
			lines := []string{t.T("fix.which")}
			for _, s := range returned {
				lines = append(lines, t.T("fix.line", "id", s.ID, "household", s.HouseholdName))
			}
			t.ReplyText(strings.Join(lines, "\n"))
			return
		}
		id, err = returned[0].ID, nil
	}
	if err != nil {
		t.Reply("fix.usage")
		return
	}
	t.Questionnaire().Reopen(ctx, id)
}

// fixListQuestion names the choices of the returned forms shown before
// the menu: "fix:ID,ID…", so that a button reopens the form it was shown
// for, whatever was corrected since.
func fixListQuestion(shown []store.Submission) string {
	ids := make([]string, len(shown))
	for i, s := range shown {
		ids[i] = strconv.FormatUint(s.ID, 10)
	}
	return "fix:" + strings.Join(ids, ",")
}

// pressFix answers a returned form's notice (its button, or on Zalo the
// answer typed next) and the buttons of the block before the menu.
func (b builtin) pressFix(ctx context.Context, t Turn, question, answer string) {
	var ids []uint64
	for _, f := range strings.Split(strings.TrimPrefix(question, "fix:"), ",") {
		id, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			t.Stale()
			return
		}
		ids = append(ids, id)
	}
	q := t.Questionnaire()
	if !t.Pressed() {
		// Typed after the notice: its one choice reopens the form; any
		// other answer is what it would be without the notice.
		if _, err := flows.ParseChoice(answer, []string{t.T("review.fix")}); err != nil {
			q.Choose(ctx, answer)
			return
		}
		q.Reopen(ctx, ids[0])
		return
	}
	id := ids[0]
	if len(ids) > 1 { // the block's buttons are numbered after the menu's
		n, _ := strconv.Atoi(answer)
		i := n - q.Offered(ctx) - 1
		if i < 0 || i >= len(ids) {
			t.Stale()
			return
		}
		id = ids[i]
	}
	q.Reopen(ctx, id)
}

// reopen starts the correction of a returned form of the head's village.
func (t *turn) reopen(ctx context.Context, id uint64) {
	s, err := t.e.store.Submission(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && s.AreaID != t.user.AreaID {
		t.replyKey("fix.unknown", "id", id)
		return
	}
	var rv store.Review
	if err == nil {
		rv, err = t.e.store.ReviewOf(ctx, id)
	}
	if err != nil {
		t.e.log.Error("reopen", "err", err)
		t.replyKey("join.try_later")
		return
	}
	form := t.e.forms.Form(s.Form)
	switch {
	case rv.State() != store.ReviewReturned:
		t.replyKey("fix.not_returned", "id", id)
		return
	case form == nil:
		t.replyKey("run.form_gone")
		return
	case t.run != nil && !t.expired():
		t.replyKey("fix.busy", "form", t.form.Title.In(t.lang))
		t.resume(ctx)
		return
	}
	t.replyKey("fix.reopened", "id", id, "reason", rv.Last().Reason)
	t.form = form
	run, o := flows.Reopen(form, s.AreaID, &flows.Submission{Answers: s.Answers, HouseholdName: s.HouseholdName}, s.HouseholdID, id, rv.Last().Focus, t.flowContext(ctx))
	t.run = run
	t.audit("run_reopen", strconv.FormatUint(id, 10))
	t.step(ctx, o)
}
