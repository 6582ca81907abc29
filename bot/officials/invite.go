package officials

import (
	"context"
	"errors"
	"strings"

	"sothon/bot"
	"sothon/office"
)

// invite lets an admin create an invite code: /invite ROLE AREA_ID [NAME].
func (o *Commands) invite(ctx context.Context, t bot.Turn, args string) {
	fields := strings.Fields(args)
	if len(fields) < 2 {
		t.Reply("invite.usage")
		return
	}
	inv, err := o.office().Invite(ctx, t.User(), office.Invitation{Role: fields[0], AreaID: fields[1],
		Name: strings.Join(fields[2:], " ")}, t.At())
	var refusal *office.Refusal
	if errors.As(err, &refusal) {
		t.Reply(refusal.Key, refusal.Args...)
		t.Reply("invite.usage")
		return
	}
	if err != nil {
		o.Log.Error("create invite", "err", err)
		t.Reply("join.try_later")
		return
	}

	t.Reply("invite.created", "code", inv.Code, "role", t.T(bot.RoleKey(inv.Role)),
		"area", o.label(ctx, inv.AreaID), "expires", inv.Expires.Format("02/01/2006"))
	if link := o.inviteLink(ctx, inv.Code); link != "" {
		t.Reply("invite.link", "link", link)
	}
}

// inviteLink is the link that opens a chat with an invite code, or "".
func (o *Commands) inviteLink(ctx context.Context, code string) string {
	if o.InviteLink == nil {
		return ""
	}
	return o.InviteLink(ctx, code)
}
