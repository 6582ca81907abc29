package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"sothon/report"
	"sothon/store"
)

type exportFlags struct {
	form, area, format, out string
	noBOM                   bool
}

func newExportCmd(e *env, c *common) *cobra.Command {
	var o exportFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "export submissions as CSV, JSON or XLSX",
		Args:  noWords,
		RunE:  func(cmd *cobra.Command, _ []string) error { return export(cmd.Context(), e, c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.form, "form", "", "only this questionnaire (household, model, training)")
	f.StringVar(&o.area, "area", "", "only this area and the areas below it")
	f.StringVar(&o.format, "format", report.FormatCSV, "csv, json or xlsx")
	f.StringVar(&o.out, "out", "", "output file (default: standard output)")
	f.BoolVar(&o.noBOM, "no-bom", false, "CSV without the UTF-8 byte-order mark Excel needs (for other tools)")
	return cmd
}

func export(ctx context.Context, e *env, c *common, o exportFlags) error {
	if o.format != report.FormatCSV && o.format != report.FormatJSON && o.format != report.FormatXLSX {
		return usageError{fmt.Sprintf("--format %q: use csv, json or xlsx", o.format)}
	}
	if o.format == report.FormatXLSX && o.out == "" {
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
	if o.form != "" && forms.Form(o.form) == nil {
		return usageError{fmt.Sprintf("--form %q: no such questionnaire", o.form)}
	}
	db, err := c.openExisting()
	if err != nil {
		return err
	}
	defer db.Close()
	if o.area != "" {
		if _, err := db.Area(ctx, o.area); err != nil {
			return usageError{fmt.Sprintf("--area %q: no such area (see sothon areas)", o.area)}
		}
	}
	w, done, err := output(e, o.out)
	if err != nil {
		return err
	}
	opts := report.ExportOptions{Filter: store.SubmissionFilter{Form: o.form, AreaID: o.area}, Format: o.format, TZ: loc, NoBOM: o.noBOM}
	write := report.Export
	if o.format == report.FormatXLSX {
		write = report.ExportXLSX
	}
	n, err := write(ctx, db, forms, opts, w)
	if err := done(err); err != nil {
		return err
	}
	if o.out != "" {
		fmt.Fprintf(e.stderr, "exported %d submission(s) to %s\n", n, o.out)
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
