package console

import (
	"net/http"
	"slices"
	"strconv"

	"sothon/office"
	"sothon/report"
	"sothon/store"
	"sothon/tree"
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

// rounds lists the review rounds the admin sees, newest first, with a form
// to open one.
func (c *Console) rounds(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	rows, err := c.office().Rounds(r.Context(), u)
	var list []tree.Area
	if err == nil {
		list, err = c.Store.Areas(r.Context())
	}
	if err != nil {
		c.refused(w, r, u, err, "rounds", "/")
		return
	}
	areas := indexAreas(list)
	page := roundsPage{frame: c.frame(r, u, session), Today: c.now().Format("2006-01-02")}
	for _, rd := range rows {
		row := roundRow{ID: rd.ID, Name: rd.Name, Area: areas.label(rd.AreaID), From: dayText(rd.From), To: dayText(rd.To),
			Opened: c.day(rd.Opened), Closable: rd.Closable, Kind: report.RoundKindName(c.Catalog, u.Lang, rd.Round),
			Standard: report.StandardName(c.Catalog, u.Lang, report.RoundStandard(rd.Round, c.now()))}
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

// openRound opens a round for the area the form names.
func (c *Console) openRound(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	area, ok := c.formArea(w, r, u, "/rounds")
	if !ok {
		return
	}
	kind := store.RoundRegular
	if v := r.PostFormValue("kind"); v != "" {
		if kind, ok = store.RoundKind(v); !ok {
			kind = v // the office refuses it
		}
	}
	_, err := c.office().OpenRound(r.Context(), u, office.RoundOpening{Name: r.PostFormValue("name"), AreaID: area.ID, Kind: kind,
		From: r.PostFormValue("from"), To: r.PostFormValue("to")}, c.now())
	if err != nil {
		c.refused(w, r, u, err, "open round", "/rounds")
		return
	}
	http.Redirect(w, r, "/rounds", http.StatusSeeOther)
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
	if left, err := c.office().BeforeClosing(r.Context(), u, rd.AreaID, c.now(), 0); err == nil && left.Round.ID == rd.ID && left.Left() {
		question = t("round.close_unfinished", "name", rd.Name, "pending", left.Pending, "returned", left.Returned) + " " + question
	}
	c.render(w, http.StatusOK, "confirmation.html", confirmPage{frame: c.frame(r, u, session), Back: "/rounds",
		Question: question, Action: r.URL.Path, Button: t("web.round_close")})
}

// closeRound closes an open round of the admin's.
func (c *Console) closeRound(w http.ResponseWriter, r *http.Request) {
	u, session, rd, ok := c.closable(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	if _, err := c.office().CloseRound(r.Context(), u, rd.AreaID, c.now()); err != nil {
		c.refused(w, r, u, err, "close round", "/rounds")
		return
	}
	http.Redirect(w, r, "/rounds", http.StatusSeeOther)
}

// closable finds the round of the path among those the admin may close;
// any other is 404.
func (c *Console) closable(w http.ResponseWriter, r *http.Request) (store.User, string, store.Round, bool) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return u, "", store.Round{}, false
	}
	rows, err := c.office().Rounds(r.Context(), u)
	if err != nil {
		c.refused(w, r, u, err, "rounds", "/rounds")
		return u, "", store.Round{}, false
	}
	id, _ := strconv.ParseUint(r.PathValue("id"), 10, 64)
	i := slices.IndexFunc(rows, func(rd office.RoundRow) bool { return rd.ID == id && rd.Closable })
	if i < 0 {
		http.NotFound(w, r)
		return u, "", store.Round{}, false
	}
	return u, session, rows[i].Round, true
}
