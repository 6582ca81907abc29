package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCheckCmd proves the database: its pages, as bbolt checks them, and
// every village counter against a recount of the records it counts.
func newCheckCmd(e *env, c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "check the database's pages and recount every counter",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := c.openReading()
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Check(); err != nil {
				return fmt.Errorf("%s is damaged: %w (restore the newest backup)", c.db, err)
			}
			diffs, err := db.CheckCounters(cmd.Context())
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
		},
	}
}
