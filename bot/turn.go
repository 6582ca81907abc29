package bot

import (
	"context"
	"strings"

	"sothon/flows"
	"sothon/store"
	"sothon/store/counting"
)

// turn gathers what one inbound message changes and the replies it gets,
// to be committed together.
type turn struct {
	e        *Engine
	in       Inbound
	user     store.User
	lang     string
	run      *flows.Run
	form     *flows.Form
	offered  []*flows.Form   // the questionnaires the menu offers, once found
	keyboard *store.Keyboard // the chat's message with open buttons
	change   store.Change
	replies  []flows.Prompt
	edits    []store.Message   // keyboards redrawn (sent first) or closed (sent after the replies)
	saved    *flows.Submission // announced once the store has given it an id
	toast    string
	// attachments go with the replies Attach made, by their index in
	// replies (a chart, a spreadsheet, a household's photo).
	attachments map[int]*store.Attachment
	// notices go to the person's other chats (a new chat was linked).
	notices []store.Message
	// low marks the replies as waiting behind everyone else's (strangers).
	low bool
	// noPreview marks the replies as carrying a link not to be previewed.
	noPreview bool
	// err is a failure worth trying again (a photo not fetched): the turn
	// commits nothing.
	err error
	// known are the households' classifications looked up in this turn:
	// a step evaluates expressions many times.
	known map[string]flows.Classification
}

func textPrompt(text string) flows.Prompt { return flows.Prompt{Text: text} }

func (t *turn) replyKey(key string, args ...any) {
	t.replies = append(t.replies, flows.Prompt{Text: t.e.cat.T(t.lang, key, args...)})
}

// messages turns the replies into outbox messages; the store calls it
// inside the transaction, once the submission has its id. Replies without
// options are joined to the next one, so a turn costs as few messages as
// possible under the platforms' per-chat limits.
func (t *turn) messages(a store.Applied) []store.Message {
	prompts, first := t.replies, 0
	if t.saved != nil {
		first = 1
		saved := flows.Prompt{Text: t.e.cat.T(t.lang, "submit.saved",
			"form", t.form.Title.In(t.lang), "id", a.SubmissionID, "household", t.saved.HouseholdName)}
		if note := t.replacing(a); note != "" {
			saved.Text += "\n" + note
		}
		prompts = append([]flows.Prompt{saved}, prompts...)
	}
	// A keyboard redrawn (a multi-choice's marks) goes first; one closed
	// after its answer goes after the replies, so that the next question
	// does not wait for it.
	out := make([]store.Message, 0, len(t.edits)+len(prompts)+len(t.notices))
	closings := 0
	for _, e := range t.edits {
		if len(e.Options) > 0 {
			out = append(out, e)
		} else {
			closings++
		}
	}
	text, pending := "", 0 // the texts joined so far, and how many
	for i, p := range prompts {
		if pending == 0 {
			text = p.Text
		} else {
			text += "\n\n" + p.Text
		}
		pending++
		a := t.attachments[i-first]
		if len(p.Options) == 0 && a == nil && i < len(prompts)-1 {
			continue
		}
		p.Text, pending = text, 0
		m := t.message(p)
		m.Attachment = a
		out = append(out, m)
	}
	if closings > 0 {
		for _, e := range t.edits {
			if len(e.Options) == 0 {
				out = append(out, e)
			}
		}
	}
	return append(out, t.notices...)
}

// replacing says which form a submission takes the place of: the returned
// one it corrects, or the approved one it will replace once approved.
func (t *turn) replacing(a store.Applied) string {
	if a.Replaces != 0 {
		return t.e.cat.T(t.lang, "submit.corrects", "id", a.Replaces)
	}
	rs, ok := a.Standing.Holding(a.SubmissionID)
	if d := rs.Approved.Decision; ok && d.Form != 0 && d.Form != a.SubmissionID {
		return t.approvedAlready(d)
	}
	return ""
}

func (t *turn) message(p flows.Prompt) store.Message {
	m := store.Message{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: p.Text,
		Options: p.Options, Multi: p.Multi, Question: p.Question, Typed: p.Typed, Low: t.low, NoPreview: t.noPreview}
	if p.Place {
		m.PlaceLabel = t.e.cat.T(t.lang, "run.place_button")
	}
	if p.Multi {
		m.DoneLabel = t.e.cat.T(t.lang, "button.done")
		if t.run != nil && t.run.Current == p.Question {
			m.Selected = t.run.Selected
		}
	}
	return m
}

