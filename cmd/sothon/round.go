package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sothon/report"
	"sothon/store"
)

func newRoundCmd(e *env, c *common) *cobra.Command {
	var area, kind string
	round := &cobra.Command{Use: "round", Short: "open, close or list review rounds",
		Args: cobra.ArbitraryArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError{"usage: sothon round open NAME FROM TO | close | list   (dates as YYYY-MM-DD)"}
		}}
	open := &cobra.Command{
		Use:   "open NAME FROM TO",
		Short: "open a review round for the days FROM to TO (YYYY-MM-DD)",
		Args:  exactly(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := roundFromArgs(args[0], args[1], args[2])
			if err != nil {
				return err
			}
			if err := c.loadStandards(); err != nil {
				return err
			}
			var ok bool
			if r.Kind, ok = store.RoundKind(kind); !ok {
				return usageError{"--kind is annual (định kỳ: classifies by the next year's poverty standard) or regular (thường xuyên)"}
			}
			db, err := c.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if r.AreaID, err = areaIn(cmd.Context(), db, area); err != nil {
				return err
			}
			r.Opened, r.OpenedBy = time.Now(), "terminal"
			if r, err = db.OpenRound(cmd.Context(), r); err != nil {
				return err
			}
			std := report.RoundStandard(r, time.Now())
			fmt.Fprintf(e.stdout, "opened round %d: %s (%s to %s, %s, classifying by %s, %s) for %s\n", r.ID, r.Name, r.From, r.To, r.Kind, std.ID, std.Period, r.AreaID)
			return nil
		},
	}
	open.Flags().StringVar(&kind, "kind", store.RoundRegular, "annual (định kỳ: classifies by the standard in force the year after the round) or regular (thường xuyên: by the one in force on each form's day)")
	c.allowNew(open)
	round.AddCommand(open, &cobra.Command{
		Use:   "close",
		Short: "close the open round",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withExisting(c, func(db *store.DB) error {
				id, err := areaIn(cmd.Context(), db, area)
				if err != nil {
					return err
				}
				r, err := db.CloseRound(cmd.Context(), id, time.Now(), "terminal")
				if err == nil {
					fmt.Fprintf(e.stdout, "closed round %d: %s\n", r.ID, r.Name)
				}
				return err
			})
		},
	}, &cobra.Command{
		Use:   "list",
		Short: "list every round",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := c.openReadingWorld()
			if err != nil {
				return err
			}
			defer w.db.Close()
			return listRounds(cmd.Context(), e, w.db, w.loc)
		},
	})
	round.PersistentFlags().StringVar(&area, "area", "", "the area the round covers, with its sub-areas, by id or name (default: the top of the tree)")
	return round
}

// areaIn finds the area an --area flag names, or takes the top of the
// tree when it is empty.
func areaIn(ctx context.Context, db *store.DB, id string) (string, error) {
	return areaOrTop(ctx, &world{db: db}, id)
}

// withExisting runs fn on a database that must exist already: a mistyped
// --db must not create an empty file.
func withExisting(c *common, fn func(*store.DB) error) error {
	db, err := c.openExisting()
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

func listRounds(ctx context.Context, e *env, db *store.DB, loc *time.Location) error {
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		state := "open"
		if !r.IsOpen() {
			state = "closed " + r.Closed.In(loc).Format(time.DateOnly)
		}
		area := r.AreaID
		if area == "" {
			area = "everywhere"
		}
		std := report.RoundStandard(r, time.Now())
		fmt.Fprintf(e.stdout, "%d  %s  %s  %s to %s  %s  %s, by %s (%s)\n", r.ID, r.Name, area, r.From, r.To, state,
			cmp.Or(r.Kind, store.RoundRegular), std.ID, std.Period)
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
