package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"sothon/locales"
	"sothon/office"
	"sothon/report/lists"
	"sothon/store"
)

type listsFlags struct {
	area, format, out, lang string
	round                   uint64
	force                   bool
	minutes, annex          bool // the meeting's minutes or the decision's annex, not the lists
}

func newListsCmd(e *env, c *common) *cobra.Command {
	var o listsFlags
	cmd := &cobra.Command{
		Use:   "lists --area AREA_ID --out FILE [--round ID] [--format pdf|xlsx] [--minutes | --annex]",
		Short: "the round's lists of poor and near-poor households, to post in the villages; a village meeting's minutes; the decision's annex",
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
	f.BoolVar(&o.minutes, "minutes", false, "the minutes of the village meeting of --area, a village (PDF)")
	f.BoolVar(&o.annex, "annex", false, "the decision's annex of --area: the summary table and the lists by village (a draft before the decision)")
	return cmd
}

func writeLists(ctx context.Context, e *env, c *common, o listsFlags) error {
	switch {
	case o.area == "" || o.out == "":
		return usageError{"usage: sothon lists --area AREA_ID --out FILE [--round ID] [--format pdf|xlsx] [--minutes | --annex]"}
	case o.format != "pdf" && o.format != "xlsx":
		return usageError{fmt.Sprintf("--format %q: use pdf or xlsx", o.format)}
	case o.minutes && o.annex:
		return usageError{"--minutes and --annex: ask for one"}
	case o.minutes && o.format != "pdf":
		return usageError{"--minutes: the minutes are a PDF"}
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
	doc, err := listsDocument(ctx, &office.Office{Store: w.db}, terminal, w, o, cat)
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
	if err := done(doc.write(out)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s to %s\n", doc.what, o.out)
	return nil
}

// listsDoc is a document sothon lists writes: how, and what it is.
type listsDoc struct {
	write func(io.Writer) error
	what  string
}

// listsDocument gathers the document asked for, through the office.
func listsDocument(ctx context.Context, of *office.Office, terminal store.User, w *world, o listsFlags, cat *locales.Catalog) (listsDoc, error) {
	now := time.Now().In(w.loc)
	switch {
	case o.minutes:
		m, err := of.Minutes(ctx, terminal, o.area, o.round, w.forms, cat, o.lang)
		backed, back := m.Tally()
		return listsDoc{func(out io.Writer) error { return lists.WriteMinutesPDF(m, cat, out) },
			fmt.Sprintf("the minutes of the meeting of %s on %s, round %q (%d households backed, %d back for review)", o.area, m.Meeting.Day, m.Lists.Round.Name, backed, back)}, err
	case o.annex:
		a, err := of.Annex(ctx, terminal, o.area, o.round, w.forms, cat, o.lang, now)
		write := lists.WriteAnnexPDF
		if o.format == "xlsx" {
			write = lists.WriteAnnexXLSX
		}
		what := "a draft, no decision recorded"
		if a.Decision != nil {
			what = "decision " + a.Decision.Number + " of " + a.Decision.Day
		}
		return listsDoc{func(out io.Writer) error { return write(a, cat, out) },
			fmt.Sprintf("the decision's annex of %s, round %q (%d villages, %d poor, %d near-poor; %s)", o.area, a.Lists.Round.Name, len(a.Villages), a.Total.Poor, a.Total.NearPoor, what)}, err
	}
	l, err := of.Lists(ctx, terminal, o.area, o.round, w.forms, cat, o.lang, now)
	write := lists.WritePDF
	if o.format == "xlsx" {
		write = lists.WriteXLSX
	}
	n := 0
	for _, v := range l.Villages {
		for _, entries := range v.Lists {
			n += len(entries)
		}
	}
	return listsDoc{func(out io.Writer) error { return write(l, cat, out) },
		fmt.Sprintf("the lists of %s, round %q (%d villages, %d entries)", o.area, l.Round.Name, len(l.Villages), n)}, err
}
