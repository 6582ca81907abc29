package poverty

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// Lines are the income lines of one setting, in million VND per person per
// month. Middle is 0 where the standard gives no middle line.
type Lines struct {
	Poverty float64 `yaml:"poverty"`
	Middle  float64 `yaml:"middle"`
}

// Standard is one poverty standard with the date it takes effect and the
// indicators it counts.
type Standard struct {
	ID             string      `yaml:"id"`     // stored with each classification: "nd07-2021"
	Name           string      `yaml:"name"`   // the decree, for people
	Period         string      `yaml:"period"` // "2027–2030", as in "chuẩn nghèo đa chiều giai đoạn 2027–2030"
	From           string      `yaml:"from"`   // YYYY-MM-DD
	MinLackingPoor int         `yaml:"min_lacking_poor"`
	Rural          Lines       `yaml:"rural"`
	Urban          Lines       `yaml:"urban"`
	Indicators     []Indicator `yaml:"indicators"`

	from time.Time
}

// Counts reports whether the standard counts an indicator.
func (s Standard) Counts(ind Indicator) bool { return slices.Contains(s.Indicators, ind) }

// Lacking lists the indicators of the standard the household lacks.
func (s Standard) Lacking(h Profile) []Indicator {
	var out []Indicator
	for _, ind := range h.Lacking() {
		if s.Counts(ind) {
			out = append(out, ind)
		}
	}
	return out
}

// LackingCount is len(s.Lacking(h)), without making the list: the
// questionnaire counts on every answer.
func (s Standard) LackingCount(h Profile) int {
	n := 0
	for _, ind := range Indicators {
		if h.Lacks(ind) && s.Counts(ind) {
			n++
		}
	}
	return n
}

// Lines returns the income lines for the given setting.
func (s Standard) Lines(k Kind) Lines {
	if k == Urban {
		return s.Urban
	}
	return s.Rural
}

// Standards is a list of standards sorted by effective date.
type Standards []Standard

//go:embed standards.yaml
var defaultStandards []byte

// inUse are the standards the program classifies by: the embedded ones,
// unless a province's file replaced them (Use).
var (
	inUseMu sync.RWMutex
	inUse   = Embedded()
)

// Default returns the standards in use.
func Default() Standards {
	inUseMu.RLock()
	defer inUseMu.RUnlock()
	return inUse
}

// Use replaces the standards in use by a province's own (a line not yet
// confirmed, a higher local standard), read with ParseStandards: set once
// at start, before forms are loaded and checked against them.
func Use(ss Standards) {
	inUseMu.Lock()
	defer inUseMu.Unlock()
	inUse = ss
}

// Embedded returns the built-in standards.
func Embedded() Standards {
	s, err := ParseStandards(defaultStandards)
	if err != nil {
		panic("poverty: embedded standards: " + err.Error())
	}
	return s
}

// ParseStandards reads and checks a YAML list of standards.
func ParseStandards(data []byte) (Standards, error) {
	var list Standards
	if err := yaml.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("poverty: parse standards: %w", err)
	}
	if len(list) == 0 {
		return nil, errors.New("poverty: no standard defined")
	}
	ids := map[string]bool{}
	for i := range list {
		s := &list[i]
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("poverty: standard %q: %w", s.ID, err)
		}
		if ids[s.ID] {
			return nil, fmt.Errorf("poverty: standard %q: id used twice", s.ID)
		}
		ids[s.ID] = true
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].from.Before(list[j].from) })
	return list, nil
}

// check tells whether one standard is well formed, and keeps its date.
func (s *Standard) check() error {
	if !idPattern.MatchString(s.ID) || s.Name == "" || s.Period == "" {
		return errors.New("needs an id (lowercase letters, digits, -), a name and a period")
	}
	t, err := time.Parse(time.DateOnly, s.From)
	if err != nil {
		return fmt.Errorf("from: %w", err)
	}
	s.from = t
	for _, l := range []Lines{s.Rural, s.Urban} {
		if l.Poverty <= 0 || (l.Middle != 0 && l.Middle < l.Poverty) {
			return errors.New("lines must be positive, with middle ≥ poverty or left out")
		}
	}
	if s.MinLackingPoor <= 0 {
		return errors.New("min_lacking_poor must be positive")
	}
	if len(s.Indicators) == 0 {
		return errors.New("no indicators")
	}
	seen := map[Indicator]bool{}
	for _, ind := range s.Indicators {
		if !slices.Contains(Indicators, ind) || seen[ind] {
			return fmt.Errorf("indicator %q unknown or listed twice", ind)
		}
		seen[ind] = true
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// ByID returns the standard with an id.
func (ss Standards) ByID(id string) (Standard, bool) {
	for _, s := range ss {
		if s.ID == id {
			return s, true
		}
	}
	return Standard{}, false
}

// Newest is the standard that takes effect last.
func (ss Standards) Newest() Standard { return ss[len(ss)-1] }

// At returns the standard in force on the given day: the latest one that
// took effect on or before it. Before the first standard, the first applies,
// so that back-dated answers still get a class.
func (ss Standards) At(day time.Time) Standard {
	y, m, d := day.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	pick := ss[0]
	for _, s := range ss {
		if !s.from.After(date) {
			pick = s
		}
	}
	return pick
}
