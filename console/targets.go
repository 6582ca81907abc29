package console

import (
	"net/http"
	"strconv"
	"strings"

	"sothon/tree"
)

type targetRow struct {
	ID, Label string
	Baseline  int // poor households of the imported register
	Reduction int // the year's goal; 0 when none
}

type targetsPage struct {
	frame
	Year int
	Rows []targetRow
}

// targets shows the year's poverty-reduction goals of the admin's area and
// of the wards and communes below it, each with a form to change it.
func (c *Console) targets(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		year = c.now().Year()
	}
	rows, err := c.office().Targets(r.Context(), u, year)
	var list []tree.Area
	if err == nil {
		list, err = c.Store.Areas(r.Context())
	}
	if err != nil {
		c.refused(w, r, u, err, "targets", "/")
		return
	}
	areas := indexAreas(list)
	page := targetsPage{frame: c.frame(r, u, session), Year: year}
	for _, t := range rows {
		page.Rows = append(page.Rows, targetRow{ID: t.Area.ID, Label: areas.label(t.Area.ID), Baseline: t.Baseline, Reduction: t.Reduction})
	}
	c.render(w, http.StatusOK, "targets.html", page)
}

// setTarget changes one area's goal for a year.
func (c *Console) setTarget(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	area := strings.TrimSpace(r.PostFormValue("area"))
	year, errYear := strconv.Atoi(r.PostFormValue("year"))
	reduction, errNumber := strconv.Atoi(strings.TrimSpace(r.PostFormValue("poor_reduction")))
	if errYear != nil || errNumber != nil {
		c.message(w, http.StatusBadRequest, u.Lang, "office.target_bad")
		return
	}
	if err := c.office().SetTarget(r.Context(), u, area, tree.Target{Year: year, PoorReduction: reduction}, c.now()); err != nil {
		c.refused(w, r, u, err, "set target", "/targets")
		return
	}
	http.Redirect(w, r, "/targets?year="+strconv.Itoa(year), http.StatusSeeOther)
}
