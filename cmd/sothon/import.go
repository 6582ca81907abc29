package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"sothon/report"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	skipBad := fs.Bool("skip-bad", false, "import the good rows of a file that has bad ones")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "households" {
		return usageError{"usage: sothon import [--db F] [--skip-bad] households FILE.csv|FILE.xlsx"}
	}
	path := fs.Arg(1)
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
	progress := progressBar(e)
	res, err := report.ImportRegister(ctx, db, path, f, report.ImportOptions{SkipBad: *skipBad, Progress: progress, Now: time.Now()})
	for _, bad := range res.Bad {
		fmt.Fprintf(e.stderr, "%s: %v\n", path, bad)
	}
	if errors.Is(err, report.ErrBadRows) {
		return fmt.Errorf("%d bad row(s) in %s; nothing was imported (fix them, or use --skip-bad)", len(res.Bad), path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d households from %s", res.Imported, path)
	if len(res.Bad) > 0 {
		fmt.Fprintf(e.stdout, " (%d bad rows skipped)", len(res.Bad))
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
