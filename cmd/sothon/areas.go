package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sothon/office"
	"sothon/store"
	"sothon/tree"
)

func newAreasCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "areas",
		Short: "print the area tree with ids",
		Args:  noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			areas, err := c.areasToShow(cmd.Context())
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
		},
	}
	cmd.AddCommand(newReorganiseCmd(e, c))
	return cmd
}

func newReorganiseCmd(e *env, c *common) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "reorganise PLAN.yaml",
		Short: "merge, rename and move areas by a plan (e.g. builtin:bac-kan-2025); the data follows, after a backup",
		Long: "Applies a reorganisation plan (see tree/plans/bac-kan-2025.yaml): the area tree becomes the plan's,\n" +
			"and households, users, invites, runs in progress, forms and their queues, rounds, targets and counters\n" +
			"follow, in one transaction recorded in the audit log. The database is backed up beside itself first.\n" +
			"Old area ids still name their areas of today. --dry-run shows what would change and changes nothing.",
		Args: exactly(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			plan, err := loadPlan(args[0])
			if err != nil {
				return err
			}
			db, err := c.openExisting()
			if err != nil {
				return err
			}
			defer db.Close()
			terminal, err := office.Terminal(ctx, db)
			if err != nil {
				return err
			}
			sum, backup, err := (&office.Office{Store: db}).Reorganise(ctx, terminal, plan, dryRun, time.Now())
			if err != nil {
				return planError(err)
			}
			if backup != "" {
				fmt.Fprintf(e.stdout, "backed up %s to %s\n", c.db, backup)
			}
			fmt.Fprint(e.stdout, describeReorganise(sum))
			if dryRun {
				fmt.Fprintln(e.stdout, "dry run: nothing changed")
			} else {
				fmt.Fprintln(e.stdout, "reorganised; restart the server with the tree after the plan (e.g. --areas builtin:thai-nguyen-2025) or none")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what the plan would change, change nothing")
	return cmd
}

// loadPlan reads a plan file, or a built-in plan named builtin:NAME.
func loadPlan(arg string) (tree.Plan, error) {
	if name, ok := strings.CutPrefix(arg, "builtin:"); ok {
		p, _, err := tree.BuiltinPlan(name)
		return p, planError(err)
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return tree.Plan{}, fmt.Errorf("plan: %w", err)
	}
	p, err := tree.ParsePlan(data)
	return p, planError(err)
}

// planError makes a plan that does not fit a usage error: nothing changed.
func planError(err error) error {
	if errors.Is(err, tree.ErrPlan) || errors.Is(err, store.ErrRoundOpen) {
		return usageError{err.Error() + "\nnothing changed"}
	}
	return err
}

// describeReorganise prints the tree after a plan, each ward or commune
// with the old areas it takes in, and the records that move.
func describeReorganise(sum store.ReorganiseSummary) string {
	var b strings.Builder
	from := map[string][]string{}
	villages := 0
	for _, m := range sum.Moves {
		if strings.Count(m.New, "/") < 2 {
			from[m.New] = append(from[m.New], m.Old)
		} else {
			villages++
		}
	}
	fmt.Fprintf(&b, "from %s:\n", sum.Effective)
	for _, a := range sum.Areas {
		if a.Kind == tree.Village {
			continue
		}
		fmt.Fprintf(&b, "  %s  %s (%s, %d households)", a.ID, a.Name, a.Kind, a.HouseholdsTotal)
		if len(from[a.ID]) > 0 {
			fmt.Fprintf(&b, " ← %s", strings.Join(from[a.ID], ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d villages move under their new ward or commune\n", villages)
	names := make([]string, 0, len(sum.Records))
	for k := range sum.Records {
		names = append(names, k)
	}
	sort.Strings(names)
	b.WriteString("records that follow:")
	for _, k := range names {
		fmt.Fprintf(&b, " %s %d,", k, sum.Records[k])
	}
	return strings.TrimSuffix(b.String(), ",") + "\n"
}

// areasToShow are the areas of the database when there is one, else the
// configured tree: printing areas never creates a database.
func (c *common) areasToShow(ctx context.Context) ([]tree.Area, error) {
	if _, err := os.Stat(c.db); err != nil {
		return c.loadAreas()
	}
	db, err := c.openReading()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Areas(ctx)
}

// areaNamed finds the area an --area flag names, by id or by name with or
// without diacritics ("huyen tung"), as the chat does; a name several
// areas fit is refused with the list of them.
func areaNamed(ctx context.Context, db *store.DB, flag, value string) (tree.Area, error) {
	a, err := db.FindArea(ctx, value, "")
	var amb *tree.AmbiguousError
	switch {
	case errors.Is(err, tree.ErrUnknown):
		return a, usageError{fmt.Sprintf("%s %q: no such area (see sothon areas)", flag, value)}
	case errors.As(err, &amb):
		var b strings.Builder
		fmt.Fprintf(&b, "%s %q: several areas have that name; give one's id or more of its name:", flag, value)
		for _, c := range amb.Candidates {
			fmt.Fprintf(&b, "\n  %s  %s", c.ID, c.Label)
		}
		return a, usageError{b.String()}
	}
	return a, err
}
