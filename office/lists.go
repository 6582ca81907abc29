package office

import (
	"context"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/report/lists"
	"sothon/store"
)

// Lists gathers a round's lists to post for an area of the actor's ("" for
// their own): a commune's, a ward's or a village's, worded in lang. Whoever
// reviews forms may have the lists of their area and the areas below it.
// The round is the one asked for (0: the open round holding the area, or
// else the latest); none is a refusal matching lists.ErrNoRound.
func (o *Office) Lists(ctx context.Context, actor store.User, areaID string, roundID uint64, forms *flows.Set, cat *locales.Catalog, lang string, at time.Time) (lists.Lists, error) {
	if !mayReview(actor) {
		return lists.Lists{}, refuse(ErrNotAllowed, "office.lists_reviewers_only")
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return lists.Lists{}, err
	}
	l, err := lists.Build(ctx, o.Store, forms, cat, area.ID, roundID, lang, at)
	if err := o.listsRefusal(ctx, area, "lists", err); err != nil {
		return lists.Lists{}, err
	}
	return l, nil
}
