package report

import (
	"sothon/flows"
	"sothon/store"
)

// Contributions are what a submission adds to its village's counters beyond the
// household's status, which the store keeps itself: a household's part in a
// model, a person's training wishes. Each replaces the same household's
// earlier fact for that model or person.
func Contributions(form string, a map[string]string) []store.Contribution {
	switch form {
	case "model":
		m := a["model"]
		if m == "" {
			return nil
		}
		names := []string{ModelCounter(m), ModelStatusCounter(m, a["status"])}
		if a["below_min"] == "yes" {
			names = append(names, ModelBelowMinCounter, ModelBelowMinCounter+":"+m)
		}
		if a["cofund"] == "no" {
			names = append(names, ModelNoCofundCounter, ModelNoCofundCounter+":"+m)
		}
		return []store.Contribution{{Kind: "model", Key: m, Names: names}}
	case "training":
		person := flows.Fold(a["person"])
		if person == "" {
			return nil
		}
		names := []string{TrainingPeopleCounter}
		if a["wants_training"] == "yes" {
			names = append(names, TrainingTradeCounter(a["trade"]))
		}
		if a["wants_job"] == "yes" {
			names = append(names, TrainingJobCounter)
		}
		if a["wants_abroad"] == "yes" {
			names = append(names, TrainingAbroadCounter)
		}
		if a["low_income_worker"] == "yes" {
			names = append(names, TrainingLowIncomeCounter)
			if a["wants_training"] == "yes" {
				names = append(names, TrainingLowIncomeWantingCounter)
			}
		}
		return []store.Contribution{{Kind: "training", Key: person, Names: names}}
	}
	return nil
}

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
