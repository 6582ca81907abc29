package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"sothon/flows"
)

// AmbiguousAreaError is a name that several areas fit; Candidates name
// them as Label does, in the tree's order, for the person to choose.
type AmbiguousAreaError struct {
	Query      string
	Candidates []AreaChoice
}

// AreaChoice is an area offered to a person: its id and its label.
type AreaChoice struct{ ID, Label string }

func (e *AmbiguousAreaError) Error() string {
	lines := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		lines[i] = c.Label + " (" + c.ID + ")"
	}
	return fmt.Sprintf("%q fits several areas: %s", e.Query, strings.Join(lines, ", "))
}

// FindArea finds the area a person names, as ResolveArea does, among the
// stored areas.
func (db *DB) FindArea(ctx context.Context, query, scope string) (Area, error) {
	areas, err := db.Areas(ctx)
	if err != nil {
		return Area{}, err
	}
	a, err := ResolveArea(areas, query, scope)
	if errors.Is(err, ErrAreaUnknown) {
		if to, ok := db.movedTo(ctx, strings.TrimSpace(query)); ok {
			return ResolveArea(areas, to, scope)
		}
	}
	return a, err
}

// movedTo is the area of today an old id was moved to, by the recorded
// mapping of reorganisations.
func (db *DB) movedTo(ctx context.Context, old string) (string, bool) {
	moves, err := db.AreaMoves(ctx)
	if err != nil {
		return "", false
	}
	for _, m := range moves {
		if m.Old == old {
			return m.New, true
		}
	}
	return "", false
}

// ResolveArea finds the area a person names: by its id, or by its name,
// short name or label with or without diacritics ("huyen tung", "na
// rao"), among the areas of scope ("" for every area). An exact name wins
// over a label that only holds the words. It fails with ErrAreaUnknown
// when no area fits, ErrOutsideScope for the id of an area outside scope,
// and an *AmbiguousAreaError when several fit. The chat, the console and
// the command line all name areas through it.
func ResolveArea(areas []Area, query, scope string) (Area, error) {
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
		return Area{}, fmt.Errorf("%w: %q", ErrAreaUnknown, query)
	case 1:
		return found[0], nil
	}
	amb := &AmbiguousAreaError{Query: query, Candidates: make([]AreaChoice, len(found))}
	for i, a := range found {
		amb.Candidates[i] = AreaChoice{ID: a.ID, Label: Label(a, byID[a.Parent])}
	}
	return Area{}, amb
}
