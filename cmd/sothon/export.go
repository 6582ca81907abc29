package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"sothon/report"
	"sothon/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	form := fs.String("form", "", "only this questionnaire (household, model, training)")
	area := fs.String("area", "", "only this area and the areas below it")
	format := fs.String("format", report.FormatCSV, "csv, json or xlsx")
	out := fs.String("out", "", "output file (default: standard output)")
	noBOM := fs.Bool("no-bom", false, "CSV without the UTF-8 byte-order mark Excel needs (for other tools)")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if *format != report.FormatCSV && *format != report.FormatJSON && *format != report.FormatXLSX {
		return usageError{fmt.Sprintf("--format %q: use csv, json or xlsx", *format)}
	}
	if *format == report.FormatXLSX && *out == "" {
		return usageError{"--format xlsx needs --out FILE.xlsx"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	forms, err := c.loadForms()
	if err != nil {
		return err
	}
	if *form != "" && forms.Form(*form) == nil {
		return usageError{fmt.Sprintf("--form %q: no such questionnaire", *form)}
	}
	db, err := c.openExisting()
	if err != nil {
		return err
	}
	defer db.Close()
	if *area != "" {
		if _, err := db.Area(ctx, *area); err != nil {
			return usageError{fmt.Sprintf("--area %q: no such area (see sothon areas)", *area)}
		}
	}
	w, done, err := output(e, *out)
	if err != nil {
		return err
	}
	opts := report.ExportOptions{Filter: store.SubmissionFilter{Form: *form, AreaID: *area}, Format: *format, TZ: loc, NoBOM: *noBOM}
	export := report.Export
	if *format == report.FormatXLSX {
		export = report.ExportXLSX
	}
	n, err := export(ctx, db, forms, opts, w)
	if err := done(err); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(e.stderr, "exported %d submission(s) to %s\n", n, *out)
	}
	return nil
}

// output opens the destination; done closes it and, on failure, removes a
// half-written file so nobody mistakes it for a full export.
func output(e *env, path string) (io.Writer, func(error) error, error) {
	if path == "" {
		return e.stdout, func(err error) error { return err }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		return err
	}, nil
}
