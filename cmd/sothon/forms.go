package main

import (
	"context"
	"errors"
	"fmt"

	"sothon/flows"
)

// runForms checks questionnaires: the built-in ones, or a folder's.
func runForms(_ context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "check" || len(args) > 2 {
		return usageError{"usage: sothon forms check [DIR]"}
	}
	var set *flows.Set
	var err error
	where := "built-in questionnaires"
	if len(args) == 2 {
		where = args[1]
		set, err = flows.LoadDir(args[1])
	} else {
		set, err = flows.Default()
	}
	var problems flows.ProblemsError
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p)
		}
		return fmt.Errorf("%s: %d problem(s)", where, len(problems))
	}
	if err != nil {
		return err
	}
	for _, f := range set.Forms {
		fmt.Fprintf(e.stdout, "ok  %s (version %s, %d questions)\n", f.ID, f.Version, len(f.Questions))
	}
	return nil
}
