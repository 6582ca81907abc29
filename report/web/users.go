package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"sothon/store"
)

type userRow struct {
	Name, Role, Area, Channels string
	Unreachable                bool
}

type usersPage struct {
	Lang string
	T    func(key string, args ...any) string
	Rows []userRow
}

// users lists the people of an admin's area and below: who has joined, on
// which channels, and whose chat no longer takes messages. It is an admin's
// page; anyone else gets 404, as for a page that does not exist.
func (c *Console) users(w http.ResponseWriter, r *http.Request) {
	u, _, ok := c.user(w, r)
	if !ok {
		return
	}
	if u.Role != store.RoleAdmin {
		http.NotFound(w, r)
		return
	}
	all, err := c.Store.Users(r.Context())
	if err != nil {
		c.Log.Error("users", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	page := usersPage{Lang: u.Lang, T: func(key string, args ...any) string { return c.Catalog.T(u.Lang, key, args...) }}
	for _, member := range all {
		if !store.Within(member.AreaID, u.AreaID) {
			continue
		}
		page.Rows = append(page.Rows, c.userRow(r, member, page.T))
	}
	slices.SortFunc(page.Rows, func(a, b userRow) int { return cmp.Or(cmp.Compare(a.Area, b.Area), cmp.Compare(a.Name, b.Name)) })
	c.render(w, http.StatusOK, "users.html", page)
}

func (c *Console) userRow(r *http.Request, u store.User, t func(string, ...any) string) userRow {
	_, area, _ := c.Store.AreaLabel(r.Context(), u.AreaID)
	ids, _ := c.Store.IdentitiesOf(r.Context(), u.ID)
	var channels []string
	for _, id := range ids {
		if !slices.Contains(channels, id.Channel) {
			channels = append(channels, id.Channel)
		}
	}
	return userRow{Name: u.Name, Role: t("role." + u.Role), Area: area, Channels: strings.Join(channels, ", "), Unreachable: u.Unreachable}
}

type auditRow struct{ When, Actor, Action, Detail string }

type auditPage struct {
	Lang        string
	T           func(key string, args ...any) string
	Rows        []auditRow
	Total       int
	SystemShown bool
}

// audit shows an admin the log of changes made by the people of their
// area, newest first. The entries of the system and of the terminal belong
// to no area, so only an admin of a whole province (an area id without a
// parent) sees them.
func (c *Console) audit(w http.ResponseWriter, r *http.Request) {
	u, _, ok := c.user(w, r)
	if !ok {
		return
	}
	if u.Role != store.RoleAdmin {
		http.NotFound(w, r)
		return
	}
	users, err := c.Store.Users(r.Context())
	var entries []store.AuditEntry
	if err == nil {
		entries, err = c.Store.Audit(r.Context())
	}
	if err != nil {
		c.Log.Error("audit", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	names, known := map[string]string{}, map[string]bool{}
	for _, member := range users {
		known[member.ID] = true
		if store.Within(member.AreaID, u.AreaID) {
			names[member.ID] = member.Name
		}
	}
	page := auditPage{Lang: u.Lang, T: func(key string, args ...any) string { return c.Catalog.T(u.Lang, key, args...) },
		SystemShown: !strings.Contains(u.AreaID, "/")}
	for _, e := range slices.Backward(entries) {
		name, ours := names[e.Actor]
		if !ours && !(page.SystemShown && !known[e.Actor]) {
			continue
		}
		page.Total++
		if len(page.Rows) < listed {
			page.Rows = append(page.Rows, auditRow{When: e.At.Format("02/01/2006 15:04"), Actor: cmp.Or(name, e.Actor), Action: e.Action, Detail: e.Detail})
		}
	}
	c.render(w, http.StatusOK, "audit.html", page)
}
