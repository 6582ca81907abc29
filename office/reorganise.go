package office

import (
	"context"
	"fmt"
	"time"

	"sothon/store"
	"sothon/tree"
)

// MayReorganise refuses an actor who may not reorganise the area tree: an
// admin of the top of the tree only, since a plan changes every area. The
// console asks before it shows the form.
func (o *Office) MayReorganise(ctx context.Context, actor store.User) error {
	if err := admin(actor); err != nil {
		return err
	}
	top, err := o.atTop(ctx, actor)
	if err != nil {
		return fmt.Errorf("office: reorganise: %w", err)
	}
	if !top {
		return refuse(ErrNotAllowed, "office.reorganise_top_only")
	}
	return nil
}

// Reorganise merges, renames and moves areas by a plan, and everything
// that names an area follows (store.Reorganise). With dryRun it only says
// what the plan would do. Applied, the plan is tried first and the
// database backed up beside itself (backup is the copy's path), so that a
// plan that does not fit changes nothing and one that fits can be undone.
// A plan that does not fit the tree matches tree.ErrPlan, one while a
// round is open store.ErrRoundOpen; their text says what to mend.
func (o *Office) Reorganise(ctx context.Context, actor store.User, plan tree.Plan, dryRun bool, at time.Time) (sum store.ReorganiseSummary, backup string, err error) {
	if err := o.MayReorganise(ctx, actor); err != nil {
		return store.ReorganiseSummary{}, "", err
	}
	if sum, err = o.Store.Reorganise(ctx, plan, at, actor.ID, true); err != nil || dryRun {
		return sum, "", err
	}
	if backup, err = o.Store.BackupBeside(ctx, "before-reorganise", at); err != nil {
		return store.ReorganiseSummary{}, "", fmt.Errorf("office: no backup, nothing changed: %w", err)
	}
	sum, err = o.Store.Reorganise(ctx, plan, at, actor.ID, false)
	return sum, backup, err
}
