package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// Command is one slash command: who may use it, where it is listed, and
// what it does. The engine's table of them drives routing, /help and the
// platforms' command menus, so the three never disagree. The engine's own
// commands are made as anyone else's: they see the same Turn.
type Command struct {
	Name  string   // lower case; not "ok", whose questions are the run's (await.go)
	Roles []string // who may use it; nil is everyone
	// Help lists it in /help for these roles, with the line under the
	// locale key "help.cmd.<name>"; Order places it in the list.
	Help  []string
	Order int
	// Menu is its place in the platforms' command menus (0: not there),
	// described by the locale key "cmd.<name>".
	Menu int
	Run  func(ctx context.Context, t Turn, args string)
	// Press answers the questions the command asks with Ask (their id
	// starts with the command's name and ":", see await.go): a button
	// pressed, or, on a channel without buttons, the option's number or
	// words typed.
	Press func(ctx context.Context, t Turn, question, answer string)
	// Offer, when set, is a line the questionnaires' menu shows above its
	// list when the command has something for the user now (a village
	// meeting to hold); "" for nothing.
	Offer func(ctx context.Context, t Turn) string
}

// allows reports whether someone of role may use the command.
func (c Command) allows(role string) bool { return c.Roles == nil || slices.Contains(c.Roles, role) }

// Turn is what a command sees of the message it answers, and how it
// replies; the replies and changes are committed with the rest of the
// turn.
type Turn interface {
	User() store.User
	Lang() string
	At() time.Time
	// Chat is the chat the message came from.
	Chat() store.ChatRef
	// T translates a locale key into the user's language.
	T(key string, args ...any) string
	Reply(key string, args ...any)
	ReplyText(text string)
	// Attach replies with text and a file (a chart, a spreadsheet, a
	// photo); the file ends its message, so replies after it go apart.
	Attach(text string, a *store.Attachment)
	// Ask replies with options (buttons, or numbers on Zalo); the answer
	// goes to the Press of the command the question belongs to.
	Ask(text, question string, options []flows.Option)
	// Pressed reports whether the answer a Press gets came by a button,
	// not typed.
	Pressed() bool
	// Stale tells the user, with a short notice, that the button they
	// pressed belongs to a question that has passed.
	Stale()
	// Wake tells the senders of messages the command queued itself, in a
	// commit of its own (a review's word to a village head).
	Wake(queued []store.Message)
	// NoPreview sends the turn's replies without link previews: a one-time
	// link must reach its owner unopened.
	NoPreview()
	// SetLang makes lang the user's language, for this turn's replies
	// from here on and for good.
	SetLang(lang string)
	// Unlink removes the person's chats ids from them with the turn.
	Unlink(ids []store.Identity)
	// Questionnaire is the chat's questionnaire in progress, or its menu
	// of them, for commands that move it (/back, /cancel, /fix…).
	Questionnaire() Questionnaire
}

func (t *turn) User() store.User                 { return t.user }
func (t *turn) Lang() string                     { return t.lang }
func (t *turn) At() time.Time                    { return t.in.At }
func (t *turn) Chat() store.ChatRef              { return store.ChatRef{Channel: t.in.Channel, ChatID: t.in.ChatID} }
func (t *turn) T(key string, args ...any) string { return t.e.cat.T(t.lang, key, args...) }
func (t *turn) Reply(key string, args ...any)    { t.replyKey(key, args...) }
func (t *turn) ReplyText(text string)            { t.replies = append(t.replies, textPrompt(text)) }
func (t *turn) Pressed() bool                    { return t.in.Button != "" }
func (t *turn) Stale()                           { t.toast = t.e.cat.T(t.lang, "button.stale") }
func (t *turn) Wake(queued []store.Message)      { t.e.notify(queued) }
func (t *turn) NoPreview()                       { t.noPreview = true }
func (t *turn) Questionnaire() Questionnaire     { return questionnaire{t} }

func (t *turn) Ask(text, question string, options []flows.Option) {
	t.replies = append(t.replies, flows.Prompt{Text: text, Question: question, Options: options})
	t.await(question)
}

func (t *turn) Attach(text string, a *store.Attachment) {
	if t.attachments == nil {
		t.attachments = map[int]*store.Attachment{}
	}
	t.attachments[len(t.replies)] = a
	t.ReplyText(text)
}

func (t *turn) SetLang(lang string) {
	t.lang, t.user.Lang = lang, lang
	t.change.User = &t.user
}

func (t *turn) Unlink(ids []store.Identity) {
	t.change.Unlink = ids
	t.audit("unlink", fmt.Sprint(len(ids)))
}

var (
	heads    = []string{store.RoleHead}
	admins   = []string{store.RoleAdmin}
	everyone = []string{store.RoleHead, store.RoleOfficial, store.RoleAdmin, store.RoleReviewer}
)

// builtin are the engine's own commands: answering questionnaires,
// joining, languages and help. They reach the engine's store and
// catalog as the officials' commands reach theirs, and the chat only
// through Turn.
type builtin struct{ e *Engine }

