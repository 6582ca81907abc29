package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"sothon/office"
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
			if err := c.loadStandards(); err != nil {
				return err
			}
			k, ok := store.RoundKind(kind)
			if !ok {
				return usageError{"--kind is annual (định kỳ: classifies by the next year's poverty standard) or regular (thường xuyên)"}
			}
			db, err := c.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			return asTerminal(cmd.Context(), db, area, func(o *office.Office, actor store.User, areaID string) error {
				r, err := o.OpenRound(cmd.Context(), actor, office.RoundOpening{Name: args[0], From: args[1], To: args[2], Kind: k, AreaID: areaID}, time.Now())
				if err != nil {
					return err
				}
				std := report.RoundStandard(r, time.Now())
				fmt.Fprintf(e.stdout, "opened round %d: %s (%s to %s, %s, classifying by %s, %s) for %s\n", r.ID, r.Name, r.From, r.To, r.Kind, std.ID, std.Period, r.AreaID)
				return nil
			})
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
				return asTerminal(cmd.Context(), db, area, func(o *office.Office, actor store.User, areaID string) error {
					r, err := o.CloseRound(cmd.Context(), actor, areaID, time.Now())
					if err == nil {
						fmt.Fprintf(e.stdout, "closed round %d: %s\n", r.ID, r.Name)
					}
					return err
				})
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

// asTerminal runs an office action as the terminal, an admin over the
// whole tree, for the area an --area flag names ("" for the top). A
// refusal of bad input is a usage error (status 2); any other prints as
// it is.
func asTerminal(ctx context.Context, db *store.DB, area string, act func(*office.Office, store.User, string) error) error {
	actor, err := office.Terminal(ctx, db)
	if err != nil {
		return err
	}
	var id string
	if area != "" {
		a, err := areaNamed(ctx, db, "--area", area)
		if err != nil {
			return err
		}
		id = a.ID
	}
	err = act(&office.Office{Store: db}, actor, id)
	var refusal *office.Refusal
	if errors.As(err, &refusal) && !errors.Is(err, store.ErrRoundOpen) && !errors.Is(err, store.ErrNoOpenRound) {
		return usageError{err.Error()} // bad input: a role, an area, days
	}
	return err
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
	actor, err := office.Terminal(ctx, db)
	if err != nil {
		return err
	}
	rows, err := (&office.Office{Store: db}).Rounds(ctx, actor)
	if err != nil {
		return err
	}
	for _, r := range slices.Backward(rows) { // oldest first
		state := "open"
		if !r.IsOpen() {
			state = "closed " + r.Closed.In(loc).Format(time.DateOnly)
		}
		area := r.AreaID
		if area == "" {
			area = "everywhere"
		}
		std := report.RoundStandard(r.Round, time.Now())
		fmt.Fprintf(e.stdout, "%d  %s  %s  %s to %s  %s  %s, by %s (%s)\n", r.ID, r.Name, area, r.From, r.To, state,
			cmp.Or(r.Kind, store.RoundRegular), std.ID, std.Period)
	}
	return nil
}
