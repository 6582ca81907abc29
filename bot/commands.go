package bot

import (
	"context"
	"strings"

	"sothon/locales"
)

// command runs a slash command. "/cmd@botname args" works as in group chats.
func (t *turn) command(ctx context.Context, text string) {
	name, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(strings.ToLower(name), "@")
	args = strings.TrimSpace(args)
	switch name {
	case "start", "menu":
		if t.run != nil && !t.expired() {
			t.resume(ctx)
			return
		}
		t.menu()
	case "help":
		t.help()
	case "lang":
		t.setLang(ctx, args)
	case "cancel":
		t.cancel()
	case "back":
		t.back(ctx)
	default:
		t.replyKey("command.unknown", "command", "/"+name)
		t.help()
	}
}

func (t *turn) help() {
	if t.canFillForms() {
		t.replyKey("help.head")
		return
	}
	t.replyKey("help.other")
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

func (t *turn) cancel() {
	if t.run == nil {
		t.replyKey("cancel.none")
		t.menu()
		return
	}
	t.replyKey("cancel.done", "form", t.form.Title.In(t.lang))
	t.endRun("run_cancel")
	t.run = nil
	t.menu()
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
