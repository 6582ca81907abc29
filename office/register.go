package office

import (
	"context"
	"io"
	"time"

	"sothon/office/register"
	"sothon/store"
	"sothon/tree"
)

// MayImportRegister refuses an actor who may not import a register: the
// console asks before it receives a file, so that nobody else sends one.
func (o *Office) MayImportRegister(ctx context.Context, actor store.User) error {
	_, err := o.registerScope(ctx, actor)
	return err
}

// ImportRegister imports a household register (CSV or XLSX, told by name),
// or with opts.DryRun only checks every row of it. An admin imports the
// households of the villages in their own area: a row of another area is a
// bad row, and with any bad row nothing is stored unless opts.SkipBad is
// set (register.ErrBadRows). The import is logged as the actor's, at the
// time given: opts.Scope, opts.By and opts.Now are the office's to set.
func (o *Office) ImportRegister(ctx context.Context, actor store.User, name string, r io.Reader, opts register.Options, at time.Time) (register.Result, error) {
	area, err := o.registerScope(ctx, actor)
	if err != nil {
		return register.Result{}, err
	}
	opts.Scope, opts.By, opts.Now = area.ID, actor.ID, at
	return register.Import(ctx, o.Store, name, r, opts)
}

// registerScope is the area whose households an actor may import.
func (o *Office) registerScope(ctx context.Context, actor store.User) (tree.Area, error) {
	if err := admin(actor); err != nil {
		return tree.Area{}, err
	}
	return o.areaOf(ctx, actor, "")
}
