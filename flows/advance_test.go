package flows

import (
	"maps"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
)

// advanceWhole is advance as it was before the pass stopped at the next
// question: a whole pass over the form's expressions.
func (r *Run) advanceWhole(f *Form, c Context) Outcome {
	return r.advanceBy(f, c, f.evaluate(r.Answers, c.Circumstances))
}

func cloneRun(r *Run) *Run {
	c := *r
	c.Answers = maps.Clone(r.Answers)
	c.Trail, c.Selected, c.Photos = slices.Clone(r.Trail), slices.Clone(r.Selected), slices.Clone(r.Photos)
	return &c
}

// randomAnswer is one of a few values of the question's type.
func randomAnswer(rng *rand.Rand, f *Form, q *Question) string {
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	switch q.Type {
	case Integer:
		return pick("0", "1", "2", "3", "5", "12", "300")
	case Decimal:
		return pick("0", "0.5", "2.25", "4.5", "9", "40", "1000")
	case YesNo:
		return pick("yes", "no")
	case SelectOne, SelectMultiple:
		var names []string
		for _, ch := range f.Choices[q.List] {
			if rng.IntN(3) == 0 {
				names = append(names, ch.Name)
			}
		}
		if len(names) == 0 && len(f.Choices[q.List]) > 0 {
			names = append(names, f.Choices[q.List][rng.IntN(len(f.Choices[q.List]))].Name)
		}
		if q.Type == SelectOne && len(names) > 1 {
			names = names[:1]
		}
		return strings.Join(names, ";")
	case HouseholdPick:
		return pick(NewHousehold, "h1", "h2")
	default:
		return pick("", "-", "Lò Văn Pọm")
	}
}

// firstUnanswered is the question a whole pass finds next: the first that
// applies, asks something and has no answer; "" for none.
func firstUnanswered(f *Form, r *Run, c Context) string {
	a := f.relevance(r.Answers, c.Circumstances)
	for i, q := range f.Questions {
		if _, ok := r.Answers[q.ID]; a.on[i] && !ok && q.Type != Calculate && q.Type != Note {
			return q.ID
		}
	}
	return ""
}

// Runs of every default form, answered at random, with /back, edits from
// the summary and answers changed on the way, several at once sharing the
// form's pooled evaluations: at every step, advance (a pass to the next
// question) asks, shows and leaves the run exactly as a whole pass does.
func TestAdvanceAgreesWithWholePasses(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]Classification{"h1": {Class: poverty.Poor, IncomePC: 1.2, IncomeKnown: true}, "h2": {Class: poverty.NearPoor}}
	c := Context{Lang: "vi", T: locales.MustLoad(), NoMedia: true,
		Circumstances: Circumstances{Now: time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC), Kind: poverty.Rural,
			Standards: poverty.Default(), LowIncome: poverty.DefaultLowIncome(),
			Classification: func(id string) Classification { return classes[id] }},
		Register: func() ([]PickerEntry, error) {
			return []PickerEntry{{ID: "h1", Name: "Hộ 1"}, {ID: "h2", Name: "Hộ 2"}}, nil
		}}
	forms := append(slices.Clone(set.Forms), notedForm(t))
	rng := rand.New(rand.NewPCG(7, 22))
	for _, f := range forms {
		runs := make([]*Run, 4)
		for k := range runs {
			runs[k], _ = Start(f, "a", c)
		}
		steps := 0
		for range 3000 {
			r := runs[rng.IntN(len(runs))]
			before := cloneRun(r)
			var got, want Outcome
			var whole *Run
			kind := "answer"
			switch {
			case r.Stage == StageAsk && rng.IntN(6) == 0, r.Stage == StageSummary && rng.IntN(4) == 0:
				kind = "back"
				if r.Editing { // Back leaves the edit by advance
					whole = cloneRun(r)
					whole.Updated, whole.Editing, whole.Previous = c.Now, false, ""
					want = whole.advanceWhole(f, c)
				}
				got = r.Back(f, c)
			case r.Stage == StageSummary && rng.IntN(8) == 0: // a new run in its place
				r2, _ := Start(f, "a", c)
				*r = *r2
				continue
			case r.Stage == StageSummary:
				// Change an answer, as chosen on the summary.
				a := f.relevance(r.Answers, c.Circumstances)
				qs := r.editable(f, a.on)
				if len(qs) == 0 {
					continue
				}
				q := qs[rng.IntN(len(qs))]
				r.Stage, r.Current, r.Editing, r.Picker, r.Photos = StageAsk, q.ID, true, Picker{}, nil
				fallthrough
			case r.Stage == StageAsk:
				q := f.Question(r.Current)
				r.accept(q.ID, randomAnswer(rng, f, q))
				whole = cloneRun(r)
				got, want = r.advance(f, c), whole.advanceWhole(f, c)
			default:
				t.Fatalf("%s: run at stage %q", f.ID, r.Stage)
			}
			steps++
			if whole != nil && (!reflect.DeepEqual(got, want) || !reflect.DeepEqual(r, whole)) {
				t.Fatalf("%s: after %s from %+v:\n got %+v\n     %+v\nwant %+v\n     %+v", f.ID, kind, before, r, got, whole, want)
			}
			switch next := firstUnanswered(f, r, c); {
			case kind == "answer" && r.Stage == StageAsk && r.Current != next:
				t.Fatalf("%s: after %s from %+v: asks %q, a whole pass finds %q", f.ID, kind, before, r.Current, next)
			case r.Stage == StageSummary && next != "":
				t.Fatalf("%s: after %s from %+v: at the summary, a whole pass finds %q", f.ID, kind, before, next)
			}
		}
		t.Logf("%s: %d steps", f.ID, steps)
	}
}

// notedForm is the household form with notes on the way, some shown by
// skip logic on answers, on the poverty built-ins as far as the pass has
// reached, on a calculation and on the picked household's class, and a
// question asked by the poverty built-ins mid-form.
func notedForm(t *testing.T) *Form {
	t.Helper()
	src, err := os.ReadFile("forms/household.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for _, ins := range []struct{ before, add string }{
		{"  - id: job\n", `  - {id: n_big, type: note, relevant: "members > 4", label: {vi: "Hộ đông.", en: "Large."}}`},
		{"  - id: house_quality\n", `  - {id: n_lack, type: note, relevant: "poverty_lacking() >= 1", label: {vi: "Thiếu.", en: "Lacking."}}`},
		{"  - id: house_photo\n", `  - {id: mid_class, type: integer, relevant: "poverty_class() != \"\" && poverty_lacking() > 1", label: {vi: "Mấy?", en: "How many?"}}`},
		{"  - id: causes\n", `  - {id: n_poor, type: note, relevant: "class == \"poor\"", label: {vi: "Hộ nghèo.", en: "Poor."}}`},
		{"  - id: needs\n", `  - {id: n_always, type: note, label: {vi: "Sắp xong.", en: "Nearly done."}}
  - {id: n_known, type: note, relevant: "household_class() == \"poor\" && members < 3", label: {vi: "Đã nghèo.", en: "Was poor."}}`},
	} {
		if !strings.Contains(text, ins.before) {
			t.Fatalf("household.yaml has no %q", ins.before)
		}
		text = strings.Replace(text, ins.before, ins.add+"\n"+ins.before, 1)
	}
	set, err := LoadFS(fstest.MapFS{"household.yaml": {Data: []byte(text)}})
	if err != nil {
		t.Fatal(err)
	}
	return set.Forms[0]
}
