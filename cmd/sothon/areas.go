package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"sothon/store"
)

func newAreasCmd(e *env, c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "areas",
		Short: "print the area tree with ids",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			areas, err := c.areasToShow(cmd.Context())
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, a := range areas {
				depth := strings.Count(a.ID, "/")
				fmt.Fprintf(&b, "%s%s  %s (%s, %s, %d households)\n", strings.Repeat("  ", depth), a.ID, a.Name, a.Kind, a.Setting, a.HouseholdsTotal)
			}
			_, err = fmt.Fprint(e.stdout, b.String())
			return err
		},
	}
}

// areasToShow are the areas of the database when there is one, else the
// configured tree: printing areas never creates a database.
func (c *common) areasToShow(ctx context.Context) ([]store.Area, error) {
	if _, err := os.Stat(c.db); err != nil {
		return c.loadAreas()
	}
	db, err := c.openReading()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Areas(ctx)
}

// areaNamed finds the area an --area flag names, by id or by name with or
// without diacritics ("huyen tung"), as the chat does; a name several
// areas fit is refused with the list of them.
func areaNamed(ctx context.Context, db *store.DB, flag, value string) (store.Area, error) {
	a, err := db.FindArea(ctx, value, "")
	var amb *store.AmbiguousAreaError
	switch {
	case errors.Is(err, store.ErrAreaUnknown):
		return a, usageError{fmt.Sprintf("%s %q: no such area (see sothon areas)", flag, value)}
	case errors.As(err, &amb):
		var b strings.Builder
		fmt.Fprintf(&b, "%s %q: several areas have that name; give one's id or more of its name:", flag, value)
		for _, c := range amb.Candidates {
			fmt.Fprintf(&b, "\n  %s  %s", c.ID, c.Label)
		}
		return a, usageError{b.String()}
	}
	return a, err
}
