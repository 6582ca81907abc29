package store

import (
	"strconv"
	"strings"
)

// The names of the counters the store keeps itself: one place spells them.
// Counters other packages contribute (models, training) are named there.

// HouseholdsCounter counts the households of a village's register.
const HouseholdsCounter = "households"

// StatusCounter counts the households with a current status (the official
// list: the register's statuses, with the changes reviews made).
func StatusCounter(status string) string { return "status:" + status }

// RegisterCounter counts the households with a status in the register as
// imported, the baseline of a year's target.
func RegisterCounter(status string) string { return registerPrefix + status }

const registerPrefix = "register:"

// IsRegisterCounter tells a RegisterCounter name.
func IsRegisterCounter(name string) bool {
	return strings.HasPrefix(name, registerPrefix)
}

// ApprovedStatusCounter counts the households with a status on the official
// list counted from approved reviews: the class of their latest approved
// form, or else their register status.
func ApprovedStatusCounter(status string) string { return "approved_status:" + status }

// Statuses are the statuses a household can have on the official list.
var Statuses = []string{"poor", "near_poor", "middle", "none", "escaped"}

// WeekCounter counts the submissions of an ISO week ("2023-W25").
func WeekCounter(week string) string { return "week:" + week }

// LastWeek is the latest week with any submission counted, or "".
func (c Counters) LastWeek() string {
	last := ""
	for name, n := range c {
		week, ok := strings.CutPrefix(name, WeekCounter(""))
		if ok && n > 0 && !strings.Contains(week, ":") && week > last {
			last = week
		}
	}
	return last
}

// WeekFormCounter counts one questionnaire's submissions of a week.
func WeekFormCounter(week, form string) string { return WeekCounter(week) + ":" + form }

// ReviewedCounter counts the households reviewed in a round: those with
// any form it counts, whatever became of it.
func ReviewedCounter(round uint64) string { return "reviewed:" + strconv.FormatUint(round, 10) }

// RoundClassCounter counts the households a round's decisions put in a
// class, on a basis.
func RoundClassCounter(round uint64, b Basis, class string) string {
	return roundName("class", round, string(b), class)
}

// RoundListCounter counts the households on one of a round's lists
// (ListPoor …), on a basis.
func RoundListCounter(round uint64, b Basis, kind string) string {
	return roundName("list", round, string(b), kind)
}

// RoundEscapedCounter counts the households that left poverty altogether
// in a round, on a basis.
func RoundEscapedCounter(round uint64, b Basis) string { return roundName("escaped", round, string(b)) }

// RoundStateCounter counts the households of a round in a review state
// (RoundPending, RoundReturned, RoundApproved), those whose waiting form
// would change their class (RoundPendingChange), and those with any form
// decided (RoundDecided).
func RoundStateCounter(round uint64, state string) string {
	return roundName("round_review", round, state)
}

// Counted beside the household review states of a round.
const (
	RoundPendingChange = "pending_change"
	RoundDecided       = "decided"
)

func roundName(prefix string, round uint64, parts ...string) string {
	return prefix + ":" + strconv.FormatUint(round, 10) + ":" + strings.Join(parts, ":")
}

// ProjectedCounter counts the households by the class their latest form
// that gives it puts them in under a standard not yet in force;
// ProjectedBaseCounter counts the same households by their class under the
// standard in force on that form's day, so that the two compare.
func ProjectedCounter(standard, class string) string { return projectedPrefix + standard + ":" + class }

// ProjectedBaseCounter: see ProjectedCounter.
func ProjectedBaseCounter(standard, class string) string {
	return projectedPrefix + standard + ":base:" + class
}

const projectedPrefix = "projected:"
