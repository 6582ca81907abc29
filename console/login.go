package console

import (
	"net/http"
	"time"
)

// A login link opens a page with a button; only the button's POST spends
// the link. Chat apps and mail scanners open links to preview them, with a
// GET: the link is still there for its owner afterwards.

// loginPage is what a login link shows.
type loginPage struct {
	Lang, Text, Button, Action string
}

// loginPage shows the button that spends a login link, or says the link
// is used or expired; it spends nothing.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	lang, _ := chosenLang(r)
	token := r.PathValue("token")
	if err := c.Store.LoginUsable(r.Context(), token, c.now()); err != nil {
		c.failed(w, lang, "web.login_failed")
		return
	}
	// The button's POST names this site as its origin (which login checks)
	// also in browsers too old to send Sec-Fetch-Site: with no referrer at
	// all they would send "Origin: null".
	w.Header().Set("Referrer-Policy", "same-origin")
	c.render(w, http.StatusOK, "login.html", loginPage{Lang: lang, Text: c.Catalog.T(lang, "web.login_ask"),
		Button: c.Catalog.T(lang, "web.login_button"), Action: "/login/" + token})
}

// loginOrigin refuses a login posted from another site (Sec-Fetch-Site, or
// else Origin against Host). No session exists yet, so there is no form
// token to check; without this, a page elsewhere could log its visitor
// into its author's account, where the visitor would then act as the
// author. A request with neither header (a script, a browser from before
// 2019) passes: that much login CSRF is accepted.
var loginOrigin = http.NewCrossOriginProtection()

// login spends a one-time link and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	lang, _ := chosenLang(r)
	if err := loginOrigin.Check(r); err != nil {
		c.message(w, http.StatusForbidden, lang, "web.bad_form")
		return
	}
	userID, err := c.Store.UseLogin(r.Context(), r.PathValue("token"), c.now())
	if err != nil {
		c.failed(w, lang, "web.login_failed")
		return
	}
	id, err := c.Store.CreateSession(r.Context(), userID, c.now(), SessionTTL)
	if err != nil {
		c.Log.Error("console session", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true, Secure: c.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(SessionTTL / time.Second)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
