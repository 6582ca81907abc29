package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"sothon/bot/jobs"
	"sothon/locales"
	"sothon/office"
	"sothon/report"
)

var weekPattern = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

type digestFlags struct {
	area, week, chart, lang string
	send                    bool
}

func newDigestCmd(e *env, c *common) *cobra.Command {
	var o digestFlags
	cmd := &cobra.Command{
		Use:   "digest",
		Short: "print an area's weekly digest, or queue every official's",
		Args:  noWords,
		RunE:  func(cmd *cobra.Command, _ []string) error { return digest(cmd.Context(), e, c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.area, "area", "", "area id or name (default: the top of the tree)")
	f.StringVar(&o.week, "week", "", "the week to report, YYYY-Www (default: this week); a past week shows the figures as they stood at its end")
	f.StringVar(&o.chart, "chart", "", "write the chart to this PNG file")
	f.StringVar(&o.lang, "lang", locales.Default, "vi or en")
	f.BoolVar(&o.send, "send", false, "queue each official's digest for their area instead of printing")
	return cmd
}

func digest(ctx context.Context, e *env, c *common, o digestFlags) error {
	if !locales.Supported(o.lang) {
		return usageError{"--lang: use vi or en"}
	}
	if o.send && o.week != "" {
		return usageError{"--send queues this week's digests; leave out --week"}
	}
	open := c.openReadingWorld
	if o.send { // queues messages
		open = c.openExistingWorld
	}
	w, err := open()
	if err != nil {
		return err
	}
	defer w.db.Close()
	forms, db := w.forms, w.db
	now := time.Now().In(w.loc)
	day := now
	if o.week != "" {
		if day, err = weekDay(o.week, w.loc); err != nil {
			return err
		}
	}
	if o.area, err = areaOrTop(ctx, w, o.area); err != nil {
		return err
	}
	cat := locales.MustLoad()
	if o.send {
		jobs := &jobs.Weekly{Store: db, Forms: forms, Catalog: cat, Now: func() time.Time { return now }}
		n, err := jobs.SendDigests(ctx, o.area)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "queued %d digest(s); `sothon serve` delivers them\n", n)
		return nil
	}
	actor, err := office.Terminal(ctx, db)
	if err != nil {
		return err
	}
	st, err := (&office.Office{Store: db}).FiguresOfWeek(ctx, actor, o.area, day, now)
	if err != nil {
		return err
	}
	prev, err := db.LastSnapshot(ctx, o.area, st.Week)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, report.Digest(st, prev, forms, cat, o.lang))
	if o.chart == "" {
		return nil
	}
	png, err := report.Chart(st, cat, o.lang)
	if err != nil {
		return err
	}
	return os.WriteFile(o.chart, png, 0o644)
}

// weekDay is the Thursday of an ISO week, a day surely inside it.
func weekDay(week string, loc *time.Location) (time.Time, error) {
	m := weekPattern.FindStringSubmatch(week)
	if m == nil {
		return time.Time{}, usageError{"--week: use YYYY-Www, e.g. 2023-W25"}
	}
	year, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	jan4 := time.Date(year, 1, 4, 12, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	day := monday.AddDate(0, 0, 7*(w-1)+3)
	if y, got := day.ISOWeek(); y != year || got != w {
		return time.Time{}, usageError{fmt.Sprintf("--week %s: no such week", week)}
	}
	return day, nil
}
