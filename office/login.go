package office

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sothon/store"
)

// ConsoleLogin makes a one-time login to the office console for a user who
// may use it (MayUseConsole), whoever asks for it: the user from the chat,
// the terminal for the first admin. It returns the user and the login's
// token; an unknown user and one who may not use the console are refused
// the same way.
func (o *Office) ConsoleLogin(ctx context.Context, userID string, at time.Time, ttl time.Duration) (store.User, string, error) {
	u, err := o.Store.UserByID(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && MayUseConsole(u) != nil:
		return store.User{}, "", refuse(ErrNoUser, "office.no_console_user", "user", userID)
	case err != nil:
		return store.User{}, "", fmt.Errorf("office: user %s: %w", userID, err)
	}
	token, err := o.Store.CreateLogin(ctx, u.ID, at, ttl)
	if err != nil {
		return store.User{}, "", fmt.Errorf("office: console login: %w", err)
	}
	return u, token, nil
}
