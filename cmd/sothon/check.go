package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"sothon/report/lists"
)

// newCheckCmd proves the database: its pages, as bbolt checks them, every
// village counter against a recount of the records it counts, every
// household record against its standing derived afresh, and every round's
// posted lists against its figures, and every photo a submission names
// against its content hash.
func newCheckCmd(e *env, c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "check the database's pages, recount every counter, hold each round's lists against its figures, and read every photo again",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			w, err := c.openReadingWorld()
			if err != nil {
				return err
			}
			db := w.db
			defer db.Close()
			if err := db.Check(); err != nil {
				return fmt.Errorf("%s is damaged: %w (restore the newest backup)", c.db, err)
			}
			var problems []fmt.Stringer
			counters, err := db.CheckCounters(ctx)
			if err != nil {
				return err
			}
			for _, d := range counters {
				problems = append(problems, d)
			}
			standings, err := db.CheckStandings(ctx)
			if err != nil {
				return err
			}
			for _, d := range standings {
				problems = append(problems, d)
			}
			figures, err := lists.Agreement(ctx, db)
			if err != nil {
				return err
			}
			for _, d := range figures {
				problems = append(problems, d)
			}
			files, err := db.CheckFiles(ctx, db.Photos())
			if err != nil {
				return err
			}
			for _, d := range files {
				problems = append(problems, d)
			}
			for _, p := range problems {
				fmt.Fprintln(e.stdout, p)
			}
			if len(problems) > 0 {
				return fmt.Errorf("%d counter(s), %d household record(s) and %d list figure(s) disagree with the records, and %d photo(s) are missing or altered",
					len(counters), len(standings), len(figures), len(files))
			}
			fmt.Fprintf(e.stdout, "%s: pages, counters, households, lists and photos check out\n", c.db)
			return nil
		},
	}
}
