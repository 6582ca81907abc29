package poverty

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"
)

// LowIncomeLine is one dated pair of low-income lines: a member of a
// household neither poor nor near-poor whose income per person is at most
// the line of its setting is a low-income worker (người lao động có thu
// nhập thấp), eligible for vocational-training support.
type LowIncomeLine struct {
	Name   string  `yaml:"name"`
	Source string  `yaml:"source"`
	From   string  `yaml:"from"`  // YYYY-MM-DD
	Until  string  `yaml:"until"` // YYYY-MM-DD, last day in force; "" for open-ended
	Rural  float64 `yaml:"rural"` // million VND per person per month
	Urban  float64 `yaml:"urban"`

	from, until time.Time
}

// LowIncomeLines are the dated low-income lines, oldest first.
type LowIncomeLines []LowIncomeLine

//go:embed lowincome.yaml
var defaultLowIncome []byte

// DefaultLowIncome returns the embedded low-income lines.
func DefaultLowIncome() LowIncomeLines {
	l, err := ParseLowIncome(defaultLowIncome)
	if err != nil {
		panic("poverty: embedded low-income lines: " + err.Error())
	}
	return l
}

// ParseLowIncome reads and checks a YAML list of low-income lines.
func ParseLowIncome(data []byte) (LowIncomeLines, error) {
	var list LowIncomeLines
	if err := yaml.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("poverty: parse low-income lines: %w", err)
	}
	if len(list) == 0 {
		return nil, errors.New("poverty: no low-income line defined")
	}
	for i := range list {
		l := &list[i]
		var err error
		if l.from, err = time.Parse(time.DateOnly, l.From); err != nil {
			return nil, fmt.Errorf("poverty: low-income line %q: from: %w", l.Name, err)
		}
		if l.Until != "" {
			if l.until, err = time.Parse(time.DateOnly, l.Until); err != nil {
				return nil, fmt.Errorf("poverty: low-income line %q: until: %w", l.Name, err)
			}
			if l.until.Before(l.from) {
				return nil, fmt.Errorf("poverty: low-income line %q: until is before from", l.Name)
			}
		}
		if l.Rural <= 0 || l.Urban <= 0 {
			return nil, fmt.Errorf("poverty: low-income line %q: lines must be positive", l.Name)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].from.Before(list[j].from) })
	return list, nil
}

// At returns the line of the setting in force on the given day, and false
// when no entry is: then the category does not apply and nobody is marked.
func (ls LowIncomeLines) At(day time.Time, k Kind) (float64, bool) {
	y, m, d := day.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for i := len(ls) - 1; i >= 0; i-- {
		l := ls[i]
		if l.from.After(date) || (!l.until.IsZero() && date.After(l.until)) {
			continue
		}
		if k == Urban {
			return l.Urban, true
		}
		return l.Rural, true
	}
	return 0, false
}

// LowIncomeWorker tells whether a member of a household of class c is a
// low-income worker, given the household's income per person and the
// poverty and low-income lines of its setting. A poor or near-poor
// household's members never are. A household with no classification (c
// "") is judged by its income alone: at or under the poverty line it would
// be poor or near-poor, so its members are not marked either.
func LowIncomeWorker(c Class, incomePC, povertyLine, lowIncomeLine float64) bool {
	pc := math.Round(incomePC*1e6) / 1e6 // an income exactly at a line is at it
	switch {
	case c == Poor || c == NearPoor:
		return false
	case c == "" && pc <= povertyLine:
		return false
	}
	return pc <= lowIncomeLine
}
