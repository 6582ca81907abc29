package main

import (
	"context"
	"flag"
	"fmt"
)

// runCheck proves the database: its pages, as bbolt checks them, and every
// village counter against a recount of the records it counts.
func runCheck(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected %q: usage: sothon check [--db F]", fs.Arg(0))}
	}
	db, err := c.openExisting()
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		return fmt.Errorf("%s is damaged: %w (restore the newest backup)", c.db, err)
	}
	diffs, err := db.CheckCounters(ctx)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(e.stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%d counter(s) differ from a recount of the records", len(diffs))
	}
	fmt.Fprintf(e.stdout, "%s: pages and counters check out\n", c.db)
	return nil
}
