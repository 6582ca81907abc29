package telegram

import (
	"context"

	"sothon/store"
)

// SettingUsername is where the server keeps the bot's username, learnt
// from getMe, so that invite links can be made while it is stopped too.
const SettingUsername = "telegram_username"

// InviteLink is the deep link that opens the bot with an invite code, or
// "" while the bot's username is not known.
func InviteLink(username, code string) string {
	if username == "" {
		return ""
	}
	return "https://t.me/" + username + "?start=" + code
}

// InviteLinks makes invite links from the username kept in db.
func InviteLinks(db *store.DB) func(ctx context.Context, code string) string {
	return func(ctx context.Context, code string) string {
		username, err := db.Setting(ctx, SettingUsername)
		if err != nil {
			return ""
		}
		return InviteLink(username, code)
	}
}
