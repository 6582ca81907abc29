package bot

import (
	"context"
	"slices"
	"strings"

	"sothon/flows"
	"sothon/store"
)

// What the bot awaits from a chat, and whose question an answer is for.
//
// Every answer is for a question named by an id: a pressed button carries
// the id of its keyboard's question; a typed answer is for what the chat
// awaits. The id tells who asked, and so who takes the answer:
//
//	the run       a question's id ("members"), "summary", "edit", "repeat", "discard", "ok:ID"
//	the menu      "menu"
//	a reminder    "remind"
//	a command     "NAME:PART[:PART…]" ("review:12", "fix:3,4", "round:close")
//
// The chat awaits the run's question while a questionnaire is in
// progress; else a command's question asked the turn before (User.Awaiting,
// held for the next message only); else the menu. A button of the run or
// the menu counts only while its question is what the chat awaits; a
// command's button goes to the command whenever it is pressed, and the
// command checks that what it asked about still stands; a reminder's
// button is good whenever it is pressed.
//
// This file is the one place that reads question ids: typed answers and
// pressed buttons are both routed by answer.

// asker is who asked a question.
type asker int

const (
	askedByNobody   asker = iota // no keyboard of ours names such a question
	askedByRun                   // the questionnaire in progress
	askedByMenu                  // the list of questionnaires
	askedByReminder              // a reminder: start a review, or go back to the one in progress
	askedByCommand               // a command, which answers with its Press
)

// askerOf tells who asked a question by its id.
func askerOf(question string) asker {
	switch {
	case question == flows.AwaitMenu:
		return askedByMenu
	case question == flows.AwaitRemind:
		return askedByReminder
	case !strings.Contains(question, ":") || strings.HasPrefix(question, flows.AwaitConfirm):
		return askedByRun
	case commandQuestion(question):
		return askedByCommand
	}
	return askedByNobody
}

// commandQuestion reports whether a command's question is one we could
// have made: "NAME:PART[:PART…]", where the name and every part (a
// number, a list of numbers, a step such as "why", an area id) are words
// written as area ids are, separated by commas in a list. Data no keyboard
// of ours could carry is refused before anything is looked up by it.
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

// awaited is what the chat's next typed answer is for; asked is the
// question a command asked the turn before, if any.
func (t *turn) awaited(asked string) string {
	switch {
	case t.run != nil:
		return t.run.Awaits()
	case asked != "":
		return asked
	}
	return flows.AwaitMenu
}

// await notes the question the user's next typed answer is for ("" for
// none): it is kept with the user, for the next message only.
func (t *turn) await(question string) {
	if t.user.Awaiting != question {
		t.user.Awaiting = question
		t.change.User = &t.user
	}
}

// answer hands an answer, typed or pressed, to whoever asked question.
func (t *turn) answer(ctx context.Context, question string, a press) {
	pressed := a.kind != typedAnswer
	switch askerOf(question) {
	case askedByReminder:
		t.pressReminder(ctx)
	case askedByCommand:
		if pressed {
			t.closeKeyboard("")
		}
		switch {
		case t.answerCommand(ctx, question, a.key):
		case pressed:
			t.Stale()
		default: // the command may no longer take it: the words go where they would have
			t.answer(ctx, t.awaited(""), a)
		}
	case askedByRun, askedByMenu:
		if !pressed {
			t.reply(ctx, a.key)
			return
		}
		if question != t.awaited("") || (t.run != nil && t.expired()) {
			t.Stale()
			return
		}
		t.pressButton(ctx, a)
	default:
		if !pressed { // a question kept from before that none of ours could ask
			t.reply(ctx, a.key)
			return
		}
		t.toast = t.e.cat.T(t.lang, "button.invalid")
	}
}

// answerCommand hands an answer to the command whose question it is, and
// reports false when no command of the user's may take it (a role changed
// since it was asked).
func (t *turn) answerCommand(ctx context.Context, question, answer string) bool {
	name, _, _ := strings.Cut(question, ":")
	i := slices.IndexFunc(t.e.commands, func(c Command) bool { return c.Name == name && c.Press != nil })
	if i < 0 || !t.e.commands[i].allows(t.user.Role) {
		return false
	}
	t.e.commands[i].Press(ctx, t, question, answer)
	return true
}

// reply takes a typed answer to the run's question, or to the menu.
func (t *turn) reply(ctx context.Context, text string) {
	switch {
	case t.run != nil && t.expired():
		t.expire()
		t.menu(ctx)
	case t.run != nil:
		t.step(ctx, t.run.Reply(t.form, t.flowContext(ctx), text))
	default:
		t.chooseForm(ctx, text)
	}
}
