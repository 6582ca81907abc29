package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/bot/jobs"
	"sothon/locales"
	"sothon/report"
)

func newRemindCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remind",
		Short: "list the village heads behind, or queue their reminders",
		Args:  noWords,
	}
	send := cmd.Flags().Bool("send", false, "queue the reminders instead of listing who would get one")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return remind(cmd.Context(), e, c, *send) }
	return cmd
}

func remind(ctx context.Context, e *env, c *common, send bool) error {
	open := c.openReadingWorld
	if send { // queues messages
		open = c.openExistingWorld
	}
	w, err := open()
	if err != nil {
		return err
	}
	defer w.db.Close()
	loc, forms, db := w.loc, w.forms, w.db
	now := func() time.Time { return time.Now().In(loc) }
	if send {
		jobs := &jobs.Weekly{Store: db, Forms: forms, Catalog: locales.MustLoad(), Now: now}
		n, err := jobs.SendReminders(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "queued %d reminder(s); `sothon serve` delivers them (none between 21:00 and 06:00)\n", n)
		return nil
	}
	behind, err := report.VillagesBehind(ctx, db, now())
	if err != nil {
		return err
	}
	for _, b := range behind {
		fmt.Fprintf(e.stdout, "%s  %s  unreviewed %d  idle this week %v\n", b.User.AreaID, b.User.Name, b.Unreviewed, b.Idle)
	}
	fmt.Fprintf(e.stdout, "%d head(s) behind\n", len(behind))
	return nil
}
