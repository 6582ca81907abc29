package counting

import (
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
)

// Contribution is what one record contributes to its village's counters: a
// household's status, a household's part in a model, a person's training
// wishes. A new contribution with the same kind and key replaces the old one.
type Contribution struct {
	Kind  string   `json:"kind"`
	Key   string   `json:"key"`
	Names []string `json:"names"`
}

// Contributions are what a submission adds to its village's counters beyond
// the household's status, which the store keeps itself: a household's part
// in a model, a person's training wishes. They read the answers bound to
// the counting roles (flows.Form.CountedAnswers), role → answer, so that a
// form with the model roles counts models whatever its id. Each replaces
// the same household's earlier fact for that model or person.
func Contributions(counted map[string]string) []Contribution {
	var out []Contribution
	if c, ok := model(counted); ok {
		out = append(out, c)
	}
	if c, ok := training(counted); ok {
		out = append(out, c)
	}
	return out
}

func model(a map[string]string) (Contribution, bool) {
	m := a[flows.RoleModel]
	if m == "" {
		return Contribution{}, false
	}
	names := []string{ModelCounter(m), ModelStatusCounter(m, a[flows.RoleModelStatus])}
	if a[flows.RoleModelBelowMin] == "yes" {
		names = append(names, ModelBelowMinCounter, ModelBelowMinCounter+":"+m)
	}
	if a[flows.RoleModelCofund] == "no" {
		names = append(names, ModelNoCofundCounter, ModelNoCofundCounter+":"+m)
	}
	return Contribution{Kind: "model", Key: m, Names: names}, true
}

func training(a map[string]string) (Contribution, bool) {
	person := flows.Fold(a[flows.RoleTrainingPerson])
	if person == "" {
		return Contribution{}, false
	}
	wants := a[flows.RoleTrainingWants] == "yes"
	names := []string{TrainingPeopleCounter}
	if wants {
		names = append(names, TrainingTradeCounter(a[flows.RoleTrainingTrade]))
	}
	if a[flows.RoleTrainingJob] == "yes" {
		names = append(names, TrainingJobCounter)
	}
	if a[flows.RoleTrainingAbroad] == "yes" {
		names = append(names, TrainingAbroadCounter)
	}
	if a[flows.RoleTrainingLowIncome] == "yes" {
		names = append(names, TrainingLowIncomeCounter)
		if wants {
			names = append(names, TrainingLowIncomeWantingCounter)
		}
	}
	return Contribution{Kind: "training", Key: person, Names: names}, true
}

// Projection is what a household form adds to the figures "by the new
// standard" while that standard is not yet in force: the household's class
// under the newest standard beside its class under the one in force on the
// form's day (at), when the form gave both (classes: standard id → class).
// A newer such form of the household replaces it.
func Projection(classes map[string]string, ss poverty.Standards, at time.Time) []Contribution {
	newest, current := ss.Newest(), ss.At(at)
	next, okNext := classes[newest.ID]
	now, okNow := classes[current.ID]
	if newest.ID == current.ID || !okNext || !okNow {
		return nil
	}
	return []Contribution{{Kind: "projected", Key: newest.ID,
		Names: []string{ProjectedCounter(newest.ID, poverty.Class(next)), ProjectedBaseCounter(newest.ID, poverty.Class(now))}}}
}
