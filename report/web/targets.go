package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"sothon/store"
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
	list, err := c.Store.Areas(r.Context())
	var counters map[string]store.Counters
	if err == nil {
		counters, err = c.Store.CountersIn(r.Context(), u.AreaID)
	}
	if err != nil {
		c.unavailable(w, "targets", err)
		return
	}
	// Each village's register counts up to every area above it, once.
	poor := map[string]int{}
	for id, cs := range counters {
		for n := int(cs[store.RegisterCounter("poor")]); id != ""; id = parentOf(id) {
			poor[id] += n
		}
	}
	areas := indexAreas(list)
	page := targetsPage{frame: c.frame(r, u, session), Year: year}
	for _, a := range list {
		if a.Kind == store.KindVillage || !store.Within(a.ID, u.AreaID) {
			continue
		}
		row := targetRow{ID: a.ID, Label: areas.label(a.ID), Baseline: poor[a.ID]}
		for _, t := range a.Targets {
			if t.Year == year {
				row.Reduction = t.PoorReduction
			}
		}
		page.Rows = append(page.Rows, row)
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
	if _, err := c.Store.Area(r.Context(), area); err != nil || !store.Within(area, u.AreaID) {
		http.NotFound(w, r)
		return
	}
	err := errors.Join(errYear, errNumber)
	if err == nil {
		err = c.Store.SetTarget(r.Context(), area, store.Target{Year: year, PoorReduction: reduction}, u.ID, c.now())
	}
	switch {
	case errNumber != nil || errYear != nil || errors.Is(err, store.ErrTargetBad):
		c.message(w, http.StatusBadRequest, u.Lang, "web.target_bad")
	case err != nil:
		c.unavailable(w, "set target", err)
	default:
		http.Redirect(w, r, "/targets?year="+strconv.Itoa(year), http.StatusSeeOther)
	}
}

func parentOf(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[:i]
	}
	return ""
}
