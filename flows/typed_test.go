package flows

import (
	"maps"
	"testing"

	"sothon/locales"
)

// Every single-choice and yes/no question of the shipped forms, in every
// language, offers its options as labels to send back, and each label sent
// as text is the same answer as its number: a button that sends its label
// answers as the numbered button did.
func TestLabelsAnswerAsTheirNumbers(t *testing.T) {
	t.Parallel()
	for _, lang := range locales.Languages {
		set, c := answersContext(t, lang, 2026)
		c.Register = func() ([]PickerEntry, error) { return nil, nil } // the run goes on to the picker
		for _, f := range set.Forms {
			for _, q := range f.Questions {
				if q.Type != YesNo && q.Type != SelectOne {
					continue
				}
				at := &Run{Form: f.ID, Stage: StageAsk, Current: q.ID, Answers: map[string]string{"members": "5"}}
				p := at.ask(f, q, c)
				if !p.Typed {
					t.Errorf("%s/%s (%s): options %v not offered as labels", f.ID, q.ID, lang, p.Options)
					continue
				}
				for _, o := range p.Options {
					byKey, byLabel := at.clone(), at.clone()
					byKey.Reply(f, c, o.Key)
					byLabel.Reply(f, c, o.Label)
					if got, want := byLabel.Answers[q.ID], byKey.Answers[q.ID]; got != want || want == "" && byKey.Pending == "" {
						t.Errorf("%s/%s (%s): %q answers %q, %q answers %q", f.ID, q.ID, lang, o.Label, got, o.Key, want)
					}
				}
			}
		}
	}
}

func (r *Run) clone() *Run {
	c := *r
	c.Answers = maps.Clone(r.Answers)
	return &c
}

// The run's other prompts with options that are answers (the summary,
// the answer to change, filling the form again, discarding it) take their
// labels as typed answers too; the confirmation of an unusual answer and
// the household picker keep buttons bound to their message.
func TestRunPromptsTypedOrBound(t *testing.T) {
	t.Parallel()
	for _, lang := range locales.Languages {
		set, c := answersContext(t, lang, 2026)
		c.Register = func() ([]PickerEntry, error) { return nil, nil }
		f := set.Form("household")
		r := &Run{Form: f.ID, Answers: map[string]string{"members": "5", "income": "3"}}
		label := func(p Prompt, key string) string {
			for _, o := range p.Options {
				if o.Key == key {
					return o.Label
				}
			}
			t.Fatalf("no option %s in %v", key, p.Options)
			return ""
		}
		summary := r.summary(f, c)
		edit := r.pickEdit(f, c)
		discard := r.discardPrompt(f, c)
		for _, p := range []Prompt{summary, edit, discard, yesNoPrompt(c)} {
			if !p.Typed {
				t.Errorf("%s (%s): %v not typed", p.Question, lang, p.Options)
			}
		}
		// Each label is read as its option.
		r.Stage = StageSummary
		if o := r.clone().Reply(f, c, label(summary, "2")); len(o.Prompts) != 1 || o.Prompts[0].Question != AwaitEdit {
			t.Errorf("summary (%s): %q did not open the answers to change: %+v", lang, label(summary, "2"), o.Prompts)
		}
		r.Stage = StagePickEdit
		e := r.clone()
		if e.Reply(f, c, label(edit, "2")); e.Current != "income" {
			t.Errorf("edit (%s): %q picked %q", lang, label(edit, "2"), e.Current)
		}
		r.Stage, r.Resume = StageDiscard, StageSummary
		if o := r.clone().Reply(f, c, label(discard, "1")); !o.Discarded {
			t.Errorf("discard (%s): %q did not discard", lang, label(discard, "1"))
		}
		if o := r.clone().Reply(f, c, label(discard, "2")); o.Discarded || o.Ended {
			t.Errorf("discard (%s): %q ended the run", lang, label(discard, "2"))
		}
		r.Stage, r.Current, r.Pending = StageConfirm, "income", "900"
		if p := r.confirmPrompt(f, c); p.Typed {
			t.Errorf("confirm (%s) offered as labels", lang)
		}
	}
}

func yesNoPrompt(c Context) Prompt {
	opts := yesNoOptions(nil, c)
	return Prompt{Question: AwaitRepeat, Options: opts, Typed: typedYesNo(nil, c, opts)}
}

func TestPlainLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		labels []string
		want   bool
	}{
		{[]string{"Có", "Không"}, true},
		{[]string{"Nhà kiên cố", "Nhà bán kiên cố", "Nhà tạm"}, true},
		{[]string{"1", "2", "3 trở lên"}, false}, // "2" as the first label would pick the second
		{[]string{"Có", "có"}, false},            // the first would be taken for both
		{[]string{"Có", "co"}, false},
		{[]string{"Có", ""}, false},
		{[]string{"/start", "Có"}, false}, // a command, not an answer
		{nil, false},
	}
	for _, tt := range tests {
		if got := PlainLabels(tt.labels); got != tt.want {
			t.Errorf("PlainLabels(%q) = %v, want %v", tt.labels, got, tt.want)
		}
	}
}
