package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"sothon/office"
	"sothon/report/export"
	"sothon/server"
	"sothon/store"
	"sothon/store/links"
)

type exportFlags struct {
	form, area, format, out string
	noBOM, force, current   bool
}

func newExportCmd(e *env, c *common) *cobra.Command {
	var o exportFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "export submissions as CSV, JSON or XLSX, or the households' places as GeoJSON",
		Args:  noWords,
		RunE:  func(cmd *cobra.Command, _ []string) error { return exportSubmissions(cmd.Context(), e, c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.form, "form", "", "only this questionnaire (household, model, training)")
	f.StringVar(&o.area, "area", "", "only this area (id or name) and the areas below it")
	f.StringVar(&o.format, "format", export.CSV, "csv, json, xlsx or geojson (the reviewed households with a place, one point each)")
	f.StringVar(&o.out, "out", "", "output file (default: standard output)")
	f.BoolVar(&o.noBOM, "no-bom", false, "CSV without the UTF-8 byte-order mark Excel needs (for other tools)")
	f.BoolVar(&o.force, "force", false, "replace --out if it exists")
	f.BoolVar(&o.current, "current", false, "only the forms the households stand at (one household-status form per household)")
	return cmd
}

func exportSubmissions(ctx context.Context, e *env, c *common, o exportFlags) error {
	if o.format != export.CSV && o.format != export.JSON && o.format != export.XLSX && o.format != export.GeoJSON {
		return usageError{fmt.Sprintf("--format %q: use csv, json, xlsx or geojson", o.format)}
	}
	if o.format == export.XLSX && o.out == "" {
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
	db, err := c.openReading()
	if err != nil {
		return err
	}
	defer db.Close()
	if o.area != "" {
		a, err := areaNamed(ctx, db, "--area", o.area)
		if err != nil {
			return err
		}
		o.area = a.ID
	}
	actor, err := office.Terminal(ctx, db)
	if err != nil {
		return err
	}
	public, err := server.PublicURL.Lookup(e.getenv, nil)
	if err != nil {
		return err
	}
	photoLink, err := links.Photos(ctx, db, public, time.Now())
	if err != nil {
		return err
	}
	w, done, err := output(e, o.out, o.force)
	if err != nil {
		return err
	}
	opts := export.Options{Filter: store.SubmissionFilter{Form: o.form, AreaID: o.area}, Format: o.format, TZ: loc, NoBOM: o.noBOM, Current: o.current,
		PhotoLink: photoLink}
	n, err := (&office.Office{Store: db}).Export(ctx, actor, forms, opts, w)
	if err := done(err); err != nil {
		return err
	}
	if o.out != "" {
		fmt.Fprintf(e.stderr, "exported %d submission(s) to %s\n", n, o.out)
	}
	return nil
}

// output opens the destination: standard output, or a file written under
// a temporary name and renamed once complete, so that an interrupted run
// never leaves a broken file under the name asked for. Files are readable
// by their owner only (they hold personal data, a backup the webhook
// secret too); an existing one is replaced only with force. done closes
// the file and, on failure, removes it.
func output(e *env, path string, force bool) (io.Writer, func(error) error, error) {
	if path == "" {
		return e.stdout, func(err error) error { return err }, nil
	}
	if _, err := os.Stat(path); err == nil && !force {
		return nil, nil, usageError{fmt.Sprintf("%s exists; use --force to replace it", path)}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if serr := f.Sync(); err == nil {
			err = serr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), path)
		}
		if err != nil {
			os.Remove(f.Name())
		}
		return err
	}, nil
}
