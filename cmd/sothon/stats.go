package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/locales"
	"sothon/office"
	"sothon/report"
)

func newStatsCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "print an area's figures as /stats shows them, or as JSON",
		Args:  noWords,
	}
	f := cmd.Flags()
	area := f.String("area", "", "area id or name (default: the top of the tree)")
	format := f.String("format", "text", "text (what /stats shows) or json")
	lang := f.String("lang", locales.Default, "vi or en, for text")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return stats(cmd.Context(), e, c, *area, *format, *lang) }
	return cmd
}

func stats(ctx context.Context, e *env, c *common, area, format, lang string) error {
	if format != "text" && format != "json" {
		return usageError{fmt.Sprintf("--format %q: use text or json", format)}
	}
	if !locales.Supported(lang) {
		return usageError{"--lang: use vi or en"}
	}
	w, err := c.openReadingWorld()
	if err != nil {
		return err
	}
	defer w.db.Close()
	id, err := areaOrTop(ctx, w, area)
	if err != nil {
		return err
	}
	actor, err := office.Terminal(ctx, w.db)
	if err != nil {
		return err
	}
	now := time.Now().In(w.loc)
	st, err := (&office.Office{Store: w.db}).Figures(ctx, actor, id, now)
	if err != nil {
		return err
	}
	if format == "json" {
		ids := make([]string, len(w.forms.Forms))
		for i, f := range w.forms.Forms {
			ids[i] = f.ID
		}
		out, err := office.StatsJSON(ctx, w.db, st, ids, now)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	prev, err := w.db.LastSnapshot(ctx, id, st.Week)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, report.Digest(st, prev, w.forms, locales.MustLoad(), lang))
	return err
}

// areaOrTop finds the area an --area flag names (an id or a name), or
// takes the top of the area tree when it is empty.
func areaOrTop(ctx context.Context, w *world, name string) (string, error) {
	if name != "" {
		a, err := areaNamed(ctx, w.db, "--area", name)
		return a.ID, err
	}
	areas, err := w.db.Areas(ctx)
	if err != nil {
		return "", err
	}
	if len(areas) == 0 {
		return "", fmt.Errorf("the database has no areas")
	}
	return areas[0].ID, nil
}
