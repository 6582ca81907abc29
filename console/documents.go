package console

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"sothon/report/lists"
	"sothon/store"
)

// document sends a document of the village review from the lists' route:
// ?doc=minutes the minutes of a village's meeting (PDF), ?doc=annex the
// decision's annex of an area (PDF or XLSX), each as the office gives it
// to the user; anything else is a page that is not there.
func (c *Console) document(w http.ResponseWriter, r *http.Request, u store.User, doc, area, format string) {
	var (
		write func(io.Writer) error
		name  string
		back  = "/?area=" + area
	)
	switch {
	case doc == "minutes" && format == "pdf":
		m, err := c.office().Minutes(r.Context(), u, area, 0, c.Forms, c.Catalog, u.Lang)
		if err != nil {
			c.refused(w, r, u, err, "minutes", back)
			return
		}
		write, name = func(w io.Writer) error { return lists.WriteMinutesPDF(m, c.Catalog, w) }, "bien-ban-hop-"
	case doc == "annex":
		a, err := c.office().Annex(r.Context(), u, area, 0, c.Forms, c.Catalog, u.Lang, c.now())
		if err != nil {
			c.refused(w, r, u, err, "annex", back)
			return
		}
		write, name = func(w io.Writer) error { return lists.WriteAnnexPDF(a, c.Catalog, w) }, "phu-luc-"
		if format == "xlsx" {
			write = func(w io.Writer) error { return lists.WriteAnnexXLSX(a, c.Catalog, w) }
		}
	default:
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		c.unavailable(w, doc, err)
		return
	}
	kind := "application/pdf"
	if format == "xlsx" {
		kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+strings.ReplaceAll(area, "/", "-")+"."+format+`"`)
	w.Write(buf.Bytes())
}
