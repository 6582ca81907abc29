package main

import (
	"os"

	"context"
	"flag"
	"fmt"
	"sothon/store"
	"strings"
)

func runAreas(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("areas", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	areas, err := c.areasToShow(ctx)
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
}

// areasToShow are the areas of the database when there is one, else the
// configured tree: printing areas never creates a database.
func (c *common) areasToShow(ctx context.Context) ([]store.Area, error) {
	if _, err := os.Stat(c.db); err != nil {
		return c.loadAreas()
	}
	db, err := store.Open(c.db)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Areas(ctx)
}
