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

// ReviewedCounter counts the households reviewed in a round.
func ReviewedCounter(round uint64) string { return "reviewed:" + strconv.FormatUint(round, 10) }

// ReviewedClassCounter counts the households a round's reviews put in class.
func ReviewedClassCounter(round uint64, class string) string {
	return ReviewedCounter(round) + ":" + class
}

// EscapedCounter counts the households that left poverty in a round.
func EscapedCounter(round uint64) string { return "escaped:" + strconv.FormatUint(round, 10) }
