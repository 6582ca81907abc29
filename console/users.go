package console

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"sothon/office"
	"sothon/store"
	"sothon/tree"
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
	u, session, all, ok := c.admin(w, r)
	if !ok {
		return
	}
	ids, err := c.Store.Identities(r.Context())
	var areas []tree.Area
	if err == nil {
		areas, err = c.Store.Areas(r.Context())
	}
	if err != nil {
		c.unavailable(w, "users", err)
		return
	}
	channels := map[string][]string{}
	for _, id := range ids {
		if !slices.Contains(channels[id.UserID], id.Channel) {
			channels[id.UserID] = append(channels[id.UserID], id.Channel)
		}
	}
	// Labels from the one list of areas: a page of 1,800 villages would
	// otherwise read the store once per area and once per user.
	index := indexAreas(areas)
	label := index.label
	page := usersPage{frame: c.frame(r, u, session)}
	for _, member := range all {
		if tree.Within(member.AreaID, u.AreaID) {
			page.Rows = append(page.Rows, userRow{ID: member.ID, Name: member.Name, Role: page.T("role." + member.Role), Area: label(member.AreaID),
				Channels: strings.Join(channels[member.ID], ", "), Unreachable: member.Unreachable, Revoked: member.Revoked, Self: member.ID == u.ID,
				LastMessage: c.when(member.LastMessage)})
		}
	}
	slices.SortFunc(page.Rows, func(a, b userRow) int { return cmp.Or(cmp.Compare(a.Area, b.Area), cmp.Compare(a.Name, b.Name)) })
	page.Areas = index.choices(u.AreaID, anyArea)
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

// move gives a user of the admin's area another area within it.
func (c *Console) move(w http.ResponseWriter, r *http.Request) {
	u, ok := c.userForm(w, r)
	if !ok {
		return
	}
	if _, err := c.office().Changeable(r.Context(), u, r.PathValue("id")); err != nil {
		c.refused(w, r, u, err, "move", "/users")
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
// area, newest first. The entries of the system and of the terminal belong
// to no area, so only an admin of a whole province (an area id without a
// parent) sees them.
func (c *Console) audit(w http.ResponseWriter, r *http.Request) {
	u, session, users, ok := c.admin(w, r)
	if !ok {
		return
	}
	names, known := map[string]string{}, map[string]bool{}
	for _, member := range users {
		known[member.ID] = true
		if tree.Within(member.AreaID, u.AreaID) {
			names[member.ID] = member.Name
		}
	}
	page := auditPage{frame: c.frame(r, u, session), SystemShown: !strings.Contains(u.AreaID, "/")}
	entries, err := c.Store.RecentAudit(r.Context(), listed, func(e store.AuditEntry) bool {
		_, ours := names[e.Actor]
		return ours || page.SystemShown && !known[e.Actor]
	})
	if err != nil {
		c.unavailable(w, "audit", err)
		return
	}
	for _, e := range entries {
		page.Rows = append(page.Rows, auditRow{When: c.when(e.At), Actor: c.actor(u.Lang, names, e.Actor), Action: c.action(u.Lang, e.Action), Detail: e.Detail})
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
