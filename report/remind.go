package report

import (
	"context"
	"time"

	"sothon/store"
	"sothon/store/counting"
)

// Behind is a village head whose village needs a reminder.
type Behind struct {
	Round *store.Round // the open round of the head's village, if any
	User  store.User
	// Households of the village not reviewed in the open round; 0 when no
	// round is open.
	Unreviewed int
	// Idle: nothing was sent from the village this week.
	Idle bool
	// Returned counts the village's forms returned and not yet corrected:
	// the first thing the reminder asks for.
	Returned int
}

// VillagesBehind lists the heads whose village has returned forms to
// correct, households not yet reviewed in the open round, or nothing this
// week.
func VillagesBehind(ctx context.Context, db *store.DB, now time.Time) ([]Behind, error) {
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	totals := map[string]int64{}
	for _, a := range areas {
		totals[a.ID] = int64(a.HouseholdsTotal)
	}
	week := counting.WeekCounter(store.ISOWeek(now))
	var out []Behind
	for _, u := range users {
		if u.Role != store.RoleHead || u.Unreachable || u.Revoked {
			continue
		}
		counters, err := db.CountersIn(ctx, u.AreaID)
		if err != nil {
			return nil, err
		}
		round, err := db.RoundFor(ctx, u.AreaID)
		if err != nil {
			return nil, err
		}
		c := counters[u.AreaID]
		b := Behind{User: u, Idle: c[week] == 0, Round: round, Returned: int(c[counting.ReviewCounter(store.ReviewReturned)])}
		if round != nil {
			// Coverage is of the village's households_total, as in the
			// digest; the register may not hold every household yet.
			total := max(totals[u.AreaID], c[counting.HouseholdsCounter])
			b.Unreviewed = int(max(total-c[counting.ReviewedCounter(round.ID)], 0))
		}
		if b.Returned > 0 || b.Unreviewed > 0 || b.Idle {
			out = append(out, b)
		}
	}
	return out, nil
}
