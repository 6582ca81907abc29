package bot

import (
	"context"
	"errors"
	"strings"

	"sothon/locales"
	"sothon/store"
)

// command runs a slash command. "/cmd@botname args" works as in group chats.
func (t *turn) command(ctx context.Context, text string) {
	name, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@")
	args = strings.TrimSpace(args)
	switch name {
	case "start":
		if t.run != nil && !t.expired() {
			t.resume(ctx)
			return
		}
		t.menu()
	case "menu":
		t.toMenu(ctx)
	case "help":
		t.help()
	case "lang":
		t.setLang(ctx, args)
	case "cancel":
		t.cancel(ctx)
	case "back":
		t.back(ctx)
	case "invite":
		t.invite(ctx, args)
	case "link":
		t.linkCode(ctx)
	case "stats":
		t.stats(ctx, args)
	case "missing":
		t.missing(ctx, args)
	case "digest":
		t.digest(ctx, args)
	case "export":
		t.export(ctx, args)
	case "areas":
		t.areasList(ctx)
	case "round":
		t.round(ctx, args)
	default:
		t.replyKey("command.unknown", "command", "/"+name)
		t.help()
	}
}

func (t *turn) help() {
	switch t.user.Role {
	case store.RoleHead:
		t.replyKey("help.head")
	case store.RoleAdmin:
		t.replyKey("help.admin")
	default:
		t.replyKey("help.other")
	}
}

// invite lets an admin create an invite code: /invite ROLE AREA_ID [NAME].
func (t *turn) invite(ctx context.Context, args string) {
	if t.user.Role != store.RoleAdmin {
		t.replyKey("command.not_allowed")
		return
	}
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
func (t *turn) linkCode(ctx context.Context) {
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
func (t *turn) cancel(ctx context.Context) {
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
func (t *turn) toMenu(ctx context.Context) {
	if t.run == nil {
		t.menu()
		return
	}
	if !t.expired() {
		t.replyKey("menu.in_progress", "form", t.form.Title.In(t.lang))
	}
	t.cancel(ctx)
}

func (t *turn) back(ctx context.Context) {
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
