package server

import (
	"context"
	"log/slog"
	"time"

	"sothon/bot"
	"sothon/bot/officials"
	"sothon/bot/telegram"
	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// EngineConfig is how everything that answers chats builds its engine,
// the server and `sothon chat` alike: the officials' commands (with
// console links where there is a public address) and Telegram's invite
// links. now is the clock, in the office's time zone; the console links'
// expiry reads it too.
func EngineConfig(db *store.DB, forms *flows.Set, now func() time.Time, cat *locales.Catalog, runTTL time.Duration, log *slog.Logger, publicURL string) bot.Config {
	offices := &officials.Commands{Store: db, Forms: forms, Catalog: cat, Log: log, InviteLink: telegram.InviteLinks(db), PublicURL: publicURL}
	if publicURL != "" {
		offices.LoginLink = func(ctx context.Context, userID string) (string, error) {
			return console.LoginLink(ctx, db, publicURL, userID, now())
		}
	}
	return bot.Config{Store: db, Forms: forms, Catalog: cat, RunTTL: runTTL, Log: log,
		Now: now, Commands: offices.List()}
}
