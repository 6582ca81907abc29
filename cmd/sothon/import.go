package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"sothon/office"
	"sothon/office/register"
)

func newImportCmd(e *env, c *common) *cobra.Command {
	imp := &cobra.Command{Use: "import", Short: "import data from office files"}
	cmd := &cobra.Command{
		Use:   "households FILE.csv|FILE.txt|FILE.xlsx",
		Short: "import the household register (CSV with , ; or tab, in UTF-8, Windows-1258 or UTF-16; or XLSX)",
		Args:  exactly(1),
	}
	skipBad := imp.PersistentFlags().Bool("skip-bad", false, "import the good rows of a file that has bad ones")
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return importHouseholds(cmd.Context(), e, c, args[0], *skipBad)
	}
	imp.AddCommand(cmd)
	imp.Args = cobra.ArbitraryArgs
	imp.RunE = func(*cobra.Command, []string) error {
		return usageError{"usage: sothon import households FILE.csv|FILE.txt|FILE.xlsx [--skip-bad]"}
	}
	return imp
}

func importHouseholds(ctx context.Context, e *env, c *common, path string, skipBad bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := c.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	terminal, err := office.Terminal(ctx, db)
	if err != nil {
		return err
	}
	opts := register.Options{SkipBad: skipBad, Progress: progressBar(e)}
	res, err := (&office.Office{Store: db}).ImportRegister(ctx, terminal, path, f, opts, time.Now())
	for _, bad := range res.Bad {
		fmt.Fprintf(e.stderr, "%s: %v\n", path, bad)
	}
	if more := res.BadCount - len(res.Bad); more > 0 {
		fmt.Fprintf(e.stderr, "%s: … and %d more bad rows\n", path, more)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "%s: warning: %s\n", path, w)
	}
	if errors.Is(err, register.ErrBadRows) {
		return fmt.Errorf("%d bad row(s) in %s; nothing was imported (fix them, or use --skip-bad)", res.BadCount, path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d households from %s", res.Imported, path)
	if res.BadCount > 0 {
		fmt.Fprintf(e.stdout, " (%d bad rows skipped)", res.BadCount)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// progressBar draws progress on a terminal, and nothing when stderr is a
// file or a pipe.
func progressBar(e *env) func(done, total int) {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, total int) {
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(f, "\r[%-*s] %d/%d", width, bar(filled), done, total)
		if done == total {
			fmt.Fprintln(f)
		}
	}
}

func bar(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '#'
	}
	return string(b)
}
