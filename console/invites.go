package console

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"sothon/office"
	"sothon/store"
	"sothon/tree"
)

type invitesPage struct {
	frame
	Open   []inviteCard // invites not used yet, newest first
	Areas  []areaChoice // where an invite may be for
	Groups []areaChoice // areas with villages, for the heads' invites
}

// inviteCard is one invite as the console shows and prints it.
type inviteCard struct {
	Code, Role, Area, Name, Expires, Link string
	QR                                    template.HTML
}

// invites shows the forms to invite one person or the heads of every
// village of an area, and the invites not used yet.
func (c *Console) invites(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	areas, open, ok := c.openInvites(w, r, u)
	if !ok {
		return
	}
	page := invitesPage{frame: c.frame(r, u, session)}
	page.Open = c.cards(r.Context(), areas, open, u.Lang, false)
	slices.Reverse(page.Open)
	page.Areas, page.Groups = areas.choices(u.AreaID, anyArea), areas.choices(u.AreaID, aboveVillages)
	c.render(w, http.StatusOK, "invites.html", page)
}

// invite makes one invite and shows its card.
func (c *Console) invite(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	area, ok := c.formArea(w, r, u, "/invites")
	if !ok {
		return
	}
	inv, err := c.office().Invite(r.Context(), u, office.Invitation{Role: r.PostFormValue("role"), AreaID: area.ID,
		Name: r.PostFormValue("name")}, c.now())
	if err != nil {
		c.refused(w, r, u, err, "invite", "/invites")
		return
	}
	http.Redirect(w, r, "/invites/cards?code="+inv.Code, http.StatusSeeOther)
}

// inviteHeads makes an invite for the head of every village of an area that
// has neither a head nor an invite not used yet, then shows the printable
// cards of them all. Posting twice makes no second set.
func (c *Console) inviteHeads(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	named, ok := c.formArea(w, r, u, "/invites")
	if !ok {
		return
	}
	area := named.ID
	if _, err := c.office().InviteHeads(r.Context(), u, area, c.now()); err != nil {
		c.refused(w, r, u, err, "invite heads", "/invites")
		return
	}
	http.Redirect(w, r, "/invites/cards?area="+url.QueryEscape(area), http.StatusSeeOther)
}

type cardsPage struct {
	frame
	Title string
	Cards []inviteCard
}

// inviteCards is the printable page: one invite (?code=) or the heads'
// invites of every village of an area (?area=), each with its QR code.
func (c *Console) inviteCards(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	areas, open, ok := c.openInvites(w, r, u)
	if !ok {
		return
	}
	code, area := r.URL.Query().Get("code"), r.URL.Query().Get("area")
	open = slices.DeleteFunc(open, func(inv store.Invite) bool {
		if code != "" {
			return inv.Code != code
		}
		return inv.Role != store.RoleHead || !tree.Within(inv.AreaID, area)
	})
	if len(open) == 0 || code == "" && area == "" {
		http.NotFound(w, r)
		return
	}
	page := cardsPage{frame: c.frame(r, u, session), Cards: c.cards(r.Context(), areas, open, u.Lang, true)}
	page.Title = page.Cards[0].Area
	if code == "" {
		page.Title = page.T("web.invite_heads_of", "area", areas.label(area))
	}
	c.render(w, http.StatusOK, "cards.html", page)
}

// openInvites reads the areas and the invites of an admin's area that can
// still be used, as the office lists them; otherwise it answers the
// request itself.
func (c *Console) openInvites(w http.ResponseWriter, r *http.Request, u store.User) (areaIndex, []store.Invite, bool) {
	open, err := c.office().OpenInvites(r.Context(), u, "", c.now())
	if err != nil {
		c.refused(w, r, u, err, "invites", "/")
		return areaIndex{}, nil, false
	}
	list, err := c.Store.Areas(r.Context())
	if err != nil {
		c.unavailable(w, "invites", err)
		return areaIndex{}, nil, false
	}
	return indexAreas(list), open, true
}

// cards dresses invites for the page; QR codes only where they are printed.
func (c *Console) cards(ctx context.Context, areas areaIndex, invs []store.Invite, lang string, qr bool) []inviteCard {
	out := make([]inviteCard, len(invs))
	for i, inv := range invs {
		card := inviteCard{Code: inv.Code, Role: c.Catalog.T(lang, "role."+inv.Role), Area: areas.label(inv.AreaID), Name: inv.Name,
			Expires: c.day(inv.Expires)}
		if c.InviteLink != nil {
			card.Link = c.InviteLink(ctx, inv.Code)
		}
		if qr {
			// Without a Telegram link the QR code holds the code itself, which
			// a phone's camera shows as text to copy into Zalo.
			card.QR = qrSVG(cmp.Or(card.Link, inv.Code))
		}
		out[i] = card
	}
	return out
}

// qrSVG draws a QR code as inline SVG: one path of squares, crisp at any
// print size, and no image to fetch (the page's policy allows none from
// elsewhere). Only numbers go into the markup.
func qrSVG(content string) template.HTML {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return ""
	}
	bits := q.Bitmap()
	var path strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			run := 0
			for x+run < len(row) && row[x+run] {
				run++
			}
			if run > 0 {
				// One rectangle per run of dark modules keeps a page of
				// fifty cards small.
				w := strconv.Itoa(run)
				path.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + w + "v1h-" + w + "z")
				x += run
			}
		}
	}
	n := strconv.Itoa(len(bits))
	return template.HTML(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n +
		`" shape-rendering="crispEdges" role="img"><rect width="` + n + `" height="` + n + `" fill="#fff"/><path d="` + path.String() + `"/></svg>`)
}

// areaIndex is the list of areas read once, for labels and lookups.
type areaIndex struct {
	list []tree.Area
	byID map[string]tree.Area
}

func indexAreas(list []tree.Area) areaIndex {
	byID := make(map[string]tree.Area, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	return areaIndex{list: list, byID: byID}
}

// choices are the areas of a scope that keep accepts, for a form's list.
func (ix areaIndex) choices(scope string, keep func(tree.Area) bool) []areaChoice {
	var out []areaChoice
	for _, a := range ix.list {
		if tree.Within(a.ID, scope) && keep(a) {
			out = append(out, areaChoice{ID: a.ID, Label: ix.label(a.ID)})
		}
	}
	return out
}

func anyArea(tree.Area) bool         { return true }
func aboveVillages(a tree.Area) bool { return a.Kind != tree.Village }

// label names an area as reports do: a village with its ward or commune.
func (ix areaIndex) label(id string) string {
	a := ix.byID[id]
	return tree.Label(a, ix.byID[a.Parent])
}
