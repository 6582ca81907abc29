package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"sothon/report"
	"sothon/store"
)

type roundRow struct {
	ID                           uint64
	Name, Area, From, To, Opened string
	Kind, Standard               string // "định kỳ", "chuẩn nghèo đa chiều giai đoạn 2027–2030"
	Closed                       string // "" while open
	Closable                     bool   // open, and for an area of the admin's
}

type roundsPage struct {
	frame
	Rows  []roundRow
	Areas []areaChoice // where a round may be opened
	Today string
}

// rounds lists the review rounds of the admin's area and of the areas
// above it that cover it, newest first, with a form to open one.
func (c *Console) rounds(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	all, err := c.Store.Rounds(r.Context())
	var list []store.Area
	if err == nil {
		list, err = c.Store.Areas(r.Context())
	}
	if err != nil {
		c.unavailable(w, "rounds", err)
		return
	}
	areas := indexAreas(list)
	page := roundsPage{frame: c.frame(r, u, session), Today: c.now().Format("2006-01-02")}
	for _, rd := range slices.Backward(all) {
		ours := rd.AreaID != "" && store.Within(rd.AreaID, u.AreaID)
		if !ours && !rd.Holds(u.AreaID) {
			continue
		}
		row := roundRow{ID: rd.ID, Name: rd.Name, Area: areas.label(rd.AreaID), From: rd.From, To: rd.To,
			Opened: c.day(rd.Opened), Closable: ours && rd.IsOpen(), Kind: report.RoundKindName(c.Catalog, u.Lang, rd),
			Standard: report.StandardName(c.Catalog, u.Lang, report.RoundStandard(rd, c.now()))}
		if rd.AreaID == "" {
			row.Area = page.T("web.everywhere")
		}
		if !rd.IsOpen() {
			row.Closed = c.day(rd.Closed)
		}
		page.Rows = append(page.Rows, row)
	}
	page.Areas = areas.choices(u.AreaID, aboveVillages)
	c.render(w, http.StatusOK, "rounds.html", page)
}

// openRound opens a round for an area of the admin's.
func (c *Console) openRound(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	area, ok := c.formArea(w, r, u, "/rounds")
	if !ok {
		return
	}
	if area.Kind == store.KindVillage {
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, "web.round_bad_area"), "/rounds")
		return
	}
	kind := store.RoundRegular
	if v := r.PostFormValue("kind"); v != "" {
		if kind, ok = store.RoundKind(v); !ok {
			c.message(w, http.StatusBadRequest, u.Lang, "web.round_bad")
			return
		}
	}
	_, err := c.Store.OpenRound(r.Context(), store.Round{Name: r.PostFormValue("name"), AreaID: area.ID, Kind: kind,
		From: r.PostFormValue("from"), To: r.PostFormValue("to"), Opened: c.now(), OpenedBy: u.ID})
	switch {
	case errors.Is(err, store.ErrRoundBad):
		c.message(w, http.StatusBadRequest, u.Lang, "web.round_bad")
	case errors.Is(err, store.ErrRoundOpen):
		c.message(w, http.StatusConflict, u.Lang, "web.round_open")
	case err != nil:
		c.unavailable(w, "open round", err)
	default:
		http.Redirect(w, r, "/rounds", http.StatusSeeOther)
	}
}

// confirmClose asks once more before closing a round: answers given after
// it count in no round until the next is opened.
func (c *Console) confirmClose(w http.ResponseWriter, r *http.Request) {
	u, session, rd, ok := c.closable(w, r)
	if !ok {
		return
	}
	t := c.t(u.Lang)
	question := t("web.round_close_confirm", "name", rd.Name)
	// Forms still waiting or returned are said first: closing leaves them so.
	if st, err := report.Compute(r.Context(), c.Store, rd.AreaID, c.now()); err == nil && st.Round != nil && st.Round.ID == rd.ID {
		if rv := st.Reviews(); rv.Pending+rv.Returned > 0 {
			question = t("round.close_unfinished", "name", rd.Name, "pending", rv.Pending, "returned", rv.Returned) + " " + question
		}
	}
	c.render(w, http.StatusOK, "confirmation.html", confirmPage{frame: c.frame(r, u, session), Back: "/rounds",
		Question: question, Action: r.URL.Path, Button: t("web.round_close")})
}

// closeRound closes an open round of the admin's area.
func (c *Console) closeRound(w http.ResponseWriter, r *http.Request) {
	u, session, rd, ok := c.closable(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	if _, err := c.Store.CloseRound(r.Context(), rd.AreaID, c.now(), u.ID); err != nil {
		c.unavailable(w, "close round", err)
		return
	}
	http.Redirect(w, r, "/rounds", http.StatusSeeOther)
}

// closable finds the open round of the path for an admin whose area holds
// the round's; any other is 404.
func (c *Console) closable(w http.ResponseWriter, r *http.Request) (store.User, string, store.Round, bool) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return u, "", store.Round{}, false
	}
	all, err := c.Store.Rounds(r.Context())
	if err != nil {
		c.unavailable(w, "rounds", err)
		return u, "", store.Round{}, false
	}
	id, _ := strconv.ParseUint(r.PathValue("id"), 10, 64)
	i := slices.IndexFunc(all, func(rd store.Round) bool { return rd.ID == id })
	if i < 0 || !all[i].IsOpen() || all[i].AreaID == "" || !store.Within(all[i].AreaID, u.AreaID) {
		http.NotFound(w, r)
		return u, "", store.Round{}, false
	}
	return u, session, all[i], true
}
