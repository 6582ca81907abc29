// Package office owns what officials and admins do — rounds, targets,
// invites, users, reviews, the register import, the lists to post, reading
// an area's figures and forms — and the rule of who may do each, written
// once: the chat, the console and the command line call it and only parse,
// ask and render.
package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"sothon/locales"
	"sothon/store"
	"sothon/tree"
)

// Office takes the officials' actions on a database.
type Office struct {
	Store *store.DB
}

// Causes of a refusal, matched with errors.Is.
var (
	// ErrNotAllowed: the actor's role may not take the action.
	ErrNotAllowed = errors.New("office: not allowed for this role")
	// ErrOutside: the area is unknown or outside the actor's own; the two
	// are said the same way, so nobody learns of areas not theirs.
	ErrOutside = errors.New("office: area outside the actor's own")
	// ErrVillage: the action is for areas above villages.
	ErrVillage = errors.New("office: not for a village")
)

// Refusal is an action refused for a cause the user can see and mend. Key
// and Args name its message in locales: the chat and the console translate
// it into the user's language; Error gives the English text, which the
// command line prints.
type Refusal struct {
	Key  string
	Args []any
	Err  error // the cause: one of the errors above, or the store's
	// List is lines to show under the message: the areas a name fits.
	List []string
}

func (r *Refusal) Error() string { return english().T("en", r.Key, r.Args...) }

func (r *Refusal) Unwrap() error { return r.Err }

func refuse(cause error, key string, args ...any) error {
	return &Refusal{Key: key, Args: args, Err: cause}
}

var english = sync.OnceValue(locales.MustLoad)

// dayMonthYear writes a YYYY-MM-DD day the way a person reads it,
// dd/mm/yyyy, in the messages the office gives and the reasons it keeps.
func dayMonthYear(day string) string {
	if d, err := time.Parse(time.DateOnly, day); err == nil {
		return d.Format("02/01/2006")
	}
	return day
}

// Terminal is the actor of the command line: whoever holds the database
// file is an admin over the whole tree.
func Terminal(ctx context.Context, db *store.DB) (store.User, error) {
	t, err := db.AreaTree(ctx)
	if err != nil {
		return store.User{}, err
	}
	if len(t.List) == 0 {
		return store.User{}, fmt.Errorf("the database has no areas")
	}
	return store.User{ID: "terminal", Name: "terminal", Role: store.RoleAdmin, AreaID: t.List[0].ID, Lang: "en"}, nil
}

// Admins are the roles that run an area: rounds, targets, invites, users,
// the register. The chat shows their commands to these roles only.
var Admins = []string{store.RoleAdmin}

// admin refuses an actor who is not an admin.
func admin(actor store.User) error {
	if !slices.Contains(Admins, actor.Role) || actor.Revoked {
		return refuse(ErrNotAllowed, "office.admins_only")
	}
	return nil
}

// areaOf finds an area within the actor's own, the actor's own when id is "".
func (o *Office) areaOf(ctx context.Context, actor store.User, id string) (tree.Area, error) {
	if id == "" {
		id = actor.AreaID
	}
	a, err := o.Store.Area(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !tree.Within(a.ID, actor.AreaID)):
		return tree.Area{}, refuse(ErrOutside, "office.outside", "area", id)
	case err != nil:
		return tree.Area{}, fmt.Errorf("office: area %s: %w", id, err)
	}
	return a, nil
}
