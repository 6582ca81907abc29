// Package flows defines questionnaires as data and runs them one answer at a
// time: loading and checking the YAML files, parsing typed-in answers, skip
// logic, constraints and calculations, and the state of a run in progress.
package flows

import "sync"

// Type is the kind of a question, which decides how its answer is parsed.
type Type string

// The question types, in the spirit of XLSForm.
const (
	Integer        Type = "integer"
	Decimal        Type = "decimal"
	Text           Type = "text"
	YesNo          Type = "yesno"
	SelectOne      Type = "select_one"
	SelectMultiple Type = "select_multiple"
	Date           Type = "date"
	Note           Type = "note"
	Calculate      Type = "calculate"
	HouseholdPick  Type = "household"
	// Image is one or more photos sent from the phone (Max of them, 1 by
	// default); the answer is their content hashes (see ImageAnswer).
	Image Type = "image"
	// Geopoint is a place, sent from the phone or typed as "21.15, 105.83";
	// the answer is "LAT LON" or "LAT LON ACCURACY" (see Point).
	Geopoint Type = "geopoint"
)

var knownTypes = map[Type]bool{
	Integer: true, Decimal: true, Text: true, YesNo: true, SelectOne: true,
	SelectMultiple: true, Date: true, Note: true, Calculate: true, HouseholdPick: true,
	Image: true, Geopoint: true,
}

// Label is a text in each language, keyed by language code.
type Label map[string]string

// In returns the text in lang, falling back to Vietnamese.
func (l Label) In(lang string) string {
	if s := l[lang]; s != "" {
		return s
	}
	return l["vi"]
}

// Choice is one option of a choice list.
type Choice struct {
	Name      string  `yaml:"name"`
	Label     Label   `yaml:"label"`
	Unit      Label   `yaml:"unit,omitempty"`      // what a scale is counted in, for models
	UnitOne   Label   `yaml:"unit_one,omitempty"`  // the unit for exactly one, where it differs ("tree")
	Min       float64 `yaml:"min,omitempty"`       // minimum scale, 0 when none
	Exclusive bool    `yaml:"exclusive,omitempty"` // cannot be chosen with others ("none")
	Project   string  `yaml:"project,omitempty"`   // programme project (DA2, DA3 …)
	// WarnMax is the plausible largest scale in this choice's unit, for a
	// question that takes its unit from the choice (a herd of pigs).
	WarnMax float64 `yaml:"warn_max,omitempty"`
}

// Repeat offers, after a submission, to fill the form again keeping some answers.
type Repeat struct {
	Prompt Label    `yaml:"prompt"`
	Keep   []string `yaml:"keep"`
}

// Form is one questionnaire.
type Form struct {
	ID      string `yaml:"id"`
	Version string `yaml:"version"`
	Title   Label  `yaml:"title"`
	// Standard is the id of the poverty standard the form classifies for
	// ("nd351-2025"): its roles must cover that standard's indicators, and
	// the menu offers it while the open round classifies by it. A form
	// that classifies without naming one is for the first standard.
	Standard  string              `yaml:"standard,omitempty"`
	Repeat    *Repeat             `yaml:"repeat,omitempty"`
	Choices   map[string][]Choice `yaml:"choices"`
	Questions []*Question         `yaml:"questions"`

	file  string
	index map[string]int
	roles map[string]string // role → question id
	evals sync.Pool         // *evaluation, kept between passes
}

// Question is one step of a form.
type Question struct {
	ID    string `yaml:"id"`
	Type  Type   `yaml:"type"`
	Label Label  `yaml:"label"`
	Short Label  `yaml:"short,omitempty"` // for the summary
	Hint  Label  `yaml:"hint,omitempty"`
	// Example is a fitting answer to a text question ("Nuôi ong"), shown
	// when an answer is refused.
	Example  Label    `yaml:"example,omitempty"`
	Required *bool    `yaml:"required,omitempty"`
	Min      *float64 `yaml:"min,omitempty"`
	// Max is the largest number a numeric question takes, or how many
	// photos an image question takes (1 when not given).
	Max *float64 `yaml:"max,omitempty"`
	// WarnMin and WarnMax bound the plausible answers: one outside them is
	// stored only once the person confirms it, with WarnMessage as the reason.
	WarnMin     *float64 `yaml:"warn_min,omitempty"`
	WarnMax     *float64 `yaml:"warn_max,omitempty"`
	WarnMessage Label    `yaml:"warn_message,omitempty"`
	// Year shows an integer as a year (1940, not 1.940).
	Year bool `yaml:"year,omitempty"`
	// YesLabel and NoLabel say what each answer of a yes/no question means
	// ("Có nước sạch" / "Không có nước sạch"), so a quick "1" cannot be
	// taken the wrong way round.
	YesLabel Label `yaml:"yes_label,omitempty"`
	NoLabel  Label `yaml:"no_label,omitempty"`
	// Role binds the question to a meaning the code relies on, such as one
	// of the poverty indicators ("indicator.water", "members", "income").
	Role              string `yaml:"role,omitempty"`
	MinLength         int    `yaml:"min_length,omitempty"`
	MaxLength         int    `yaml:"max_length,omitempty"`
	Money             bool   `yaml:"money,omitempty"` // amount in million VND
	Unit              Label  `yaml:"unit,omitempty"`
	UnitOne           Label  `yaml:"unit_one,omitempty"`  // the unit for exactly one, where it differs
	UnitFrom          string `yaml:"unit_from,omitempty"` // question whose choice carries the unit
	List              string `yaml:"list,omitempty"`
	Relevant          string `yaml:"relevant,omitempty"`
	Constraint        string `yaml:"constraint,omitempty"`
	ConstraintMessage Label  `yaml:"constraint_message,omitempty"`
	Calculate         string `yaml:"calculate,omitempty"`

	progs programs
}

// IsRequired reports whether an answer must be given; notes and
// calculations never take one, text questions may be made optional.
func (q *Question) IsRequired() bool {
	if q.Type == Note || q.Type == Calculate {
		return false
	}
	return q.Required == nil || *q.Required
}

// Question returns the question with the given id, or nil.
func (f *Form) Question(id string) *Question {
	if i, ok := f.index[id]; ok {
		return f.Questions[i]
	}
	return nil
}

// ChoicesOf returns the options of a select question, or nil.
func (f *Form) ChoicesOf(q *Question) []Choice {
	return f.Choices[q.List]
}

// Choice finds a choice of a list by name.
func (f *Form) Choice(list, name string) (Choice, bool) {
	for _, c := range f.Choices[list] {
		if c.Name == name {
			return c, true
		}
	}
	return Choice{}, false
}
