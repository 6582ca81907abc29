package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/store"
)

// Command is one slash command: who may use it, where it is listed, and
// what it does. The engine's table of them drives routing, /help and the
// platforms' command menus, so the three never disagree.
type Command struct {
	Name  string
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
	// starts with the command's name and ":"): a button pressed, or, on a
	// channel without buttons, the option's number or words typed.
	Press func(ctx context.Context, t Turn, question, answer string)
}

// allows reports whether someone of role may use the command.
func (c Command) allows(role string) bool { return c.Roles == nil || slices.Contains(c.Roles, role) }

// Turn is what a command sees of the message it answers, and how it
// replies; the replies are committed with the rest of the turn.
type Turn interface {
	User() store.User
	Lang() string
	At() time.Time
	// T translates a locale key into the user's language.
	T(key string, args ...any) string
	Reply(key string, args ...any)
	ReplyText(text string)
	// Attach replies with text and a file (a chart, a spreadsheet).
	Attach(text string, a *store.Attachment)
	// Ask replies with options (buttons, or numbers on Zalo); the answer
	// goes to the Press of the command the question belongs to.
	Ask(text, question string, options []flows.Option)
	// Wake tells the senders of messages the command queued itself, in a
	// commit of its own (a review's word to a village head).
	Wake(queued []store.Message)
	// NoPreview sends the turn's replies without link previews: a one-time
	// link must reach its owner unopened.
	NoPreview()
}

func (t *turn) User() store.User                 { return t.user }
func (t *turn) Lang() string                     { return t.lang }
func (t *turn) At() time.Time                    { return t.in.At }
func (t *turn) T(key string, args ...any) string { return t.e.cat.T(t.lang, key, args...) }
func (t *turn) Reply(key string, args ...any)    { t.replyKey(key, args...) }
func (t *turn) ReplyText(text string)            { t.replies = append(t.replies, textPrompt(text)) }

func (t *turn) Ask(text, question string, options []flows.Option) {
	t.replies = append(t.replies, flows.Prompt{Text: text, Question: question, Options: options})
	t.await(question)
}

func (t *turn) Wake(queued []store.Message) { t.e.notify(queued) }

func (t *turn) NoPreview() { t.noPreview = true }

func (t *turn) Attach(text string, a *store.Attachment) {
	t.ReplyText(text)
	t.attachment = a
}

var (
	heads    = []string{store.RoleHead}
	admins   = []string{store.RoleAdmin}
	everyone = []string{store.RoleHead, store.RoleOfficial, store.RoleAdmin, store.RoleReviewer}
)

// own wraps one of the engine's own handlers as a command's Run.
func own(run func(*turn, context.Context, string)) func(context.Context, Turn, string) {
	return func(ctx context.Context, t Turn, args string) { run(t.(*turn), ctx, args) }
}

// pressOwn wraps one of the engine's own handlers as a command's Press.
func pressOwn(press func(*turn, context.Context, string, string)) func(context.Context, Turn, string, string) {
	return func(ctx context.Context, t Turn, question, answer string) { press(t.(*turn), ctx, question, answer) }
}

// builtin are the engine's own commands: answering questionnaires,
// joining, languages, invites and help.
func builtin() []Command {
	return []Command{
		{Name: "back", Help: heads, Order: 10, Menu: 2, Run: own((*turn).back)},
		{Name: "cancel", Help: heads, Order: 20, Menu: 3, Run: own((*turn).cancel)},
		{Name: "menu", Help: heads, Order: 30, Menu: 1, Run: own((*turn).toMenu)},
		{Name: "invite", Roles: admins, Help: admins, Order: 90, Run: own((*turn).invite)},
		{Name: "lang", Help: everyone, Order: 110, Menu: 5, Run: own((*turn).setLang)},
		{Name: "fix", Roles: heads, Help: heads, Order: 35, Run: own((*turn).fix), Press: pressOwn((*turn).pressFix)},
		{Name: "link", Help: heads, Order: 120, Run: own((*turn).linkCode)},
		{Name: "unlink", Help: heads, Order: 125, Run: own((*turn).unlink)},
		{Name: "help", Help: everyone, Order: 130, Menu: 4, Run: own((*turn).help)},
		{Name: "start", Run: own((*turn).start)},
	}
}

// commandTable merges the engine's commands with others' in /help order.
func commandTable(extra []Command) []Command {
	all := append(builtin(), extra...)
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
		t.help(ctx, "")
	case !t.e.commands[i].allows(t.user.Role):
		t.replyKey("command.not_allowed")
	default:
		t.e.commands[i].Run(ctx, t, strings.TrimSpace(args))
	}
}

// start goes back to the questionnaire in progress, or shows the menu.
func (t *turn) start(ctx context.Context, _ string) {
	if t.run != nil && !t.expired() {
		t.resume(ctx)
		return
	}
	t.menu(ctx)
}

