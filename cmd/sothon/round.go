package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"sothon/store"
)

func runRound(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("round", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	usage := usageError{"usage: sothon round [--db F] open NAME FROM TO | close | list   (dates as YYYY-MM-DD)"}
	if fs.NArg() == 0 {
		return usage
	}
	open := c.openExisting // a mistyped --db must not create an empty file
	if fs.Arg(0) == "open" {
		open = func() (*store.DB, error) { return c.openDB(ctx) }
	}
	db, err := open()
	if err != nil {
		return err
	}
	defer db.Close()
	switch fs.Arg(0) {
	case "open":
		if fs.NArg() != 4 {
			return usage
		}
		r, err := roundFromArgs(fs.Arg(1), fs.Arg(2), fs.Arg(3))
		if err != nil {
			return err
		}
		r.Opened, r.OpenedBy = time.Now(), "terminal"
		if r, err = db.OpenRound(ctx, r); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "opened round %d: %s (%s to %s)\n", r.ID, r.Name, r.From, r.To)
	case "close":
		r, err := db.CloseRound(ctx, time.Now(), "terminal")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "closed round %d: %s\n", r.ID, r.Name)
	case "list":
		rounds, err := db.Rounds(ctx)
		if err != nil {
			return err
		}
		for _, r := range rounds {
			state := "open"
			if !r.IsOpen() {
				state = "closed " + r.Closed.Format(time.DateOnly)
			}
			fmt.Fprintf(e.stdout, "%d  %s  %s to %s  %s\n", r.ID, r.Name, r.From, r.To, state)
		}
	default:
		return usage
	}
	return nil
}

// roundFromArgs checks a round's name and dates.
func roundFromArgs(name, from, to string) (store.Round, error) {
	name = strings.TrimSpace(name)
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	switch {
	case name == "" || len([]rune(name)) > 100:
		return store.Round{}, usageError{"a round's name has 1 to 100 characters"}
	case err1 != nil || err2 != nil:
		return store.Round{}, usageError{"dates are YYYY-MM-DD, e.g. 2023-09-01 2023-12-14"}
	case t.Before(f):
		return store.Round{}, usageError{"the round ends before it starts"}
	}
	return store.Round{Name: name, From: from, To: to}, nil
}
