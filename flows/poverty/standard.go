package poverty

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"
)

// Lines are the income lines of one setting, in million VND per person per month.
type Lines struct {
	Poverty float64 `yaml:"poverty"`
	Middle  float64 `yaml:"middle"`
}

// Standard is one poverty standard with the date it takes effect.
type Standard struct {
	Name           string `yaml:"name"`
	From           string `yaml:"from"` // YYYY-MM-DD
	MinLackingPoor int    `yaml:"min_lacking_poor"`
	Rural          Lines  `yaml:"rural"`
	Urban          Lines  `yaml:"urban"`

	from time.Time
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

// Default returns the embedded standards.
func Default() Standards {
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
	for i := range list {
		s := &list[i]
		t, err := time.Parse(time.DateOnly, s.From)
		if err != nil {
			return nil, fmt.Errorf("poverty: standard %q: from: %w", s.Name, err)
		}
		s.from = t
		for _, l := range []Lines{s.Rural, s.Urban} {
			if l.Poverty <= 0 || l.Middle < l.Poverty {
				return nil, fmt.Errorf("poverty: standard %q: lines must be positive with middle ≥ poverty", s.Name)
			}
		}
		if s.MinLackingPoor <= 0 {
			return nil, fmt.Errorf("poverty: standard %q: min_lacking_poor must be positive", s.Name)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].from.Before(list[j].from) })
	return list, nil
}

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
