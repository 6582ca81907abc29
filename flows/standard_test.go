package flows

import (
	"strings"
	"testing"
	"time"

	"sothon/flows/poverty"
)

func readForm(t *testing.T, name string) string {
	t.Helper()
	data, err := embedded.ReadFile("forms/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A form is checked against the standard it classifies for.
func TestFormRolesMatchItsStandard(t *testing.T) {
	t.Parallel()
	nd07, nd351 := readForm(t, "household.yaml"), readForm(t, "household_nd351.yaml")
	tests := []struct {
		name, src, want string // want "" for a form that passes
	}{
		{"NĐ 351 form as it is", nd351, ""},
		{"NĐ 351 form without the waste question", strings.Replace(nd351, "    role: indicator.waste\n", "", 1), "missing: indicator.waste"},
		{"NĐ 351 form without the means of information", strings.Replace(nd351, "    role: indicator.info_means\n", "", 1), ""},
		{"NĐ 07 form without the means of information", strings.Replace(nd07, "    role: indicator.info_means\n", "", 1), "missing: indicator.info_means"},
		{"NĐ 07 form declared for NĐ 351", strings.Replace(nd07, "standard: nd07-2021", "standard: nd351-2025", 1), "classifying by nd351-2025"},
		{"unknown standard", strings.Replace(nd07, "standard: nd07-2021", "standard: nd99-2040", 1), `standard "nd99-2040" is not one`},
		{"no standard named: the first", strings.Replace(nd07, "standard: nd07-2021\n", "", 1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := Parse("f.yaml", []byte(tt.src))
			switch {
			case tt.want == "" && len(probs) > 0:
				t.Fatalf("refused: %v", probs)
			case tt.want != "" && (len(probs) == 0 || !strings.Contains(probs[0].String(), tt.want)):
				t.Fatalf("problems %v, want one saying %q", probs, tt.want)
			}
		})
	}
}

// The NĐ 351 form classifies by the round's standard and keeps the class by
// both: the same answers, submitted in November 2026.
func TestSubmitClassesByBothStandards(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	nov := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	next := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // an annual round's
	base := map[string]string{"household": "h1", "members": "4", "working_age": "2", "children": "0",
		"job": "no", "insurance": "no", "adult_education": "no", "house_quality": "no", "house_area": "40",
		"water": "yes", "latrine": "yes", "waste": "yes", "internet": "yes", "info_means": "yes", "needs": "none", "note": "-"}
	with := func(changes ...string) map[string]string {
		a := map[string]string{}
		for k, v := range base {
			a[k] = v
		}
		for i := 0; i < len(changes); i += 2 {
			a[changes[i]] = changes[i+1]
		}
		return a
	}
	tests := []struct {
		name       string
		form       string
		answers    map[string]string
		kind       poverty.Kind
		classifyAt time.Time
		standard   string
		classes    map[string]string
	}{
		{"urban 2,5 tr, 3 lacking, annual round", "household_nd351", with("income", "10", "job", "yes", "insurance", "yes", "house_quality", "yes"),
			poverty.Urban, next, "nd351-2025", map[string]string{"nd07-2021": "middle", "nd351-2025": "poor"}},
		{"urban 2,5 tr, 3 lacking, regular round", "household_nd351", with("income", "10", "job", "yes", "insurance", "yes", "house_quality", "yes"),
			poverty.Urban, time.Time{}, "nd07-2021", map[string]string{"nd07-2021": "middle", "nd351-2025": "poor"}},
		{"lacks only waste handling", "household_nd351", with("income", "4", "waste", "no"),
			poverty.Rural, next, "nd351-2025", map[string]string{"nd07-2021": "near_poor", "nd351-2025": "near_poor"}},
		{"waste the third lacking", "household_nd351", with("income", "4", "waste", "no", "insurance", "yes", "house_quality", "yes"),
			poverty.Rural, next, "nd351-2025", map[string]string{"nd07-2021": "near_poor", "nd351-2025": "poor"}},
		{"NĐ 07 form in an annual round keeps its own standard", "household", with("income", "10", "job", "yes", "insurance", "yes", "house_quality", "yes"),
			poverty.Urban, next, "nd07-2021", map[string]string{"nd07-2021": "middle"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := set.Form(tt.form)
			c := Context{Circumstances: Circumstances{Now: nov, Kind: tt.kind, Standards: poverty.Default(), ClassifyAt: tt.classifyAt}}
			r := &Run{Form: f.ID, Answers: tt.answers}
			o := r.submit(f, c)
			s := o.Submitted
			if s.Standard != tt.standard || s.Class != tt.classes[tt.standard] || len(s.Classes) != len(tt.classes) {
				t.Fatalf("submitted %s by %s, classes %v; want %s by %s, classes %v", s.Class, s.Standard, s.Classes,
					tt.classes[tt.standard], tt.standard, tt.classes)
			}
			for id, want := range tt.classes {
				if s.Classes[id] != want {
					t.Errorf("class by %s = %s, want %s", id, s.Classes[id], want)
				}
			}
		})
	}
}