// help lists the commands of the user's role, after a word on answering
// for village heads.
func (t *turn) help(context.Context, string) {
	var lines []string
	if t.user.Role == store.RoleHead {
		lines = append(lines, t.e.cat.T(t.lang, "help.intro"))
	}
	lines = append(lines, t.e.cat.T(t.lang, "help.commands"))
	for _, c := range t.e.commands {
		if slices.Contains(c.Help, t.user.Role) {
			lines = append(lines, t.e.cat.T(t.lang, "help.cmd."+c.Name))
		}
	}
	t.replies = append(t.replies, textPrompt(strings.Join(lines, "\n")))
}

// invite lets an admin create an invite code: /invite ROLE AREA_ID [NAME].
func (t *turn) invite(ctx context.Context, args string) {
	fields := strings.Fields(args)
	if len(fields) < 2 {
		t.replyKey("invite.usage")
		return
	}
	inv, err := (&office.Office{Store: t.e.store}).Invite(ctx, t.user, office.Invitation{Role: fields[0], AreaID: fields[1],
		Name: strings.Join(fields[2:], " ")}, t.in.At)
	var refusal *office.Refusal
	if errors.As(err, &refusal) {
		t.replyKey(refusal.Key, refusal.Args...)
		t.replyKey("invite.usage")
		return
	}
	if err != nil {
		t.e.log.Error("create invite", "err", err)
		t.replyKey("join.try_later")
		return
	}

	t.replyKey("invite.created", "code", inv.Code, "role", t.e.cat.T(t.lang, roleKeys[inv.Role]),
		"area", inv.AreaID, "expires", inv.Expires.Format("02/01/2006"))
	if link := t.e.inviteLink(ctx, inv.Code); link != "" {
		t.replyKey("invite.link", "link", link)
	}
}

// linkCode gives the user a code to send from another channel, so that
// one person uses Telegram and Zalo as the same user.
func (t *turn) linkCode(ctx context.Context, _ string) {
	inv, err := t.e.store.IssueLink(ctx, t.user, t.in.Channel, t.in.At)
	if err != nil {
		t.e.log.Error("create link code", "err", err)
		t.replyKey("join.try_later")
		return
	}
	t.replyKey("link.code", "code", inv.Code, "minutes", int(store.LinkTTL.Minutes()))
}

// unlink removes the person's other chats, for someone whose phone was
// lost or whose code was used by another: only this chat stays theirs.
func (t *turn) unlink(ctx context.Context, _ string) {
	ids, err := t.e.store.IdentitiesOf(ctx, t.user.ID)
	if err != nil {
		t.e.log.Error("unlink", "err", err)
		t.replyKey("join.try_later")
		return
	}
	ids = slices.DeleteFunc(ids, func(id store.Identity) bool { return id.Channel == t.in.Channel && id.ChatID == t.in.ChatID })
	if len(ids) == 0 {
		t.replyKey("unlink.none")
		return
	}
	t.change.Unlink = ids
	t.audit("unlink", fmt.Sprint(len(ids)))
	t.replyKey("unlink.done", "count", len(ids))
}

func (t *turn) setLang(ctx context.Context, lang string) {
	lang = strings.ToLower(lang)
	if !locales.Supported(lang) {
		t.replyKey("lang.usage")
		return
	}
	t.lang, t.user.Lang = lang, lang
	t.change.User = &t.user
	t.replyKey("lang.set")
	if t.run != nil {
		t.change.UserID = t.user.ID
		t.replies = append(t.replies, t.run.Show(t.form, t.flowContext(ctx)).Prompts...)
		t.change.Run = t.run
	}
}

// cancel asks before throwing the run in progress away.
func (t *turn) cancel(ctx context.Context, _ string) {
	if t.run == nil {
		t.replyKey("cancel.none")
		t.menu(ctx)
		return
	}
	if t.expired() {
		t.expire()
		t.menu(ctx)
		return
	}
	t.step(ctx, t.run.Discard(t.form, t.flowContext(ctx)))
}

// toMenu shows the list of questionnaires; with one in progress it first
// asks whether to throw that one away.
func (t *turn) toMenu(ctx context.Context, _ string) {
	if t.run == nil {
		t.menu(ctx)
		return
	}
	if !t.expired() {
		t.replyKey("menu.in_progress", "form", t.form.Title.In(t.lang))
	}
	t.cancel(ctx, "")
}

func (t *turn) back(ctx context.Context, _ string) {
	if t.run == nil {
		t.replyKey("cancel.none")
		t.menu(ctx)
		return
	}
	if t.expired() {
		t.expire()
		t.menu(ctx)
		return
	}
	t.step(ctx, t.run.Back(t.form, t.flowContext(ctx)))
}
