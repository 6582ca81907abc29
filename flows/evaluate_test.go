package flows

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
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
// every value, and the household's classification of its own run. A pass
// to the next question (evaluateToNext, every other one) finds the same up
// to that question, and nothing applying after it.
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
		if i%3 == 0 { // notes not yet shown: a pass to the next question goes past them
			for _, q := range f.Questions {
				if q.Type == Note {
					delete(k.answers, q.ID)
				}
			}
		}
		fresh := f.newEvaluation()
		fresh.run(k.answers, k.facts, false)
		k.on, k.env = fresh.on, fresh.env
		cases = append(cases, k)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := cases[(g*7919+i*31)%len(cases)]
				e, end := k.f.evaluate(k.answers, k.facts), len(k.f.Questions)
				if i%2 == 1 {
					e.release()
					e, end = k.f.evaluateToNext(k.answers, k.facts), nextAsked(k.f, k.on, k.answers)+1
				}
				want := append(slices.Clone(k.on[:end]), make([]bool, len(k.on)-end)...)
				if !slices.Equal(e.on, want) {
					t.Errorf("%s %v: pooled found %v applying, new %v (to %d)", k.f.ID, k.answers, e.on, want, end)
				}
				for name, want := range k.env {
					if want != nil && reflect.TypeOf(want).Kind() == reflect.Func {
						continue
					}
					if at, ok := k.f.index[name]; ok && at >= end {
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

// nextAsked is the place of the question a run with these answers asks
// next, by a whole pass's relevance: len(f.Questions)-1 when none is left.
func nextAsked(f *Form, on []bool, answers map[string]string) int {
	for i, q := range f.Questions {
		if _, answered := answers[q.ID]; on[i] && !answered && q.Type != Calculate && q.Type != Note {
			return i
		}
	}
	return len(f.Questions) - 1
}

const noteForm = `
id: notes
version: "1"
title: {vi: "Ghi chú", en: "Notes"}
questions:
  - {id: members, type: integer, label: {vi: "Mấy người?", en: "How many?"}}
  - {id: big, type: note, relevant: "members > 4", label: {vi: "Hộ đông người.", en: "A large household."}}
  - {id: children, type: integer, relevant: "members > 1", label: {vi: "Mấy trẻ em?", en: "How many children?"}}
  - {id: remark, type: text, required: false, label: {vi: "Ghi chú?", en: "Remark?"}}
`

// What comes next is found past a note shown on the way, by the questions
// before it only: a note is shown and passed, a question that applies is
// asked, one that does not is skipped.
func TestNextQuestionPastANote(t *testing.T) {
	t.Parallel()
	set, err := LoadFS(fstest.MapFS{"notes.yaml": {Data: []byte(noteForm)}})
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form("notes")
	c := Context{Lang: "en", T: locales.MustLoad(), Circumstances: Circumstances{Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	for _, tt := range []struct {
		members, next string
		note          bool
	}{{"6", "children", true}, {"3", "children", false}, {"1", "remark", false}} {
		r, _ := Start(f, "a", c)
		o := r.Reply(f, c, tt.members)
		var texts []string
		for _, p := range o.Prompts {
			texts = append(texts, p.Text)
		}
		if got := r.Awaits(); got != tt.next {
			t.Errorf("%s members: awaits %q, want %q (prompts %q)", tt.members, got, tt.next, texts)
		}
		if shown := slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, "A large household.") }); shown != tt.note {
			t.Errorf("%s members: note shown %v, want %v (prompts %q)", tt.members, shown, tt.note, texts)
		}
	}
}
