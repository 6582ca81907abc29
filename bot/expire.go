package bot

import (
	"context"
	"errors"
	"fmt"

	"sothon/store"
)

// ExpireIdle ends runs left unanswered longer than the run TTL and tells
// their users on every chat they have. It returns how many it ended.
func (e *Engine) ExpireIdle(ctx context.Context) (int, error) {
	now := e.now()
	idle, err := e.store.IdleRuns(ctx, now.Add(-e.runTTL))
	if err != nil {
		return 0, fmt.Errorf("bot: expire runs: %w", err)
	}
	n := 0
	for _, rec := range idle {
		if err := e.expireOne(ctx, rec); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (e *Engine) expireOne(ctx context.Context, rec store.RunRecord) error {
	ids, err := e.store.IdentitiesOf(ctx, rec.UserID)
	if err != nil || len(ids) == 0 {
		return err
	}
	defer e.lockKey("user:" + rec.UserID).Unlock()
	user, err := e.store.UserByIdentity(ctx, ids[0].Channel, ids[0].ChatID)
	if err != nil {
		return err
	}
	// Look again under the lock: the user may have answered meanwhile.
	run, err := e.store.Run(ctx, rec.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && e.now().Sub(run.Updated) <= e.runTTL) {
		return nil
	}
	if err != nil {
		return err
	}
	form := e.forms.Form(run.Form)
	title := run.Form
	if form != nil {
		title = form.Title.In(user.Lang)
	}
	text := e.cat.T(user.Lang, "run.expired", "form", title, "days", int(e.runTTL.Hours()/24))
	applied, err := e.store.Apply(ctx, store.Change{At: e.now(), UserID: rec.UserID, DeleteRun: true,
		Replies: func(store.Applied) []store.Message {
			out := make([]store.Message, len(ids))
			for i, id := range ids {
				out[i] = store.Message{Channel: id.Channel, ChatID: id.ChatID, Text: text}
			}
			return out
		},
		Audit: []store.AuditEntry{{At: e.now(), Actor: "system", Action: "run_expired", Detail: run.Form}}})
	e.notify(applied.Queued)
	return err
}
