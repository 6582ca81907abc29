package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"sothon/locales"
	"sothon/store"
)

// command is one slash command: who may use it, where it is listed, and
// what it does. The table below drives routing, /help and the platforms'
// command menus, so the three never disagree.
type command struct {
	name  string
	roles []string // who may use it; nil is everyone
	// help lists it in /help for these roles, with the line under the
	// locale key "help.cmd.<name>".
	help []string
	// menu is its place in the platforms' command menus (0: not there),
	// described by the locale key "cmd.<name>".
	menu int
	run  func(t *turn, ctx context.Context, args string)
}

var (
	heads     = []string{store.RoleHead}
	officials = []string{store.RoleOfficial, store.RoleAdmin}
	admins    = []string{store.RoleAdmin}
	everyone  = []string{store.RoleHead, store.RoleOfficial, store.RoleAdmin}
)

// commands, in the order /help lists them. They are set in init because
// /help and the unknown-command reply read the table themselves.
var commands []command

func init() {
	commands = []command{
		{name: "back", help: heads, menu: 2, run: (*turn).back},
		{name: "cancel", help: heads, menu: 3, run: (*turn).cancel},
		{name: "menu", help: heads, menu: 1, run: (*turn).toMenu},
		{name: "stats", help: officials, run: (*turn).stats},
		{name: "missing", help: officials, run: (*turn).missing},
		{name: "digest", help: officials, run: (*turn).digest},
		{name: "export", roles: officials, help: officials, run: (*turn).export},
		{name: "areas", help: officials, run: (*turn).areasList},
		{name: "invite", roles: admins, help: admins, run: (*turn).invite},
		{name: "round", roles: admins, help: admins, run: (*turn).round},
		{name: "lang", help: everyone, menu: 5, run: (*turn).setLang},
		{name: "link", help: heads, run: (*turn).linkCode},
		{name: "help", help: everyone, menu: 4, run: (*turn).help},
		{name: "start", run: (*turn).start},
	}
}

// MenuCommand is one entry of a platform's command menu.
type MenuCommand struct {
	Name, Description string
}

// CommandMenu lists the commands a platform shows in its menu, in lang.
func CommandMenu(cat *locales.Catalog, lang string) []MenuCommand {
	var menu []command
	for _, c := range commands {
		if c.menu > 0 {
			menu = append(menu, c)
		}
	}
	slices.SortFunc(menu, func(a, b command) int { return a.menu - b.menu })
	out := make([]MenuCommand, len(menu))
	for i, c := range menu {
		out[i] = MenuCommand{Name: c.name, Description: cat.T(lang, "cmd."+c.name)}
	}
	return out
}

// command runs a slash command. "/cmd@botname args" works as in group chats.
func (t *turn) command(ctx context.Context, text string) {
	name, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@")
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	switch {
	case i < 0:
		t.replyKey("command.unknown", "command", "/"+name)
		t.help(ctx, "")
	case commands[i].roles != nil && !slices.Contains(commands[i].roles, t.user.Role):
		t.replyKey("command.not_allowed")
	default:
		commands[i].run(t, ctx, strings.TrimSpace(args))
	}
}

// start goes back to the questionnaire in progress, or shows the menu.
func (t *turn) start(ctx context.Context, _ string) {
	if t.run != nil && !t.expired() {
		t.resume(ctx)
		return
	}
	t.menu()
}

// help lists the commands of the user's role, after a word on answering
// for village heads.
func (t *turn) help(context.Context, string) {
	var lines []string
	if t.user.Role == store.RoleHead {
		lines = append(lines, t.e.cat.T(t.lang, "help.intro"))
	}
	lines = append(lines, t.e.cat.T(t.lang, "help.commands"))
	for _, c := range commands {
		if slices.Contains(c.help, t.user.Role) {
			lines = append(lines, t.e.cat.T(t.lang, "help.cmd."+c.name))
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
	inv, err := CreateInvite(ctx, t.e.store, InviteRequest{Role: fields[0], AreaID: fields[1],
		Name: strings.Join(fields[2:], " "), By: t.user.ID, ScopeID: t.user.AreaID, Now: t.in.At})
	if key, ok := inviteErrorKey(err); ok {
		t.replyKey("invite.refused", "reason", t.e.cat.T(t.lang, key))
		t.replyKey("invite.usage")
		return
	}
	if err != nil {
		t.e.log.Error("create invite", "err", err)
		t.replyKey("join.try_later")
		return
	}
	username, _ := t.e.store.Setting(ctx, SettingTelegramUsername)
	t.replyKey("invite.created", "code", inv.Code, "role", t.e.cat.T(t.lang, roleKeys[inv.Role]),
		"area", inv.AreaID, "expires", inv.Expires.Format("02/01/2006"))
	if link := InviteLink(username, inv.Code); link != "" {
		t.replyKey("invite.link", "link", link)
	}
}

// linkCode gives the user a code to send from another channel, so that
// one person uses Telegram and Zalo as the same user.
func (t *turn) linkCode(ctx context.Context, _ string) {
	inv, err := CreateLink(ctx, t.e.store, t.user, t.in.At)
	if err != nil {
		t.e.log.Error("create link code", "err", err)
		t.replyKey("join.try_later")
		return
	}
	t.replyKey("link.code", "code", inv.Code, "minutes", int(LinkTTL.Minutes()))
}

var inviteErrorKeys = map[error]string{ErrBadRole: "invite.bad_role", ErrAreaUnknown: "invite.unknown_area",
	ErrOutsideScope: "invite.outside_scope", ErrHeadVillage: "invite.head_village"}

// inviteErrorKey finds the message for a refused invite request.
func inviteErrorKey(err error) (string, bool) {
	for e, key := range inviteErrorKeys {
		if errors.Is(err, e) {
			return key, true
		}
	}
	return "", false
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
		t.menu()
		return
	}
	if t.expired() {
		t.expire()
		t.menu()
		return
	}
	t.step(t.run.Discard(t.form, t.flowContext(ctx)))
}

// toMenu shows the list of questionnaires; with one in progress it first
// asks whether to throw that one away.
func (t *turn) toMenu(ctx context.Context, _ string) {
	if t.run == nil {
		t.menu()
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
		t.menu()
		return
	}
	if t.expired() {
		t.expire()
		t.menu()
		return
	}
	t.step(t.run.Back(t.form, t.flowContext(ctx)))
}
