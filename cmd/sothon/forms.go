package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"sothon/flows"
)

func newFormsCmd(e *env, c *common) *cobra.Command {
	forms := &cobra.Command{Use: "forms", Short: "work with questionnaire files"}
	forms.AddCommand(&cobra.Command{
		Use:   "check [DIR]",
		Short: "check questionnaires, the built-in ones or a folder's, listing every problem",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{"usage: sothon forms check [DIR]"}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return checkForms(e, c, args) },
	})
	forms.RunE = func(*cobra.Command, []string) error { return usageError{"usage: sothon forms check [DIR]"} }
	forms.Args = cobra.ArbitraryArgs
	return forms
}

// checkForms checks questionnaires: the built-in ones, or a folder's.
func checkForms(e *env, c *common, args []string) error {
	var set *flows.Set
	var err error
	where := "built-in questionnaires"
	if err := c.loadStandards(); err != nil {
		return err
	}
	if len(args) == 1 {
		where = args[0]
		set, err = flows.LoadDir(args[0])
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
