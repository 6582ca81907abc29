package flows

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"go.yaml.in/yaml/v3"

	"sothon/locales"
)

//go:embed forms/*.yaml
var embedded embed.FS

// Problem is one thing wrong in a questionnaire file.
type Problem struct {
	File     string
	Question string // "" for the form as a whole
	Message  string
}

func (p Problem) String() string {
	if p.Question == "" {
		return p.File + ": " + p.Message
	}
	return p.File + ": question " + p.Question + ": " + p.Message
}

// ProblemsError carries every problem found, so that a form author fixes
// them in one go.
type ProblemsError []Problem

func (e ProblemsError) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return fmt.Sprintf("flows: %d problem(s) in questionnaires:\n%s", len(e), strings.Join(lines, "\n"))
}

// Set is a loaded collection of forms, in file name order.
type Set struct {
	Forms []*Form
	byID  map[string]*Form
}

// Form returns the form with the given id, or nil.
func (s *Set) Form(id string) *Form { return s.byID[id] }

// Default loads the embedded questionnaires.
func Default() (*Set, error) {
	sub, _ := fs.Sub(embedded, "forms")
	return LoadFS(sub)
}

// LoadDir loads every *.yaml file of a folder.
func LoadDir(dir string) (*Set, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("flows: forms folder: %w", err)
	}
	return LoadFS(os.DirFS(dir))
}

// LoadFS loads every *.yaml file at the top of fsys and checks it. The
// error, if any, is a ProblemsError listing everything wrong.
func LoadFS(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("flows: list forms: %w", err)
	}
	if len(names) == 0 {
		return nil, ProblemsError{{File: ".", Message: "no *.yaml questionnaire files"}}
	}
	sort.Strings(names)
	set := &Set{byID: map[string]*Form{}}
	var problems ProblemsError
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("flows: read %s: %w", name, err)
		}
		f, probs := Parse(name, data)
		problems = append(problems, probs...)
		if f == nil {
			continue
		}
		if other, dup := set.byID[f.ID]; dup {
			problems = append(problems, Problem{File: name, Message: fmt.Sprintf("form id %q is also used by %s", f.ID, other.file)})
			continue
		}
		set.byID[f.ID] = f
		set.Forms = append(set.Forms, f)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return set, nil
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Parse reads one questionnaire and reports everything wrong with it. The
// form is nil when it cannot be used.
func Parse(file string, data []byte) (*Form, []Problem) {
	f := &Form{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file")
		}
		msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", ";")), " ")
		return nil, []Problem{{File: file, Message: "not valid YAML: " + msg}}
	}
	c := checker{f: f}
	c.checkForm()
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return f, nil
}

type checker struct {
	f        *Form
	problems []Problem
}

func (c *checker) add(q, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.f.file, Question: q, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) label(q, field string, l Label) {
	for _, lang := range locales.Languages {
		if strings.TrimSpace(l[lang]) == "" {
			c.add(q, "%s: missing in %s", field, lang)
		}
	}
}

func (c *checker) checkForm() {
	f := c.f
	if !idPattern.MatchString(f.ID) {
		c.add("", "id %q must be lowercase letters, digits and _", f.ID)
	}
	if f.Version == "" {
		c.add("", "version is missing")
	}
	c.label("", "title", f.Title)
	for list, choices := range f.Choices {
		c.checkChoices(list, choices)
	}
	if len(f.Questions) == 0 {
		c.add("", "no questions")
	}
	f.index = map[string]int{}
	for i, q := range f.Questions {
		if q == nil {
			c.add("", "question %d is empty", i+1)
			continue
		}
		if !idPattern.MatchString(q.ID) || builtinNames[q.ID] || q.ID == valueName || reservedIDs[q.ID] {
			c.add(q.ID, "id must be lowercase letters, digits and _, and not a built-in or reserved name")
		}
		if _, dup := f.index[q.ID]; dup {
			c.add(q.ID, "duplicate id")
			continue
		}
		f.index[q.ID] = i
	}
	for i, q := range f.Questions {
		if q != nil {
			c.checkQuestion(i, q)
		}
	}
	c.checkRoles()
	c.checkPhotosPerForm()
	if f.Repeat != nil {
		c.label("", "repeat.prompt", f.Repeat.Prompt)
		for _, id := range f.Repeat.Keep {
			if f.Question(id) == nil {
				c.add("", "repeat.keep: unknown question %q", id)
			}
		}
	}
}

func (c *checker) checkChoices(list string, choices []Choice) {
	if len(choices) == 0 {
		c.add("", "choice list %q is empty", list)
	}
	seen := map[string]bool{}
	for _, ch := range choices {
		where := fmt.Sprintf("choice list %q, choice %q", list, ch.Name)
		if !idPattern.MatchString(ch.Name) {
			c.add("", "%s: name must be lowercase letters, digits and _", where)
		}
		if seen[ch.Name] {
			c.add("", "%s: duplicate name", where)
		}
		seen[ch.Name] = true
		c.label("", where+": label", ch.Label)
	}
}

