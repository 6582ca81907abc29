package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"

	"sothon/bot"
	"sothon/locales"
	"sothon/report"
)

var weekPattern = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

func runDigest(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	area := fs.String("area", "", "area id (default: the top of the tree)")
	week := fs.String("week", "", "the week to report, YYYY-Www (default: this week); a past week shows the figures as they stood at its end")
	chart := fs.String("chart", "", "write the chart to this PNG file")
	lang := fs.String("lang", locales.Default, "vi or en")
	send := fs.Bool("send", false, "queue each official's digest for their area instead of printing")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if !locales.Supported(*lang) {
		return usageError{"--lang: use vi or en"}
	}
	if *send && *week != "" {
		return usageError{"--send queues this week's digests; leave out --week"}
	}
	w, err := c.openExistingWorld()
	if err != nil {
		return err
	}
	defer w.db.Close()
	forms, db := w.forms, w.db
	now := time.Now().In(w.loc)
	day := now
	if *week != "" {
		if day, err = weekDay(*week, w.loc); err != nil {
			return err
		}
	}
	if *area, err = areaOrTop(ctx, w, *area); err != nil {
		return err
	}
	cat := locales.MustLoad()
	if *send {
		jobs := &bot.Jobs{Store: db, Forms: forms, Catalog: cat, Now: func() time.Time { return now }}
		n, err := jobs.SendDigests(ctx, *area)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "queued %d digest(s); `sothon serve` delivers them\n", n)
		return nil
	}
	st, err := report.ComputeWeek(ctx, db, *area, day, now)
	if err != nil {
		return err
	}
	prev, err := db.LastSnapshot(ctx, *area, st.Week)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, report.Digest(st, prev, forms, cat, *lang))
	if *chart == "" {
		return nil
	}
	png, err := report.Chart(st, cat, *lang)
	if err != nil {
		return err
	}
	return os.WriteFile(*chart, png, 0o644)
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
