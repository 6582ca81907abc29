package flows

import (
	"slices"
	"time"
)

// Translator turns a locale key and its arguments into text.
type Translator interface {
	T(lang, key string, args ...any) string
}

// PickerEntry is an entry of a village register, as the picker shows it.
type PickerEntry struct {
	ID, Name string
}

// Context is what a run needs from outside for one step.
type Context struct {
	Lang string
	Circumstances
	T Translator
	// Register lists the households of the run's village, in register order.
	Register func() ([]PickerEntry, error)
	// HouseholdNotice is what to tell the person about a household just
	// picked (a form it already has in the round), "" for nothing; nil
	// says nothing.
	HouseholdNotice func(householdID string) string
	// NoMedia tells a channel on which no photo or place can be sent (the
	// terminal): its questions say to skip a photo and to type a place.
	NoMedia bool
	// NoPlace tells a channel that can send photos but no place (the Zalo
	// Bot Platform): its place questions say to type one.
	NoPlace bool
}

func (c Context) t(key string, args ...any) string { return c.T.T(c.Lang, key, args...) }

// Stage is where a run stands.
type Stage string

// The stages of a run.
const (
	StageAsk      Stage = "ask"       // waiting for the answer to Current
	StageSummary  Stage = "summary"   // showing the summary: submit, edit or cancel
	StagePickEdit Stage = "pick_edit" // waiting for the number of the answer to change
	StageRepeat   Stage = "repeat"    // submitted; offering to fill the form again
	StageConfirm  Stage = "confirm"   // an implausible answer to Current waits to be confirmed
	StageDiscard  Stage = "discard"   // asking before the run is thrown away
)

// Names of what a prompt asks for besides a question id; a question may not
// take one of them as its id. Buttons carry them to recognise stale presses.
const (
	AwaitSummary = "summary"
	AwaitEdit    = "edit"
	AwaitRepeat  = "repeat"
	AwaitDiscard = "discard"
	AwaitMenu    = "menu"   // the list of questionnaires, outside a run
	AwaitRemind  = "remind" // a reminder's button, outside a run
	// AwaitConfirm prefixes the id of the question whose answer is confirmed.
	AwaitConfirm = "ok:"
)

// reservedIDs may not be question ids: they name the run's other prompts.
var reservedIDs = map[string]bool{AwaitSummary: true, AwaitEdit: true, AwaitRepeat: true, AwaitDiscard: true, AwaitMenu: true, AwaitRemind: true}

// Run is one questionnaire in progress. It is plain data, stored between
// messages, so a run survives restarts.
type Run struct {
	Form          string            `json:"form"`
	Version       string            `json:"version"`
	AreaID        string            `json:"area_id"`
	Stage         Stage             `json:"stage"`
	Current       string            `json:"current,omitempty"`
	Editing       bool              `json:"editing,omitempty"`
	Answers       map[string]string `json:"answers"`
	Trail         []string          `json:"trail,omitempty"`    // questions answered, in order, for /back
	Previous      string            `json:"previous,omitempty"` // the answer being replaced, shown as a reminder
	Picker        Picker            `json:"picker,omitzero"`
	Selected      []string          `json:"selected,omitempty"` // toggled option keys of a multi-choice keyboard
	Photos        []string          `json:"photos,omitempty"`   // content hashes sent so far to an image question taking several
	HouseholdName string            `json:"household_name,omitempty"`
	Pending       string            `json:"pending,omitempty"`  // an implausible answer to Current, until confirmed
	Resume        Stage             `json:"resume,omitempty"`   // where a declined discard goes back to
	Replaces      uint64            `json:"replaces,omitempty"` // the returned submission this run corrects
	Started       time.Time         `json:"started"`
	Updated       time.Time         `json:"updated"`
}

// Picker is the household picker's position: a search and a page.
type Picker struct {
	Query string `json:"query,omitempty"`
	Page  int    `json:"page,omitempty"`
}

// Prompt is one message to the user, with numbered options where the
// answer is a choice. Question tells which question the options belong to.
type Prompt struct {
	Text     string
	Options  []Option
	Multi    bool
	Question string
	// Place asks for the phone's location: a channel that can offers a
	// button that sends it ("Gửi vị trí").
	Place bool
	// Typed says each option's label, sent back as text, is read as that
	// option (see typed.go): a channel may offer the options as buttons
	// that send their label, bound to no message.
	Typed bool
}

// Option is a numbered choice: Key is what the user types to pick it.
type Option struct {
	Key, Label string
}

// Submission is a completed questionnaire, ready to store.
type Submission struct {
	Form, Version string
	HouseholdID   string // "" for a household added during the run
	HouseholdName string
	Answers       map[string]string // relevant answers and calculated values
	// Class and Members are the answers bound to those roles, for the
	// register; empty and 0 when the form has no such question.
	Class   string
	Members int
	// Standard is the id of the poverty standard Class is by, and Classes
	// the class by every standard the answers cover (standard id → class):
	// both empty for a form that does not classify.
	Standard string
	Classes  map[string]string
	// Counted are the answers bound to the counting roles (model,
	// training.*), by role: what the village counters read.
	Counted map[string]string
	// Replaces is the returned submission this one corrects (0 for none).
	Replaces uint64
	// Files are the content hashes of the photos the answers hold.
	Files []string
}

