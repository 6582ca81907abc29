// Package counting owns the village counters' names and what a submission
// adds to them, read by the roles its form gives its questions: the store
// counts by it, the figures read the names from it.
package counting

import (
	"strconv"
	"strings"

	"sothon/flows/poverty"
)

// HouseholdsCounter counts the households of a village's register.
const HouseholdsCounter = "households"

// StatusCounter counts the households with a current status (the official
// list: the register's statuses, with the changes reviews made).
func StatusCounter(status poverty.Class) string { return "status:" + string(status) }

// RegisterCounter counts the households with a status in the register as
// imported, the baseline of a year's target.
func RegisterCounter(status poverty.Class) string { return registerPrefix + string(status) }

const registerPrefix = "register:"

// IsRegisterCounter tells a RegisterCounter name.
func IsRegisterCounter(name string) bool {
	return strings.HasPrefix(name, registerPrefix)
}

// ApprovedStatusCounter counts the households with a status on the official
// list counted from approved reviews: the class of their latest approved
// form, or else their register status.
func ApprovedStatusCounter(status poverty.Class) string { return "approved_status:" + string(status) }

// ReviewCounter counts the forms of a village in a review state.
func ReviewCounter(state string) string { return "review:" + state }

// WeekCounter counts the submissions of an ISO week ("2023-W25").
func WeekCounter(week string) string { return "week:" + week }

// WeekFormCounter counts one questionnaire's submissions of a week.
func WeekFormCounter(week, form string) string { return WeekCounter(week) + ":" + form }

// ReviewedCounter counts the households reviewed in a round: those with
// any form it counts, whatever became of it.
func ReviewedCounter(round uint64) string { return "reviewed:" + strconv.FormatUint(round, 10) }

// RoundClassCounter counts the households a round's decisions put in a
// class, on a basis (store.Basis).
func RoundClassCounter(round uint64, basis string, class poverty.Class) string {
	return roundName("class", round, basis, string(class))
}

// RoundListCounter counts the households on one of a round's lists
// (store.ListPoor …), on a basis.
func RoundListCounter(round uint64, basis, kind string) string {
	return roundName("list", round, basis, kind)
}

// RoundEscapedCounter counts the households that left poverty altogether
// in a round, on a basis.
func RoundEscapedCounter(round uint64, basis string) string {
	return roundName("escaped", round, basis)
}

// RoundStateCounter counts the households of a round in a review state
// (store.RoundPending, RoundReturned, RoundApproved), those whose waiting
// form would change their class (RoundPendingChange), and those with any
// form decided (RoundDecided).
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
func ProjectedCounter(standard string, class poverty.Class) string {
	return projectedPrefix + standard + ":" + string(class)
}

// ProjectedBaseCounter: see ProjectedCounter.
func ProjectedBaseCounter(standard string, class poverty.Class) string {
	return projectedPrefix + standard + ":base:" + string(class)
}

const projectedPrefix = "projected:"

// The names of the counters the model and training forms contribute.
const (
	ModelBelowMinCounter  = "model_below_min" // households below a model's minimum scale
	ModelNoCofundCounter  = "model_cofund_no" // households that cannot co-fund 40%
	TrainingPeopleCounter = "training:people" // people asked about training
	TrainingJobCounter    = "training:job"    // people who want job placement
	TrainingAbroadCounter = "training:abroad" // people interested in work abroad
	// Low-income workers (NĐ 30/2025/NĐ-CP), and those of them who want
	// training: whom vocational-training support is for.
	TrainingLowIncomeCounter        = "training:low_income"
	TrainingLowIncomeWantingCounter = "training:low_income_wanting"
)

// ModelCounter counts the households taking part in a model.
func ModelCounter(model string) string { return "model:" + model }

// ModelStatusCounter counts a model's households by participation status.
func ModelStatusCounter(model, status string) string { return ModelCounter(model) + ":" + status }

// TrainingTradeCounter counts the people who want training in a trade.
func TrainingTradeCounter(trade string) string { return "training:trade:" + trade }
