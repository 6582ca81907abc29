package report

import (
	"sothon/flows"
	"sothon/store"
)

// Facts are what a submission adds to its village's counters beyond the
// household's status, which the store keeps itself: a household's part in a
// model, a person's training wishes. Each replaces the same household's
// earlier fact for that model or person.
func Facts(form string, a map[string]string) []store.Fact {
	switch form {
	case "model":
		m := a["model"]
		if m == "" {
			return nil
		}
		names := []string{"model:" + m, "model:" + m + ":" + a["status"]}
		if a["below_min"] == "yes" {
			names = append(names, "model_below_min", "model_below_min:"+m)
		}
		if a["cofund"] == "no" {
			names = append(names, "model_cofund_no", "model_cofund_no:"+m)
		}
		return []store.Fact{{Kind: "model", Key: m, Names: names}}
	case "training":
		person := flows.Fold(a["person"])
		if person == "" {
			return nil
		}
		names := []string{"training:people"}
		if a["wants_training"] == "yes" {
			names = append(names, "training:trade:"+a["trade"])
		}
		if a["wants_job"] == "yes" {
			names = append(names, "training:job")
		}
		if a["wants_abroad"] == "yes" {
			names = append(names, "training:abroad")
		}
		return []store.Fact{{Kind: "training", Key: person, Names: names}}
	}
	return nil
}
