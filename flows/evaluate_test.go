package flows

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/flows/poverty"
)

// randomAnswers answers some of a form's questions, each with one of a few
// values of its type (or none), as runs at any point of a form have them.
func randomAnswers(rng *rand.Rand, f *Form) map[string]string {
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	out := map[string]string{}
	for _, q := range f.Questions {
		if rng.IntN(5) == 0 {
			continue
		}
		switch q.Type {
		case Integer:
			out[q.ID] = pick("0", "1", "2", "3", "5", "12", "300")
		case Decimal:
			out[q.ID] = pick("0", "0.5", "2.25", "4.5", "9", "40", "1000")
		case YesNo:
			out[q.ID] = pick("yes", "no")
		case SelectOne, SelectMultiple:
			var names []string
			for _, ch := range f.Choices[q.List] {
				if rng.IntN(3) == 0 {
					names = append(names, ch.Name)
				}
			}
			if q.Type == SelectOne && len(names) > 1 {
				names = names[:1]
			}
			out[q.ID] = strings.Join(names, ";")
		case HouseholdPick:
			out[q.ID] = pick(NewHousehold, "h1", "h2")
		case Calculate:
		default:
			out[q.ID] = pick("", "-", "Lò Văn Pọm")
		}
	}
	return out
}

// An evaluation taken from the pool, after others of other runs, at once
// on many goroutines, finds what a new one finds: which questions apply,
// every value, and the household's classification of its own run.
func TestPooledEvaluationsAgreeWithNewOnes(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]Classification{"h1": {Class: poverty.Middle, IncomePC: 2, IncomeKnown: true}, "h2": {Class: poverty.Poor}}
	type kase struct {
		f       *Form
		answers map[string]string
		facts   Circumstances
		on      []bool
		env     map[string]any
	}
	rng := rand.New(rand.NewPCG(22, 1))
	var cases []kase
	for i := range 300 {
		f := set.Forms[i%len(set.Forms)]
		days := []time.Time{time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
			time.Date(2027, 1, 1, 23, 0, 0, 0, time.UTC)}
		facts := Circumstances{Now: days[i%3], Kind: []poverty.Kind{poverty.Rural, poverty.Urban}[i%2],
			Standards: poverty.Default(), LowIncome: poverty.DefaultLowIncome(),
			Classification: func(id string) Classification { return classes[id] }}
		k := kase{f: f, answers: randomAnswers(rng, f), facts: facts}
		fresh := f.newEvaluation()
		fresh.run(k.answers, k.facts)
		k.on, k.env = fresh.on, fresh.env
		cases = append(cases, k)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := cases[(g*7919+i*31)%len(cases)]
				e := k.f.evaluate(k.answers, k.facts)
				if !slices.Equal(e.on, k.on) {
					t.Errorf("%s %v: pooled found %v applying, new %v", k.f.ID, k.answers, e.on, k.on)
				}
				for name, want := range k.env {
					if want != nil && reflect.TypeOf(want).Kind() == reflect.Func {
						continue
					}
					if got := e.env[name]; !reflect.DeepEqual(got, want) {
						t.Errorf("%s %v: pooled found %s = %#v, new %#v", k.f.ID, k.answers, name, got, want)
					}
				}
				e.release()
				if t.Failed() {
					return
				}
			}
		})
	}
	wg.Wait()
}