func (c *checker) checkQuestion(i int, q *Question) {
	f := c.f
	c.label(q.ID, "label", q.Label)
	if !knownTypes[q.Type] {
		c.add(q.ID, "unknown type %q", q.Type)
		return
	}
	if len(q.Short) > 0 {
		c.label(q.ID, "short", q.Short)
	}
	if len(q.Hint) > 0 {
		c.label(q.ID, "hint", q.Hint)
	}
	if len(q.Example) > 0 {
		c.label(q.ID, "example", q.Example)
		if q.Type != Text {
			c.add(q.ID, "example goes with text questions only (numbers get one that fits their range)")
		}
	}
	if q.Type == SelectOne || q.Type == SelectMultiple {
		if q.List == "" {
			c.add(q.ID, "%s needs a list", q.Type)
		}
	}
	if q.List != "" && f.Choices[q.List] == nil {
		c.add(q.ID, "unknown choice list %q", q.List)
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		c.add(q.ID, "min is greater than max")
	}
	c.checkSoftLimits(q)
	c.checkYesNoLabels(q)
	c.checkMedia(q)
	if q.UnitFrom != "" {
		if j, ok := f.index[q.UnitFrom]; !ok || j >= i {
			c.add(q.ID, "unit_from must name an earlier question")
		}
	}
	if (q.Type == Calculate) != (q.Calculate != "") {
		c.add(q.ID, "calculate goes with type calculate, and only there")
	}
	if q.Constraint != "" {
		c.label(q.ID, "constraint_message", q.ConstraintMessage)
	}
	c.compile(i, q)
}

func (c *checker) checkSoftLimits(q *Question) {
	numeric := q.Type == Integer || q.Type == Decimal
	if !numeric && (q.WarnMin != nil || q.WarnMax != nil || q.Year) {
		c.add(q.ID, "warn_min, warn_max and year go with integer and decimal questions only")
	}
	if q.WarnMin != nil && q.WarnMax != nil && *q.WarnMin > *q.WarnMax {
		c.add(q.ID, "warn_min is greater than warn_max")
	}
	if len(q.WarnMessage) > 0 {
		c.label(q.ID, "warn_message", q.WarnMessage)
	}
}

// checkMedia checks what an image or geopoint question may carry: an
// image question's max is the number of photos it takes.
func (c *checker) checkMedia(q *Question) {
	switch q.Type {
	case Image:
		if q.Min != nil {
			c.add(q.ID, "min does not go with image questions (make it required instead)")
		}
		if m := q.Max; m != nil && (*m != float64(int(*m)) || *m < 1 || *m > MaxPhotosPerQuestion) {
			c.add(q.ID, "max of an image question is how many photos it takes: a whole number from 1 to %d", MaxPhotosPerQuestion)
		}
	case Geopoint:
		if q.Min != nil || q.Max != nil {
			c.add(q.ID, "min and max do not go with geopoint questions")
		}
	}
}

// checkPhotosPerForm bounds the photos one submission can hold.
func (c *checker) checkPhotosPerForm() {
	n := 0
	for _, q := range c.f.Questions {
		if q != nil {
			n += q.PhotoCount()
		}
	}
	if n > MaxPhotosPerForm {
		c.add("", "the image questions take %d photos in all; a form may take at most %d", n, MaxPhotosPerForm)
	}
}

func (c *checker) checkYesNoLabels(q *Question) {
	if len(q.YesLabel) == 0 && len(q.NoLabel) == 0 {
		return
	}
	if q.Type != YesNo {
		c.add(q.ID, "yes_label and no_label go with yesno questions only")
		return
	}
	c.label(q.ID, "yes_label", q.YesLabel)
	c.label(q.ID, "no_label", q.NoLabel)
}

func (c *checker) compile(i int, q *Question) {
	var msg string
	if q.Relevant != "" {
		if q.progs.relevant, msg = c.f.compileExpr(i, q, "relevant", q.Relevant, expr.AsBool()); msg != "" {
			c.add(q.ID, "%s", msg)
		}
	}
	if q.Constraint != "" {
		if q.progs.constraint, msg = c.f.compileExpr(i, q, "constraint", q.Constraint, expr.AsBool()); msg != "" {
			c.add(q.ID, "%s", msg)
		}
	}
	if q.Calculate != "" {
		if q.progs.calculate, msg = c.f.compileExpr(i, q, "calculate", q.Calculate); msg != "" {
			c.add(q.ID, "%s", msg)
		}
	}
}
