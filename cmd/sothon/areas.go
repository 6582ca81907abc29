package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

func runAreas(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("areas", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	db, err := c.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	areas, err := db.Areas(ctx)
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
