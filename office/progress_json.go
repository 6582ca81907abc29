package office

import (
	"cmp"
	"context"
	"errors"
	"time"

	"sothon/report"
	"sothon/store"
)

// JSON gives the progress in the shape of the stats' `review`, villages
// named by their labels (as the stats' sub-areas are; by name when absent).
func (p Progress) JSON(labels map[string]string) report.ReviewJSON {
	out := report.ReviewJSON{Round: p.Round.ID, Name: p.Round.Name, Day: p.Day, Decided: p.Decided(), NotFinal: p.CountNotFinal(),
		Villages: make([]report.VillageReviewJSON, 0, len(p.Villages))}
	if d := p.Round.Decision; d != nil {
		out.Decision = &report.DecisionJSON{Number: d.Number, Day: d.Day}
	}
	for _, v := range p.Villages {
		out.Villages = append(out.Villages, report.VillageReviewJSON{PlaceJSON: report.PlaceJSON{ID: v.Village.ID, Name: cmp.Or(labels[v.Village.ID], v.Village.Name)},
			Households: v.Households, Listed: v.Listed, Meeting: cmp.Or(v.Meeting, "none"), MeetingDay: v.MeetingDay, Returned: v.Returned,
			Posting: cmp.Or(v.Posting, "none"), PostStart: v.PostStart, PostEnd: v.PostEnd, Complaints: v.Complaints,
			OpenComplaints: v.OpenComplaints, Final: v.Final})
	}
	return out
}

// StatsJSON is an area's figures for machines (report.Stats.JSON) with the
// villages' review in the stats' round, or in the latest round holding
// the area when none is open: `sothon stats --format json` and the
// console's /api/stats.
func StatsJSON(ctx context.Context, db *store.DB, st report.Stats, formIDs []string, today time.Time) (report.StatsJSON, error) {
	out := st.JSON(formIDs)
	var p Progress
	var err error
	if st.Round != nil {
		p, err = ProgressOfFigures(ctx, db, st, today)
	} else {
		r, rerr := (&Office{Store: db}).roundOf(ctx, st.Area.ID, 0)
		if errors.Is(rerr, store.ErrNoOpenRound) {
			return out, nil
		}
		if rerr != nil {
			return out, rerr
		}
		p, err = ProgressOf(ctx, db, st.Area, r, today)
	}
	if err != nil {
		return out, err
	}
	t, err := db.AreaTree(ctx)
	if err != nil {
		return out, err
	}
	labels := make(map[string]string, len(p.Villages))
	for _, v := range p.Villages {
		labels[v.Village.ID] = t.Label(v.Village)
	}
	review := p.JSON(labels)
	out.Review = &review
	return out, nil
}
