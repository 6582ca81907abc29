package counting_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
	"sothon/store/counting"
	"sothon/store/storetest"
)

var (
	ctx     = context.Background()
	now     = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	village = "bac-kan/nong-thuong/na-rao"
)

func TestContributionsByRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		counted map[string]string
		want    []counting.Contribution
	}{
		{"no counting roles", nil, nil},
		{"a model", map[string]string{flows.RoleModel: "pig", flows.RoleModelStatus: "taking_part", flows.RoleModelBelowMin: "yes", flows.RoleModelCofund: "no"},
			[]counting.Contribution{{Kind: "model", Key: "pig", Names: []string{"model:pig", "model:pig:taking_part",
				counting.ModelBelowMinCounter, counting.ModelBelowMinCounter + ":pig", counting.ModelNoCofundCounter, counting.ModelNoCofundCounter + ":pig"}}}},
		{"a model without a choice", map[string]string{flows.RoleModelStatus: "taking_part"}, nil},
		{"a low-income worker wanting training", map[string]string{flows.RoleTrainingPerson: "Triệu Văn Phong", flows.RoleTrainingWants: "yes",
			flows.RoleTrainingTrade: "sewing", flows.RoleTrainingJob: "no", flows.RoleTrainingAbroad: "yes", flows.RoleTrainingLowIncome: "yes"},
			[]counting.Contribution{{Kind: "training", Key: "trieu van phong", Names: []string{counting.TrainingPeopleCounter,
				counting.TrainingTradeCounter("sewing"), counting.TrainingAbroadCounter, counting.TrainingLowIncomeCounter, counting.TrainingLowIncomeWantingCounter}}}},
		{"a person not wanting training", map[string]string{flows.RoleTrainingPerson: "Bàn Văn Sáng", flows.RoleTrainingWants: "no", flows.RoleTrainingJob: "yes"},
			[]counting.Contribution{{Kind: "training", Key: "ban van sang", Names: []string{counting.TrainingPeopleCounter, counting.TrainingJobCounter}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := counting.Contributions(tt.counted)
			if !slices.EqualFunc(got, tt.want, func(a, b counting.Contribution) bool {
				return a.Kind == b.Kind && a.Key == b.Key && slices.Equal(a.Names, b.Names)
			}) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A model form with another id and other question ids, but the same roles,
// run as the bot runs it, counts the same as the built-in one.
func TestRenamedModelFormCountsTheSame(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "flows", "forms", "model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	renames := map[string]string{"model": "mo_hinh", "status": "tinh_trang", "cofund": "doi_ung", "below_min": "duoi_quy_mo"}
	src := strings.NewReplacer("id: model\n", "id: mo_hinh_sinh_ke\n", // the form's id comes first
		"  - id: model\n", "  - id: mo_hinh\n", "  - id: status\n", "  - id: tinh_trang\n", "  - id: cofund\n", "  - id: doi_ung\n",
		"  - id: below_min\n", "  - id: duoi_quy_mo\n",
		`"models", model)`, `"models", mo_hinh)`, "relevant: model ==", "relevant: mo_hinh ==", "unit_from: model", "unit_from: mo_hinh").Replace(string(data))
	renamed, probs := flows.Parse("mo_hinh.yaml", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	builtin, _ := flows.Parse("model.yaml", data)
	if renamed.ID == builtin.ID || renamed.Question("model") != nil {
		t.Fatalf("the form was not renamed: %s", renamed.ID)
	}
	// A pig farm below the minimum scale that cannot co-fund, and cinnamon.
	typed := []map[string]string{
		{"household": "0", "head_name": "Nông Văn Tý", "model": "2", "status": "2", "scale": "4", "labour": "có", "cofund": "3", "support": "0", "difficulties": "8", "note": "-"},
		{"household": "0", "head_name": "Hoàng Thị Mai", "model": "1", "status": "1", "scale": "300", "labour": "có", "cofund": "1", "support": "2", "difficulties": "8", "note": "-"},
	}
	counted := func(f *flows.Form, ids map[string]string) store.Counters {
		db := storetest.Open(t)
		for _, answers := range typed {
			s := run(t, f, answers, ids)
			if _, err := db.Apply(ctx, store.Change{At: now, Submission: &store.Submission{Form: s.Form, FormVersion: s.Version,
				AreaID: village, HouseholdName: s.HouseholdName, SubmittedBy: "u1", SubmittedAt: now, Answers: s.Answers, Counted: s.Counted}}); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := db.CountersIn(ctx, village)
		if err != nil {
			t.Fatal(err)
		}
		c := cs[village]
		delete(c, counting.WeekFormCounter(store.ISOWeek(now), f.ID)) // the one counter that names the form
		return c
	}
	a, b := counted(builtin, nil), counted(renamed, renames)
	if !maps.Equal(a, b) {
		t.Errorf("the renamed form counts %v, the built-in one %v", b, a)
	}
	for _, name := range []string{counting.ModelCounter("pig"), counting.ModelStatusCounter("pig", "taking_part"), counting.ModelBelowMinCounter,
		counting.ModelNoCofundCounter + ":pig", counting.ModelCounter("cinnamon")} {
		if b[name] != 1 {
			t.Errorf("%s = %d, want 1: %v", name, b[name], b)
		}
	}
}

// run answers a form as a village head would, each question by its id in
// the built-in form (ids renames them), and sends it.
func run(t *testing.T, f *flows.Form, typed, ids map[string]string) *flows.Submission {
	t.Helper()
	c := flows.Context{Lang: "vi", T: locales.MustLoad(),
		Circumstances: flows.Circumstances{Now: now, Kind: poverty.Rural, Standards: poverty.Default()},
		Register:      func() ([]flows.PickerEntry, error) { return nil, nil }}
	builtinID := map[string]string{}
	for from, to := range ids {
		builtinID[to] = from
	}
	r, o := flows.Start(f, village, c)
	for range 50 {
		if o.Submitted != nil {
			return o.Submitted
		}
		id := r.Awaits()
		text := "1" // send, at the summary
		if id != flows.AwaitSummary {
			if builtin, ok := builtinID[id]; ok {
				id = builtin
			}
			var ok bool
			if text, ok = typed[id]; !ok {
				t.Fatalf("%s asks %s, which the test does not answer: %v", f.ID, r.Awaits(), o.Prompts)
			}
		}
		o = r.Reply(f, c, text)
	}
	t.Fatalf("%s was never sent", f.ID)
	return nil
}
