package flows

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/flows/poverty"
)

func TestDefaultFormsLoad(t *testing.T) {
	t.Parallel()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"household", "model", "training"} {
		f := set.Form(id)
		if f == nil || f.Version == "" {
			t.Fatalf("form %s missing or without version", id)
		}
	}
}

const goodForm = `
id: demo
version: "1"
title: {vi: "Thử", en: "Demo"}
choices:
  colours:
    - {name: red, label: {vi: "Đỏ", en: "Red"}}
questions:
  - id: a
    type: integer
    label: {vi: "A?", en: "A?"}
  - id: b
    type: select_one
    list: colours
    label: {vi: "B?", en: "B?"}
    relevant: a > 1
`

func TestLoaderReportsEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string // each must appear in the error, with the question id
	}{
		{"unknown type", strings.Replace(goodForm, "type: integer", "type: number", 1), []string{`question a: unknown type "number"`}},
		{"duplicate id", strings.Replace(goodForm, "id: b", "id: a", 1), []string{"question a: duplicate id"}},
		{"expression does not compile", strings.Replace(goodForm, "a > 1", "a >", 1), []string{"question b: relevant: does not parse"}},
		{"type error in expression", strings.Replace(goodForm, "a > 1", `a + "x" > 1`, 1), []string{"question b: relevant: does not compile"}},
		{"label missing in en", strings.Replace(goodForm, `{vi: "A?", en: "A?"}`, `{vi: "A?"}`, 1), []string{"question a: label: missing in en"}},
		{"label missing in vi", strings.Replace(goodForm, `{vi: "B?", en: "B?"}`, `{en: "B?"}`, 1), []string{"question b: label: missing in vi"}},
		{"unknown choice list", strings.Replace(goodForm, "list: colours", "list: colors", 1), []string{`question b: unknown choice list "colors"`}},
		{"relevant refers to a later question", strings.Replace(goodForm, "    label: {vi: \"A?\", en: \"A?\"}", "    label: {vi: \"A?\", en: \"A?\"}\n    relevant: b == \"red\"", 1),
			[]string{`question a: relevant: refers to later question "b"`}},
		{"unknown name", strings.Replace(goodForm, "a > 1", "c > 1", 1), []string{`question b: relevant: unknown name "c"`}},
		{"several at once", strings.Replace(strings.Replace(goodForm, "type: integer", "type: nope", 1), "list: colours", "list: x", 1),
			[]string{`question a: unknown type "nope"`, `question b: unknown choice list "x"`}},
		{"not yaml", "id: [", []string{"demo.yaml: not valid YAML"}},
		{"unknown field", strings.Replace(goodForm, "relevant:", "relevent:", 1), []string{"not valid YAML", "relevent"}},
		{"no version", strings.Replace(goodForm, `version: "1"`, "", 1), []string{"version is missing"}},
		{"example on a number", strings.Replace(goodForm, "type: integer\n", "type: integer\n    example: {vi: \"4\", en: \"4\"}\n", 1),
			[]string{"question a: example goes with text questions only"}},
		{"example missing in en", strings.Replace(goodForm, "type: integer\n", "type: text\n    example: {vi: \"Nông Văn Tý\"}\n", 1),
			[]string{"question a: example: missing in en"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(tt.yaml)}})
			var probs ProblemsError
			if !errors.As(err, &probs) {
				t.Fatalf("err = %v, want problems", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), "demo.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(goodForm)}}); err != nil {
		t.Fatalf("good form rejected: %v", err)
	}
}

func TestDuplicateFormIDAcrossFiles(t *testing.T) {
	t.Parallel()
	_, err := LoadFS(fstest.MapFS{"a.yaml": {Data: []byte(goodForm)}, "b.yaml": {Data: []byte(goodForm)}})
	if err == nil || !strings.Contains(err.Error(), `form id "demo" is also used by a.yaml`) {
		t.Fatalf("err = %v", err)
	}
}

// The loader must never panic on any input, and a form it accepts must
// have everything a run relies on.
func FuzzParseForm(f *testing.F) {
	f.Add([]byte(goodForm))
	for _, name := range []string{"household.yaml", "model.yaml", "training.yaml"} {
		data, err := embedded.ReadFile("forms/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("questions: [null]"))
	f.Add([]byte("id: x\nversion: '1'\ntitle: {vi: a, en: b}\nquestions:\n - {id: a, type: calculate, label: {vi: a, en: a}, calculate: 'a'}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, probs := Parse("fuzz.yaml", data)
		if form == nil {
			if len(probs) == 0 {
				t.Fatal("rejected without a problem")
			}
			return
		}
		for _, q := range form.Questions {
			if form.Question(q.ID) != q {
				t.Fatalf("question %q not indexed", q.ID)
			}
			if (q.Type == SelectOne || q.Type == SelectMultiple) && len(form.ChoicesOf(q)) == 0 {
				t.Fatalf("select %q without options accepted", q.ID)
			}
		}
	})
}

// The classification reads questions by role: a form that calls it without
// every role is refused, and renaming a question's id changes nothing.
func TestPovertyRoles(t *testing.T) {
	t.Parallel()
	data, err := embedded.ReadFile("forms/household.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	if _, probs := Parse("household.yaml", []byte(strings.Replace(src, "    role: indicator.water\n", "", 1))); len(probs) == 0 ||
		!strings.Contains(probs[0].String(), "missing: indicator.water") {
		t.Errorf("a form without indicator.water passed the check: %v", probs)
	}
	for name, edit := range map[string][2]string{
		"unknown role":   {"role: indicator.water", "role: indicator.wather"},
		"role twice":     {"role: indicator.latrine", "role: indicator.water"},
		"role mistyped":  {"    role: working_age\n", "    role: income\n"},
		"reserved id":    {"id: note\n", "id: summary\n"},
		"warn on a text": {"    max_length: 80\n", "    max_length: 80\n    warn_max: 3\n"},
	} {
		if _, probs := Parse("household.yaml", []byte(strings.Replace(src, edit[0], edit[1], 1))); len(probs) == 0 {
			t.Errorf("%s: passed the check", name)
		}
	}
	renamed := strings.NewReplacer("id: water\n", "id: nuoc_sach\n").Replace(src)
	orig, probs := Parse("household.yaml", data)
	moved, probs2 := Parse("household.yaml", []byte(renamed))
	if len(probs)+len(probs2) > 0 {
		t.Fatal(probs, probs2)
	}
	answers := map[string]string{"members": "4", "working_age": "2", "children": "0", "income": "4", "job": "no",
		"insurance": "no", "adult_education": "no", "house_quality": "no", "house_area": "40",
		"water": "yes", "latrine": "no", "internet": "no", "info_means": "yes"}
	renamedAnswers := map[string]string{"nuoc_sach": "yes"}
	for k, v := range answers {
		if k != "water" {
			renamedAnswers[k] = v
		}
	}
	facts := Circumstances{Now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), Kind: poverty.Rural, Standards: poverty.Default()}
	a, b := orig.evaluate(answers, facts).env, moved.evaluate(renamedAnswers, facts).env
	if a["lacking"] != 2 || a["lacking"] != b["lacking"] || a["class"] != b["class"] {
		t.Errorf("renaming water changed the classification: %v/%v, %v/%v", a["lacking"], b["lacking"], a["class"], b["class"])
	}
}
