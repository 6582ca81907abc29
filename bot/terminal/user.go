package terminal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sothon/locales"
	"sothon/store"
)

// EnsureUser makes sure the terminal chat chatID belongs to a user with the
// given role and area, as the terminal is run by someone with the database
// in hand; lang, when given, becomes the user's language.
func EnsureUser(ctx context.Context, db *store.DB, chatID, role, areaID, lang string, now time.Time) error {
	if _, err := db.Area(ctx, areaID); err != nil {
		return fmt.Errorf("terminal: unknown area %q (see `sothon areas`)", areaID)
	}
	u, err := db.UserByIdentity(ctx, Name, chatID)
	if err == nil && (lang == "" || u.Lang == lang) {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) {
		u = store.User{ID: "console-" + strings.NewReplacer("/", "-", ":", "-").Replace(chatID),
			Role: role, AreaID: areaID, Lang: locales.Default, Created: now}
	} else if err != nil {
		return err
	}
	if lang != "" {
		u.Lang = lang
	}
	_, err = db.Apply(ctx, store.Change{At: now, User: &u,
		Identity: &store.Identity{Channel: Name, ChatID: chatID, UserID: u.ID},
		Audit:    []store.AuditEntry{{At: now, Actor: u.ID, Action: "terminal_user", Detail: role + " " + areaID}}})
	return err
}
