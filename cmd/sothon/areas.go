package main

import (
	"context"
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
