package flows

import (
	"testing"
	"time"

	"sothon/flows/poverty"
)

// TestLowIncomeWorker runs the training form's low-income rule (NĐ
// 30/2025/NĐ-CP) at its boundaries: a household known by its latest
// classification, or one with none whose income the form asks.
func TestLowIncomeWorker(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("training")
	inForce := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	known := func(c poverty.Class, pc float64) Classification {
		return Classification{Class: c, IncomePC: pc, IncomeKnown: true}
	}
	for _, tc := range []struct {
		name    string
		kind    poverty.Kind
		now     time.Time
		hh      Classification
		answers map[string]string // beyond the household picked
		asks    bool              // the household's income is asked
		want    string            // low_income_worker, "" when not relevant
	}{
		{"middle rural household", poverty.Rural, inForce, known(poverty.Middle, 2.0), nil, false, "yes"},
		{"rural, exactly 2,25", poverty.Rural, inForce, known(poverty.Middle, 2.25), nil, false, "yes"},
		{"rural, a đồng over 2,25", poverty.Rural, inForce, known(poverty.None, 2.250001), nil, false, "no"},
		{"urban, exactly 3,0", poverty.Urban, inForce, known(poverty.Middle, 3.0), nil, false, "yes"},
		{"urban, over 3,0", poverty.Urban, inForce, known(poverty.None, 3.1), nil, false, "no"},
		{"rural line does not reach urban 2,5", poverty.Rural, inForce, known(poverty.None, 2.5), nil, false, "no"},
		{"poor household", poverty.Rural, inForce, known(poverty.Poor, 1.0), nil, false, "no"},
		{"near-poor household", poverty.Rural, inForce, known(poverty.NearPoor, 1.4), nil, false, "no"},
		{"poor on the register, no income", poverty.Rural, inForce, Classification{Class: poverty.Poor}, nil, false, "no"},
		{"middle on the register, income asked", poverty.Rural, inForce, Classification{Class: poverty.Middle},
			map[string]string{"hh_income": "8", "hh_members": "4"}, true, "yes"},
		{"no classification, 6,75 for 3 is 2,25", poverty.Rural, inForce, Classification{},
			map[string]string{"hh_income": "6.75", "hh_members": "3"}, true, "yes"},
		{"no classification, at the poverty line", poverty.Rural, inForce, Classification{},
			map[string]string{"hh_income": "4.5", "hh_members": "3"}, true, "no"},
		{"no classification, urban 9 for 3", poverty.Urban, inForce, Classification{},
			map[string]string{"hh_income": "9", "hh_members": "3"}, true, "yes"},
		{"before NĐ 30/2025", poverty.Rural, time.Date(2025, 2, 23, 9, 0, 0, 0, time.UTC), known(poverty.Middle, 2.0), nil, false, ""},
		{"from its first day", poverty.Rural, time.Date(2025, 2, 24, 9, 0, 0, 0, time.UTC), known(poverty.Middle, 2.0), nil, false, "yes"},
		{"after 2026: to confirm, nobody marked", poverty.Rural, time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), Classification{}, nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked := ""
			facts := Circumstances{Now: tc.now, Kind: tc.kind, Standards: poverty.Default(), LowIncome: poverty.DefaultLowIncome(),
				Classification: func(id string) Classification { asked = id; return tc.hh }}
			answers := map[string]string{"household": "hh-7"}
			for k, v := range tc.answers {
				answers[k] = v
			}
			e := f.evaluate(answers, facts)
			env := e.env
			if e.applies("hh_income") != tc.asks || e.applies("hh_members") != tc.asks {
				t.Errorf("income asked: %v, members asked: %v; want %v", e.applies("hh_income"), e.applies("hh_members"), tc.asks)
			}
			got := ""
			if e.applies("low_income_worker") {
				got = canonical(env["low_income_worker"])
			}
			if got != tc.want {
				t.Errorf("low_income_worker = %q, want %q (income per person %v)", got, tc.want, env["income_pc"])
			}
			if tc.want != "" && asked != "hh-7" {
				t.Errorf("classification looked up for %q, want the household picked", asked)
			}
		})
	}
}

// TestLowIncomeNewHousehold: a household added during the run has no
// classification to look up; its income is asked.
func TestLowIncomeNewHousehold(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	facts := Circumstances{Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Kind: poverty.Rural, Standards: poverty.Default(),
		LowIncome: poverty.DefaultLowIncome(),
		Classification: func(id string) Classification {
			t.Errorf("looked up %q for a new household", id)
			return Classification{}
		}}
	e := set.Form("training").evaluate(map[string]string{"household": NewHousehold, "head_name": "Lò Văn Pọm"}, facts)
	if !e.applies("hh_income") || !e.applies("hh_members") {
		t.Errorf("a new household's income is not asked: %v", e.on)
	}
}
