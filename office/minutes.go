package office

import (
	"context"
	"errors"
	"fmt"

	"sothon/flows"
	"sothon/locales"
	"sothon/report/lists"
	"sothon/store"
	"sothon/tree"
)

// Minutes gathers the minutes of a village's meeting (lists.BuildMinutes)
// in a round (0: the open round holding the village, or the latest),
// worded in lang: for those who hold the meeting, its head or a reviewer,
// official or admin above it. A village with no meeting in the round is a
// refusal matching lists.ErrNoMeeting.
func (o *Office) Minutes(ctx context.Context, actor store.User, village string, roundID uint64, forms *flows.Set, cat *locales.Catalog, lang string) (lists.Minutes, error) {
	area, err := o.villageActor(ctx, actor, village, true, "office.meeting_not_allowed")
	if err != nil {
		return lists.Minutes{}, err
	}
	m, err := lists.BuildMinutes(ctx, o.Store, forms, cat, area.ID, roundID, lang)
	if errors.Is(err, lists.ErrNoMeeting) {
		return lists.Minutes{}, refuse(err, "minutes.none", "village", o.areaLabel(ctx, area))
	}
	return m, o.listsRefusal(ctx, area, "minutes", err)
}

// listsRefusal is a documents' error as the office says it: no round
// holding the area is a refusal matching lists.ErrNoRound.
func (o *Office) listsRefusal(ctx context.Context, area tree.Area, what string, err error) error {
	switch {
	case errors.Is(err, lists.ErrNoRound):
		return refuse(err, "lists.no_round", "area", o.areaLabel(ctx, area))
	case err != nil:
		return fmt.Errorf("office: %s of %s: %w", what, area.ID, err)
	}
	return nil
}

// areaLabel is an area's name as people read it (its id when unknown).
func (o *Office) areaLabel(ctx context.Context, area tree.Area) string {
	if _, name, err := o.Store.AreaLabel(ctx, area.ID); err == nil {
		return name
	}
	return area.ID
}
