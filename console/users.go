package console

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"sothon/office"
	"sothon/store"
)

type userRow struct {
	ID, Name, Role, Area, Channels string
	LastMessage                    string // "" when they never wrote
	Unreachable, Revoked, Self     bool
}

type usersPage struct {
	frame
	Rows  []userRow
	Areas []areaChoice // where a user may be moved
}

type areaChoice struct{ ID, Label string }

// users lists the people of an admin's area and below: who has joined, on
// which channels, and whose chat no longer takes messages.
func (c *Console) users(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	members, err := c.office().Users(r.Context(), u, "")
	if err != nil {
		c.refused(w, r, u, err, "users", "/")
		return
	}
	areas, err := c.Store.Areas(r.Context())
	if err != nil {
		c.unavailable(w, "users", err)
		return
	}
	page := usersPage{frame: c.frame(r, u, session)}
	for _, m := range members {
		page.Rows = append(page.Rows, userRow{ID: m.ID, Name: m.Name, Role: page.T("role." + m.Role), Area: m.Area,
			Channels: strings.Join(m.Channels, ", "), Unreachable: m.Unreachable, Revoked: m.Revoked, Self: m.ID == u.ID,
			LastMessage: c.when(m.LastMessage)})
	}
	page.Areas = indexAreas(areas).choices(u.AreaID, anyArea)
	c.render(w, http.StatusOK, "users.html", page)
}

// revoke takes away the access of a user of the admin's area (a lost
// phone, someone who has left).
func (c *Console) revoke(w http.ResponseWriter, r *http.Request) {
	u, ok := c.userForm(w, r)
	if !ok {
		return
	}
	if err := c.office().Revoke(r.Context(), u, r.PathValue("id"), c.now()); err != nil {
		c.refused(w, r, u, err, "revoke", "/users")
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

// move gives a user of the admin's area another area within it; whom
// the admin may move, and where, is the office's to say.
func (c *Console) move(w http.ResponseWriter, r *http.Request) {
	u, ok := c.userForm(w, r)
	if !ok {
		return
	}
	area, ok := c.formArea(w, r, u, "/users")
	if !ok {
		return
	}
	if err := c.office().MoveUser(r.Context(), u, r.PathValue("id"), area.ID, c.now()); err != nil {
		c.refused(w, r, u, err, "move", "/users")
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

// userForm checks a form that changes a user: an admin, the page's form
// token.
func (c *Console) userForm(w http.ResponseWriter, r *http.Request) (admin store.User, ok bool) {
	u, session, _, ok := c.admin(w, r)
	return u, ok && c.formFromPage(w, r, u, session)
}

type confirmPage struct {
	frame
	Question, Action, Button string
	Back                     string // where "no" goes
}

// confirmRevoke asks once more before revoking: a slip would cut a village
// head off in the middle of a round.
func (c *Console) confirmRevoke(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	target, err := c.office().Changeable(r.Context(), u, r.PathValue("id"))
	if err != nil {
		c.refused(w, r, u, err, "revoke", "/users")
		return
	}
	t := c.t(u.Lang)
	c.render(w, http.StatusOK, "confirmation.html", confirmPage{frame: c.frame(r, u, session), Back: "/users",
		Question: t("web.revoke_confirm", "name", target.Name), Action: "/users/" + target.ID + "/revoke", Button: t("web.revoke")})
}

type auditRow struct{ When, Actor, Action, Detail string }

type auditPage struct {
	frame
	Rows        []auditRow
	SystemShown bool
}

// audit shows an admin the log of changes made by the people of their
// area, newest first, as the office reads it for them.
func (c *Console) audit(w http.ResponseWriter, r *http.Request) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return
	}
	log, err := c.office().Audit(r.Context(), u, listed)
	if err != nil {
		c.refused(w, r, u, err, "audit", "/")
		return
	}
	page := auditPage{frame: c.frame(r, u, session), SystemShown: log.System}
	for _, e := range log.Entries {
		page.Rows = append(page.Rows, auditRow{When: c.when(e.At), Actor: c.actor(u.Lang, log.Names, e.Actor), Action: c.action(u.Lang, e.Action), Detail: e.Detail})
	}
	c.render(w, http.StatusOK, "audit.html", page)
}

// action says an audit entry's action in words ("action.review_approved":
// "duyệt phiếu"); one without words (an older build's) shows as written.
func (c *Console) action(lang, action string) string {
	if key := "action." + action; c.Catalog.Has(key) {
		return c.Catalog.T(lang, key)
	}
	return action
}

// actor names who made an entry: a person of the admin's area by name, the
// scheduler and the command line in words, anyone else by id.
func (c *Console) actor(lang string, names map[string]string, id string) string {
	switch id {
	case "system":
		return c.Catalog.T(lang, "web.actor_system")
	case "terminal":
		return c.Catalog.T(lang, "web.actor_terminal")
	}
	return cmp.Or(names[id], id)
}

// admin lets an admin through with the list of all users; anyone else
// gets 404, as for a page that does not exist.
func (c *Console) admin(w http.ResponseWriter, r *http.Request) (u store.User, session string, users []store.User, ok bool) {
	u, session, ok = c.user(w, r)
	if !ok {
		return u, "", nil, false
	}
	if !slices.Contains(office.Admins, u.Role) {
		http.NotFound(w, r)
		return u, "", nil, false
	}
	users, err := c.Store.Users(r.Context())
	if err != nil {
		c.unavailable(w, "users", err)
		return u, "", nil, false
	}
	return u, session, users, true
}

// unavailable answers a failed read of the store: the page may work on a
// second try (a backup holding the file, a full disk being cleared).
func (c *Console) unavailable(w http.ResponseWriter, what string, err error) {
	c.Log.Error(what, "err", err)
	http.Error(w, "try again", http.StatusServiceUnavailable)
}
