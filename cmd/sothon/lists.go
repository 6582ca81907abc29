package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/locales"
	"sothon/office"
	"sothon/report/lists"
)

type listsFlags struct {
	area, format, out, lang string
	round                   uint64
	force                   bool
}

func newListsCmd(e *env, c *common) *cobra.Command {
	var o listsFlags
	cmd := &cobra.Command{
		Use:   "lists --area AREA_ID --out FILE [--round ID] [--format pdf|xlsx]",
		Short: "the round's lists of poor and near-poor households, to post in the villages",
		Args:  noWords,
		RunE:  func(cmd *cobra.Command, _ []string) error { return writeLists(cmd.Context(), e, c, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.area, "area", "", "a commune, ward or village, by id or name (see sothon areas)")
	f.Uint64Var(&o.round, "round", 0, "the round's id (see sothon round list); default: the open round, or the latest")
	f.StringVar(&o.format, "format", "pdf", "pdf (to print on A4) or xlsx")
	f.StringVar(&o.out, "out", "", "the file to write")
	f.StringVar(&o.lang, "lang", locales.Default, "vi or en")
	f.BoolVar(&o.force, "force", false, "replace --out if it exists")
	return cmd
}

func writeLists(ctx context.Context, e *env, c *common, o listsFlags) error {
	switch {
	case o.area == "" || o.out == "":
		return usageError{"usage: sothon lists --area AREA_ID --out FILE [--round ID] [--format pdf|xlsx]"}
	case o.format != "pdf" && o.format != "xlsx":
		return usageError{fmt.Sprintf("--format %q: use pdf or xlsx", o.format)}
	case !locales.Supported(o.lang):
		return usageError{"--lang: use vi or en"}
	}
	w, err := c.openReadingWorld()
	if err != nil {
		return err
	}
	defer w.db.Close()
	if o.area, err = areaOrTop(ctx, w, o.area); err != nil {
		return err
	}
	terminal, err := office.Terminal(ctx, w.db)
	if err != nil {
		return err
	}
	cat := locales.MustLoad()
	l, err := (&office.Office{Store: w.db}).Lists(ctx, terminal, o.area, o.round, w.forms, cat, o.lang, time.Now().In(w.loc))
	if errors.Is(err, lists.ErrNoRound) {
		msg := o.area + " has no review round (see sothon round list)"
		if o.round != 0 {
			msg = fmt.Sprintf("no review round %d holds %s (see sothon round list)", o.round, o.area)
		}
		return usageError{msg}
	}
	if err != nil {
		return err
	}
	out, done, err := output(e, o.out, o.force)
	if err != nil {
		return err
	}
	write := lists.WritePDF
	if o.format == "xlsx" {
		write = lists.WriteXLSX
	}
	if err := done(write(l, cat, out)); err != nil {
		return err
	}
	n := 0
	for _, v := range l.Villages {
		for _, entries := range v.Lists {
			n += len(entries)
		}
	}
	fmt.Fprintf(e.stdout, "wrote the lists of %s, round %q (%d villages, %d entries) to %s\n", o.area, l.Round.Name, len(l.Villages), n, o.out)
	return nil
}