// Outcome is the result of one step.
type Outcome struct {
	Prompts   []Prompt
	Submitted *Submission
	Ended     bool // the run is over and can be deleted
	Discarded bool // the person chose to throw the run away
}

// Start begins a run of f for a household of areaID.
func Start(f *Form, areaID string, c Context) (*Run, Outcome) {
	r := &Run{Form: f.ID, Version: f.Version, AreaID: areaID, Answers: map[string]string{},
		Started: c.Now, Updated: c.Now}
	return r, r.advance(f, c)
}

// Reopen begins a run that corrects a returned submission: its answers
// filled in and its household picked, at the question concerned (focus,
// when the reviewer named one and it still applies) or else at the
// summary, where any answer can be changed before it is sent again. A
// question the form gained since is asked first.
func Reopen(f *Form, areaID string, old *Submission, householdID string, replaces uint64, focus string, c Context) (*Run, Outcome) {
	r := &Run{Form: f.ID, Version: f.Version, AreaID: areaID, Answers: map[string]string{}, HouseholdName: old.HouseholdName,
		Replaces: replaces, Started: c.Now, Updated: c.Now}
	for _, q := range f.Questions {
		switch v, ok := old.Answers[q.ID]; {
		case q.Type == Note:
			r.Answers[q.ID] = "" // read when the form was first filled
		case q.Type == HouseholdPick:
			r.Answers[q.ID], r.Trail = householdID, append(r.Trail, q.ID)
		case ok && q.Type != Calculate:
			r.Answers[q.ID], r.Trail = v, append(r.Trail, q.ID)
		}
	}
	o := r.advance(f, c)
	if relevant := f.relevance(r.Answers, c.Circumstances); r.Stage == StageSummary && relevant.has(focus) {
		// As if the head had chosen to change that answer on the summary.
		q := f.Question(focus)
		r.Stage, r.Current, r.Editing, r.Picker = StageAsk, q.ID, true, Picker{}
		r.Previous = r.display(f, q, r.Answers[q.ID], c.Lang, c)
		return r, Outcome{Prompts: []Prompt{r.ask(f, q, c)}}
	}
	return r, o
}

// Show repeats what the run is waiting for, e.g. when a user comes back.
func (r *Run) Show(f *Form, c Context) Outcome {
	switch r.Stage {
	case StageAsk:
		return Outcome{Prompts: []Prompt{r.ask(f, f.Question(r.Current), c)}}
	case StagePickEdit:
		return Outcome{Prompts: []Prompt{r.pickEdit(f, c)}}
	case StageRepeat:
		return Outcome{Prompts: []Prompt{r.repeatOffer(f, c)}}
	case StageConfirm:
		return Outcome{Prompts: []Prompt{r.confirmPrompt(f, c)}}
	case StageDiscard:
		return Outcome{Prompts: []Prompt{r.discardPrompt(f, c)}}
	}
	return r.advance(f, c)
}

// Awaits names what the run waits for, as its last prompt's Question.
func (r *Run) Awaits() string {
	switch r.Stage {
	case StageAsk:
		return r.Current
	case StageSummary:
		return AwaitSummary
	case StagePickEdit:
		return AwaitEdit
	case StageRepeat:
		return AwaitRepeat
	case StageConfirm:
		return AwaitConfirm + r.Current
	case StageDiscard:
		return AwaitDiscard
	}
	return ""
}

// Options lists the options of what the run waits for, as last shown.
func (r *Run) Options(f *Form, c Context) []Option {
	switch r.Stage {
	case StageAsk:
		if q := f.Question(r.Current); q != nil {
			return r.ask(f, q, c).Options
		}
	case StageSummary:
		return summaryOptions(c)
	case StagePickEdit:
		return r.pickEdit(f, c).Options
	case StageRepeat:
		return yesNoOptions(nil, c)
	case StageConfirm:
		return r.confirmPrompt(f, c).Options
	case StageDiscard:
		return r.discardPrompt(f, c).Options
	}
	return nil
}

// Reply takes the user's text as the answer to what the run waits for.
func (r *Run) Reply(f *Form, c Context, text string) Outcome {
	r.Updated = c.Now
	switch r.Stage {
	case StageAsk:
		return r.replyAsk(f, c, text)
	case StageSummary:
		return r.replySummary(f, c, text)
	case StagePickEdit:
		return r.replyPickEdit(f, c, text)
	case StageRepeat:
		return r.replyRepeat(f, c, text)
	case StageConfirm:
		return r.replyConfirm(f, c, text)
	case StageDiscard:
		return r.replyDiscard(f, c, text)
	}
	return r.advance(f, c)
}