func (b builtin) list() []Command {
	return []Command{
		{Name: "back", Help: heads, Order: 10, Menu: 2, Run: b.back},
		{Name: "cancel", Help: heads, Order: 20, Menu: 3, Run: b.cancel},
		{Name: "menu", Help: heads, Order: 30, Menu: 1, Run: b.menu},
		{Name: "lang", Help: everyone, Order: 110, Menu: 5, Run: b.setLang},
		{Name: "fix", Roles: heads, Help: heads, Order: 35, Run: b.fix, Press: b.pressFix},
		{Name: "link", Help: everyone, Order: 120, Run: b.linkCode},
		{Name: "unlink", Help: everyone, Order: 125, Run: b.unlink},
		{Name: "help", Help: everyone, Order: 130, Menu: 4, Run: b.help},
		{Name: "start", Run: b.start},
	}
}

// commandTable merges the engine's commands with others' in /help order.
func (e *Engine) commandTable(extra []Command) []Command {
	all := append(builtin{e}.list(), extra...)
	slices.SortStableFunc(all, func(a, b Command) int { return a.Order - b.Order })
	return all
}

// MenuCommand is one entry of a platform's command menu.
type MenuCommand struct {
	Name, Description string
}

// CommandMenu lists the commands a platform shows in its menu, in lang.
func (e *Engine) CommandMenu(lang string) []MenuCommand {
	var menu []Command
	for _, c := range e.commands {
		if c.Menu > 0 {
			menu = append(menu, c)
		}
	}
	slices.SortFunc(menu, func(a, b Command) int { return a.Menu - b.Menu })
	out := make([]MenuCommand, len(menu))
	for i, c := range menu {
		out[i] = MenuCommand{Name: c.Name, Description: e.cat.T(lang, "cmd."+c.Name)}
	}
	return out
}

// command runs a slash command. "/cmd@botname args" works as in group chats.
func (t *turn) command(ctx context.Context, text string) {
	name, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@")
	i := slices.IndexFunc(t.e.commands, func(c Command) bool { return c.Name == name })
	switch {
	case i < 0:
		t.replyKey("command.unknown", "command", "/"+name)
		builtin{t.e}.help(ctx, t, "")
	case !t.e.commands[i].allows(t.user.Role):
		t.replyKey("command.not_allowed")
	default:
		t.e.commands[i].Run(ctx, t, strings.TrimSpace(args))
	}
}

// start goes back to the questionnaire in progress, or shows the menu.
func (b builtin) start(ctx context.Context, t Turn, _ string) { t.Questionnaire().Start(ctx) }

func (b builtin) back(ctx context.Context, t Turn, _ string)   { t.Questionnaire().Back(ctx) }
func (b builtin) cancel(ctx context.Context, t Turn, _ string) { t.Questionnaire().Cancel(ctx) }
func (b builtin) menu(ctx context.Context, t Turn, _ string)   { t.Questionnaire().Menu(ctx) }

// help lists the commands of the user's role, after a word on answering
// for village heads.
func (b builtin) help(_ context.Context, t Turn, _ string) {
	role := t.User().Role
	var lines []string
	if role == store.RoleHead {
		lines = append(lines, t.T("help.intro"))
	}
	lines = append(lines, t.T("help.commands"))
	for _, c := range b.e.commands {
		if slices.Contains(c.Help, role) {
			lines = append(lines, t.T("help.cmd."+c.Name))
		}
	}
	t.ReplyText(strings.Join(lines, "\n"))
}

// linkCode gives the user a code to send from another channel, so that
// one person uses Telegram and Zalo as the same user.
func (b builtin) linkCode(ctx context.Context, t Turn, _ string) {
	inv, err := b.e.store.IssueLink(ctx, t.User(), t.Chat().Channel, t.At())
	if err != nil {
		b.e.log.Error("create link code", "err", err)
		t.Reply("join.try_later")
		return
	}
	t.Reply("link.code", "code", inv.Code, "minutes", int(store.LinkTTL.Minutes()))
}

// unlink removes the person's other chats, for someone whose phone was
// lost or whose code was used by another: only this chat stays theirs.
func (b builtin) unlink(ctx context.Context, t Turn, _ string) {
	ids, err := b.e.store.IdentitiesOf(ctx, t.User().ID)
	if err != nil {
		b.e.log.Error("unlink", "err", err)
		t.Reply("join.try_later")
		return
	}
	here := t.Chat()
	ids = slices.DeleteFunc(ids, func(id store.Identity) bool { return id.Channel == here.Channel && id.ChatID == here.ChatID })
	if len(ids) == 0 {
		t.Reply("unlink.none")
		return
	}
	t.Unlink(ids)
	t.Reply("unlink.done", "count", len(ids))
}

// setLang changes the user's language and asks the questionnaire's
// question again in it.
func (b builtin) setLang(ctx context.Context, t Turn, lang string) {
	lang = strings.ToLower(lang)
	if !locales.Supported(lang) {
		t.Reply("lang.usage")
		return
	}
	t.SetLang(lang)
	t.Reply("lang.set")
	t.Questionnaire().Repeat(ctx)
}
