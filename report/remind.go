package report

import (
	"context"
	"strconv"
	"time"

	"sothon/store"
)

// Behind is a village head whose village needs a reminder.
type Behind struct {
	User store.User
	// Unreviewed households of the register in the open round; 0 when no
	// round is open.
	Unreviewed int
	// Idle: nothing was sent from the village this week.
	Idle bool
}

// VillagesBehind lists the heads whose village has households not yet
// reviewed in the open round, or nothing this week.
func VillagesBehind(ctx context.Context, db *store.DB, now time.Time) ([]Behind, error) {
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	round, err := db.CurrentRound(ctx)
	if err != nil {
		return nil, err
	}
	week := "week:" + store.ISOWeek(now)
	var out []Behind
	for _, u := range users {
		if u.Role != store.RoleHead || u.Unreachable {
			continue
		}
		counters, err := db.CountersIn(ctx, u.AreaID)
		if err != nil {
			return nil, err
		}
		c := counters[u.AreaID]
		b := Behind{User: u, Idle: c[week] == 0}
		if round != nil {
			b.Unreviewed = int(max(c["households"]-c["reviewed:"+strconv.FormatUint(round.ID, 10)], 0))
		}
		if b.Unreviewed > 0 || b.Idle {
			out = append(out, b)
		}
	}
	return out, nil
}