// Back steps to the previous answered question, passing over questions that
// skip logic left out, or leaves an edit for the summary.
func (r *Run) Back(f *Form, c Context) Outcome {
	r.Updated = c.Now
	if r.Stage == StagePickEdit || r.Editing {
		r.Editing, r.Previous = false, ""
		return r.advance(f, c)
	}
	switch r.Stage {
	case StageRepeat:
		return Outcome{Prompts: []Prompt{{Text: c.t("run.back_none")}, r.repeatOffer(f, c)}}
	case StageConfirm, StageDiscard:
		r.Stage, r.Pending = r.stageBefore(), ""
		return r.Show(f, c)
	}
	relevant := f.relevance(r.Answers, c.Circumstances)
	for len(r.Trail) > 0 {
		id := r.Trail[len(r.Trail)-1]
		r.Trail = r.Trail[:len(r.Trail)-1]
		q := f.Question(id)
		if q == nil || !relevant.has(id) {
			continue
		}
		r.Previous = r.display(f, q, r.Answers[id], c.Lang, c)
		delete(r.Answers, id)
		r.Stage, r.Current, r.Picker, r.Photos = StageAsk, id, Picker{}, nil
		return Outcome{Prompts: []Prompt{r.ask(f, q, c)}}
	}
	first := Prompt{Text: c.t("run.back_first")}
	return Outcome{Prompts: append([]Prompt{first}, r.Show(f, c).Prompts...)}
}

// advance moves to the first relevant question without an answer, or to
// the summary when there is none. Going by "first unanswered" rather than
// "next after the current one" makes edits and skip-logic changes ask
// exactly the questions that became relevant.
func (r *Run) advance(f *Form, c Context) Outcome {
	return r.advanceBy(f, c, f.evaluateToNext(r.Answers, c.Circumstances))
}

// advanceBy is advance with the pass it reads made by the caller (a test
// compares a whole pass's outcome with the shorter one's); it releases e.
func (r *Run) advanceBy(f *Form, c Context, e *evaluation) Outcome {
	var notes []Prompt
	var next *Question
	for i, q := range f.Questions {
		if !e.on[i] || q.Type == Calculate {
			continue
		}
		if _, ok := r.Answers[q.ID]; ok {
			continue
		}
		if q.Type == Note {
			notes = append(notes, Prompt{Text: q.Label.In(c.Lang)})
			r.Answers[q.ID] = ""
			continue
		}
		next = q
		break
	}
	e.release() // before the prompt, which may evaluate again
	if next != nil {
		if r.Current != next.ID {
			r.Selected, r.Photos = nil, nil
		}
		r.Stage, r.Current, r.Picker = StageAsk, next.ID, Picker{}
		return Outcome{Prompts: append(notes, r.ask(f, next, c))}
	}
	r.Stage, r.Current, r.Editing, r.Previous = StageSummary, "", false, ""
	return Outcome{Prompts: append(notes, r.summary(f, c))}
}

func (r *Run) replyAsk(f *Form, c Context, text string) Outcome {
	q := f.Question(r.Current)
	if q == nil { // the form changed under a stored run
		return r.advance(f, c)
	}
	if q.Type == HouseholdPick {
		return r.replyPicker(f, q, c, text)
	}
	if q.Type == Image || q.Type == Geopoint {
		if o, ok := r.replyMedia(f, q, c, text); ok {
			return o
		}
	}
	val, aerr := r.parse(f, q, c, text)
	if aerr != nil {
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, aerr)}}
	}
	if val != "" && !r.plausible(f, q, val) {
		r.Stage, r.Pending = StageConfirm, val
		return Outcome{Prompts: []Prompt{r.confirmPrompt(f, c)}}
	}
	r.accept(q.ID, val)
	return r.advance(f, c)
}

// accept records an answer and remembers it for /back.
func (r *Run) accept(id, val string) {
	r.Answers[id] = val
	r.Trail = append(slices.DeleteFunc(r.Trail, func(s string) bool { return s == id }), id)
	r.Previous, r.Selected, r.Pending, r.Photos = "", nil, "", nil
}

func (r *Run) replyRepeat(f *Form, c Context, text string) Outcome {
	yes, err := ParseYesNo(text)
	if err != nil {
		return Outcome{Prompts: []Prompt{{Text: c.t("answer.error", "reason", c.t("answer.yesno"))}, r.repeatOffer(f, c)}}
	}
	if !yes {
		return Outcome{Ended: true}
	}
	r.Stage = StageAsk
	return r.advance(f, c)
}

func (r *Run) repeatOffer(f *Form, c Context) Prompt {
	opts := yesNoOptions(nil, c)
	return Prompt{Text: f.Repeat.Prompt.In(c.Lang), Options: opts, Question: AwaitRepeat, Typed: typedYesNo(nil, c, opts)}
}

// restartForRepeat keeps the answers the form names and clears the rest.
func (r *Run) restartForRepeat(f *Form, c Context) {
	kept := map[string]string{}
	for _, id := range f.Repeat.Keep {
		if v, ok := r.Answers[id]; ok {
			kept[id] = v
		}
	}
	r.Answers, r.Trail, r.Stage, r.Current = kept, nil, StageRepeat, ""
	r.Started, r.Replaces = c.Now, 0 // the next person is new, not a correction
}
