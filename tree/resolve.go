package tree

import (
	"fmt"
	"strings"

	"sothon/flows"
)

// AmbiguousError is a name that several areas fit; Candidates name
// them as Label does, in the tree's order, for the person to choose.
type AmbiguousError struct {
	Query      string
	Candidates []Choice
}

// Choice is an area offered to a person: its id and its label.
type Choice struct{ ID, Label string }

func (e *AmbiguousError) Error() string {
	lines := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		lines[i] = c.Label + " (" + c.ID + ")"
	}
	return fmt.Sprintf("%q fits several areas: %s", e.Query, strings.Join(lines, ", "))
}

// Resolve finds the area a person names: by its id, or by its name,
// short name or label with or without diacritics ("huyen tung", "na
// rao"), among the areas of scope ("" for every area). An exact name wins
// over a label that only holds the words. It fails with ErrUnknown
// when no area fits, ErrOutsideScope for the id of an area outside scope,
// and an *AmbiguousError when several fit. The chat, the console and
// the command line all name areas through it.
func Resolve(areas []Area, query, scope string) (Area, error) {
	query = strings.TrimSpace(query)
	byID := make(map[string]Area, len(areas))
	for _, a := range areas {
		byID[a.ID] = a
	}
	inScope := func(id string) bool { return scope == "" || Within(id, scope) }
	if a, ok := byID[query]; ok {
		if !inScope(a.ID) {
			return Area{}, fmt.Errorf("%w: %q", ErrOutsideScope, query)
		}
		return a, nil
	}
	folded := flows.Fold(query)
	var exact, partial []Area
	for _, a := range areas {
		if folded == "" || !inScope(a.ID) {
			continue
		}
		label := flows.Fold(Label(a, byID[a.Parent]))
		switch {
		case flows.Fold(a.Name) == folded || flows.Fold(ShortName(a)) == folded || label == folded:
			exact = append(exact, a)
		case strings.Contains(label, folded):
			partial = append(partial, a)
		}
	}
	found := exact
	if len(found) == 0 {
		found = partial
	}
	switch len(found) {
	case 0:
		return Area{}, fmt.Errorf("%w: %q", ErrUnknown, query)
	case 1:
		return found[0], nil
	}
	amb := &AmbiguousError{Query: query, Candidates: make([]Choice, len(found))}
	for i, a := range found {
		amb.Candidates[i] = Choice{ID: a.ID, Label: Label(a, byID[a.Parent])}
	}
	return Area{}, amb
}
