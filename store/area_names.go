package store

import (
	"context"
	"errors"
	"strings"

	"sothon/tree"
)

// FindArea finds the area a person names, as tree.Resolve does, among the
// stored areas.
func (db *DB) FindArea(ctx context.Context, query, scope string) (tree.Area, error) {
	areas, err := db.Areas(ctx)
	if err != nil {
		return tree.Area{}, err
	}
	a, err := tree.Resolve(areas, query, scope)
	if errors.Is(err, tree.ErrUnknown) {
		if to, ok := db.movedTo(ctx, strings.TrimSpace(query)); ok {
			return tree.Resolve(areas, to, scope)
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