func (t *turn) route(ctx context.Context) {
	if t.user.Unreachable { // they wrote again, so they can be reached
		t.user.Unreachable = false
		t.change.User = &t.user
	}
	if t.in.Overflow { // sent too fast: this update and the rest of the burst are not handled
		t.replyKey("flood.too_fast")
		return
	}
	if (t.in.NotText || t.in.Photo != "" || t.in.Place != nil) && t.in.Button == "" {
		t.media(ctx)
		return
	}
	// A question asked earlier (a returned form's "type 1") holds for the
	// next message only: whatever the user does next, it is answered.
	asked := t.user.Awaiting
	t.await("")
	if t.in.Button != "" {
		p, ok := parseButton(t.in.Button)
		if !ok {
			t.Stale()
			return
		}
		t.answer(ctx, p.question, p)
		return
	}
	text := strings.TrimSpace(t.in.Text)
	t.closeKeyboard(text)
	if strings.HasPrefix(text, "/") {
		t.command(ctx, text)
		return
	}
	t.answer(ctx, t.awaited(asked), press{kind: typedAnswer, key: text})
}

// closeKeyboard removes the buttons of the chat's last question once the
// user has answered it some other way, showing what they said.
func (t *turn) closeKeyboard(answer string) {
	kb := t.keyboard
	if kb == nil {
		return
	}
	text := kb.Text
	if answer != "" && !strings.HasPrefix(answer, "/") {
		text += "\n\n→ " + answer
	}
	t.edits = append(t.edits, store.Message{Channel: t.in.Channel, ChatID: t.in.ChatID, Text: text, Edit: kb.MessageID})
	t.change.DropKeyboard = true
	t.keyboard = nil
}

// setRun takes the user's stored run and finds its form. A run whose form
// was removed from the deployment is dropped with a notice.
func (t *turn) setRun(run *flows.Run) {
	if run == nil {
		return
	}
	t.run, t.form = run, t.e.forms.Form(run.Form)
	if t.form == nil {
		t.replyKey("run.form_gone")
		t.run, t.change.DeleteRun, t.change.UserID = nil, true, t.user.ID
	}
}

func (t *turn) expired() bool {
	return t.in.At.Sub(t.run.Updated) > t.e.runTTL
}

func (t *turn) expire() {
	t.replyKey("run.expired", "form", t.form.Title.In(t.lang), "days", int(t.e.runTTL.Hours()/24))
	t.endRun("run_expired")
	t.run = nil
}

func (t *turn) resume(ctx context.Context) {
	t.replyKey("run.resume", "form", t.form.Title.In(t.lang))
	t.replies = append(t.replies, t.run.Show(t.form, t.flowContext(ctx)).Prompts...)
}

// step applies the outcome of a run step to the change.
func (t *turn) step(ctx context.Context, o flows.Outcome) {
	if t.replies == nil {
		t.replies = o.Prompts // most turns: no need to copy
	} else {
		t.replies = append(t.replies, o.Prompts...)
	}
	t.change.UserID = t.user.ID
	if o.Submitted != nil {
		t.submit(o.Submitted)
	}
	if o.Discarded {
		t.audit("run_cancel", t.run.Form)
	}
	if o.Ended {
		t.change.DeleteRun = true
		t.menu(ctx)
		return
	}
	t.change.Run = t.run
	if o.Submitted != nil {
		run, form := t.run, t.form
		t.change.RunAfter = func(a store.Applied) *flows.Run {
			return run.WithHousehold(form, a.HouseholdID, o.Submitted.HouseholdName)
		}
	}
}

func (t *turn) submit(s *flows.Submission) {
	t.saved = s
	t.change.Submission = &store.Submission{
		Form: s.Form, FormVersion: s.Version, AreaID: t.run.AreaID,
		HouseholdID: s.HouseholdID, HouseholdName: s.HouseholdName,
		SubmittedBy: t.user.ID, SubmittedAt: t.in.At, Answers: s.Answers, Class: s.Class, Members: s.Members,
		Standard: s.Standard, Classes: s.Classes, Counted: s.Counted,
		Contributions: counting.Projection(s.Classes, t.e.standards, t.in.At), Replaces: s.Replaces,
		Files: s.Files,
	}
	t.audit("submit", s.Form)
}

func (t *turn) endRun(action string) {
	t.change.UserID, t.change.DeleteRun = t.user.ID, true
	t.audit(action, t.run.Form)
}

func (t *turn) audit(action, detail string) {
	t.change.Audit = append(t.change.Audit, store.AuditEntry{At: t.in.At, Actor: t.user.ID, Action: action, Detail: detail})
}
