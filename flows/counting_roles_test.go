package flows

import (
	"maps"
	"strings"
	"testing"
)

// The counters read the model and training forms by role: a form that gives
// part of a counting group, a role on the wrong type, a yes/no role whose
// calculation gives something else or a co-funding list without "no" is
// refused, each with a message naming what is wrong.
func TestCountingRolesRefused(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		data, err := embedded.ReadFile("forms/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	model, training := read("model.yaml"), read("training.yaml")
	if _, probs := Parse("model.yaml", []byte(model)); len(probs) > 0 {
		t.Fatalf("the built-in model form: %v", probs)
	}
	tests := []struct {
		name, src, old, new, want string
	}{
		{"model without its status", model, "    role: model.status\n", "", "counting model needs a question with each of its roles; missing: model.status"},
		{"training without low income", training, "    role: training.low_income\n", "", "counting training needs a question with each of its roles; missing: training.low_income"},
		{"training without the person", training, "    role: training.person\n", "", "missing: training.person"},
		{"wants on a text", training, "  - id: wants_job\n    type: yesno\n", "  - id: wants_job\n    type: text\n", "question wants_job: role training.job needs a question of type yesno"},
		{"model on a text", model, "  - id: model\n    type: select_one\n", "  - id: model\n    type: text\n", "question model: role model needs a question of type select_one"},
		{"below minimum not yes or no", model, `calculate: 'choice_min("models", model) > 0 && scale < choice_min("models", model)'`, `calculate: 'scale * 2'`,
			"question below_min: role model.below_min needs a calculation that gives true or false"},
		{"co-funding without no", model, `    - {name: "no", label: {vi: "Không", en: "No"}}` + "\n  difficulties:", "  difficulties:",
			`question cofund: role model.cofund needs a list with the choice "no"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(tt.src, tt.old, tt.new, 1)
			if src == tt.src {
				t.Fatalf("the edit %q does not apply", tt.old)
			}
			_, probs := Parse("form.yaml", []byte(src))
			if !strings.Contains(ProblemsError(probs).Error(), tt.want) {
				t.Errorf("problems %v, want %q", probs, tt.want)
			}
		})
	}
}

// What the counters read is the same for a model form whose questions have
// other ids but the same roles.
func TestCountedAnswersByRole(t *testing.T) {
	t.Parallel()
	data, err := embedded.ReadFile("forms/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.NewReplacer("id: model\n", "id: mo_hinh\n", "id: cofund\n", "id: doi_ung\n",
		`"models", model)`, `"models", mo_hinh)`, "relevant: model ==", "relevant: mo_hinh ==", "unit_from: model", "unit_from: mo_hinh").Replace(string(data))
	orig, probs := Parse("model.yaml", data)
	moved, probs2 := Parse("model.yaml", []byte(renamed))
	if len(probs)+len(probs2) > 0 {
		t.Fatal(probs, probs2)
	}
	a := orig.CountedAnswers(map[string]string{"model": "pig", "status": "taking_part", "cofund": "no", "below_min": "yes", "scale": "4"})
	b := moved.CountedAnswers(map[string]string{"mo_hinh": "pig", "status": "taking_part", "doi_ung": "no", "below_min": "yes", "scale": "4"})
	want := map[string]string{RoleModel: "pig", RoleModelStatus: "taking_part", RoleModelCofund: "no", RoleModelBelowMin: "yes"}
	if !maps.Equal(a, want) || !maps.Equal(b, want) {
		t.Errorf("counted answers: %v and %v, want %v", a, b, want)
	}
}
