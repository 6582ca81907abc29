package officials

import (
	"bytes"
	"context"
	"io"
	"strings"

	"sothon/bot"
	"sothon/flows"
	"sothon/report/lists"
	"sothon/store"
)

// The village review's documents beside the posted lists, asked for
// with /lists: "/lists bienban THÔN" gives the minutes of the village's
// meeting (PDF), "/lists phuluc [ĐỊA-BÀN] [xlsx]" the commune's decision
// annex (PDF, or XLSX to send up).

// listsDocuments are the words that ask for a document, folded, and the
// document each asks for.
var listsDocuments = []struct{ word, doc string }{
	{"bien ban", "minutes"}, {"bienban", "minutes"}, {"minutes", "minutes"},
	{"phu luc", "annex"}, {"phuluc", "annex"}, {"annex", "annex"},
}

// listsDocument tells which document /lists asks for, if any, and the
// words after the one that asks.
func listsDocument(args string) (doc, rest string, ok bool) {
	fields := strings.Fields(args)
	folded := flows.Fold(strings.Join(fields, " "))
	for _, d := range listsDocuments {
		if folded == d.word || strings.HasPrefix(folded, d.word+" ") {
			return d.doc, strings.Join(fields[strings.Count(d.word, " ")+1:], " "), true
		}
	}
	return "", "", false
}

// document sends the minutes or the annex /lists asked for.
func (o *Commands) document(ctx context.Context, t bot.Turn, doc, args string) {
	format := "pdf"
	if fields := strings.Fields(args); doc == "annex" && len(fields) > 0 {
		if last := strings.ToLower(fields[len(fields)-1]); last == "pdf" || last == "xlsx" {
			format, args = last, strings.Join(fields[:len(fields)-1], " ")
		}
	}
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	var (
		text, name string
		write      func(io.Writer) error
	)
	switch doc {
	case "minutes":
		m, err := o.office().Minutes(ctx, t.User(), area, 0, o.Forms, o.Catalog, t.Lang())
		if o.refused(t, "minutes", err) {
			return
		}
		text, name = t.T("minutes.sent", "village", m.Village().Label, "round", m.Lists.Round.Name), "bien-ban-hop-"
		write = func(w io.Writer) error { return lists.WriteMinutesPDF(m, o.Catalog, w) }
	default:
		a, err := o.office().Annex(ctx, t.User(), area, 0, o.Forms, o.Catalog, t.Lang(), t.At())
		if o.refused(t, "annex", err) {
			return
		}
		text, name = t.T("annex.sent", "area", a.Lists.Area.Label, "round", a.Lists.Round.Name, "draft", a.Decision == nil), "phu-luc-"
		write = func(w io.Writer) error { return lists.WriteAnnexPDF(a, o.Catalog, w) }
		if format == "xlsx" {
			write = func(w io.Writer) error { return lists.WriteAnnexXLSX(a, o.Catalog, w) }
		}
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		o.Log.Error(doc, "err", err)
		t.Reply("join.try_later")
		return
	}
	name += strings.ReplaceAll(area, "/", "-") + "-" + t.At().Format("2006-01-02") + "." + format
	t.Attach(text, &store.Attachment{Name: name, Data: buf.Bytes()})
}
