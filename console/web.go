// Package console is the office console in the browser: an official logs in
// with a one-time link from the chat (/web) and sees the figures of their
// area and the areas below it, server-rendered, usable on a cheap phone.
package console

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/office"
	"sothon/report"
	"sothon/report/progress"
	"sothon/store"
	"sothon/tree"
)

//go:embed templates/*.html static/*
var files embed.FS

// Lifetimes of a login link and of a session.
const (
	LoginTTL   = 10 * time.Minute
	SessionTTL = 12 * time.Hour
	cookieName = "sothon_session"
	langCookie = "sothon_lang"
)

// Console serves the office console.
type Console struct {
	Store   *store.DB
	Forms   *flows.Set
	Catalog *locales.Catalog
	Now     func() time.Time
	// Location is the office's time zone (SOTHON_TZ): every time a page or
	// a download shows, the day a round's form starts on and where a week
	// begins are its; the process's own zone when nil.
	Location *time.Location
	// Secure marks the session cookie for HTTPS only: set it when the
	// public address is https.
	Secure bool
	Log    *slog.Logger
	// InviteLink makes the Telegram link that opens the bot with an invite
	// code, or "" (nil when there is no Telegram bot).
	InviteLink func(ctx context.Context, code string) string
	// Notify is told of messages an action queued in the outbox (a word to
	// a village head), once committed, so the senders deliver them now; nil
	// leaves them to the senders' next start.
	Notify func([]store.Message)
	// Uploads is the folder uploaded registers wait in, never the database
	// (a temporary folder when "").
	Uploads string
	// PublicURL is where the server is reached from outside (SOTHON_PUBLIC_URL):
	// the downloads name photos by signed links under it, or by none when "".
	PublicURL string

	csrfKey  []byte
	uploads  *uploads
	pages    *template.Template
	failures *rate.Limiter // wrong login links and API tokens, for everyone
}

// Handler returns the console's routes.
func (c *Console) Handler() http.Handler {
	c.csrfKey = make([]byte, 32)
	rand.Read(c.csrfKey)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.failures = rate.NewLimiter(rate.Every(time.Second), 30)
	c.uploads = newUploads(c.Uploads)
	c.pages = template.Must(template.New("").Funcs(template.FuncMap{
		"pct":  func(lang string, share float64) string { return locales.Percent(lang, share) },
		"num":  func(lang string, n int) string { return locales.Number(lang, float64(n), 0) },
		"week": c.week,
		"day":  dayText,
		"when": c.when,
		"prev": func(n int) int { return n - 1 },
		"next": func(n int) int { return n + 1 },
	}).ParseFS(files, "templates/*.html"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/{token}", c.loginPage)
	mux.HandleFunc("POST /login/{token}", c.login)
	mux.HandleFunc("POST /logout", c.logout)
	mux.HandleFunc("POST /tokens", c.newToken)
	mux.HandleFunc("GET /api/stats", c.apiStats)
	mux.HandleFunc("GET /api/households.geojson", c.apiHouseholds)
	mux.HandleFunc("GET /chart.png", c.chart)
	mux.HandleFunc("GET /submissions", c.submissions)
	mux.HandleFunc("GET /submissions/{id}", c.submission)
	mux.HandleFunc("GET /submissions/{id}/photos/{n}", c.photo)
	mux.HandleFunc("GET /download/{format}", c.download)
	mux.HandleFunc("GET /lists/{format}", c.lists)
	mux.HandleFunc("GET /users", c.users)
	mux.HandleFunc("GET /users/{id}/revoke", c.confirmRevoke)
	mux.HandleFunc("POST /users/{id}/revoke", c.revoke)
	mux.HandleFunc("POST /users/{id}/move", c.move)
	mux.HandleFunc("GET /audit", c.audit)
	mux.HandleFunc("GET /invites", c.invites)
	mux.HandleFunc("POST /invites", c.invite)
	mux.HandleFunc("POST /invites/heads", c.inviteHeads)
	mux.HandleFunc("GET /invites/cards", c.inviteCards)
	mux.HandleFunc("GET /register", c.registerForm)
	mux.HandleFunc("POST /register", c.checkRegister)
	mux.HandleFunc("GET /register/{id}", c.registerUpload)
	mux.HandleFunc("POST /register/{id}", c.saveRegister)
	mux.HandleFunc("POST /register/{id}/cancel", c.cancelRegister)
	mux.HandleFunc("GET /rounds", c.rounds)
	mux.HandleFunc("POST /rounds", c.openRound)
	mux.HandleFunc("GET /rounds/{id}/close", c.confirmClose)
	mux.HandleFunc("POST /rounds/{id}/close", c.closeRound)
	mux.HandleFunc("GET /areas/reorganise", c.reorganiseForm)
	mux.HandleFunc("POST /areas/reorganise", c.reorganise)
	mux.HandleFunc("GET /review", c.review)
	mux.HandleFunc("POST /review/posting", c.recordPosting)
	mux.HandleFunc("POST /review/complaint", c.addComplaint)
	mux.HandleFunc("POST /review/decision", c.recordDecision)
	mux.HandleFunc("GET /review/meeting", c.meeting)
	mux.HandleFunc("POST /review/meeting/open", c.openMeeting)
	mux.HandleFunc("POST /review/meeting/votes", c.recordVotes)
	mux.HandleFunc("POST /review/meeting/close", c.closeMeeting)
	mux.HandleFunc("GET /requests", c.requests)
	mux.HandleFunc("POST /requests/{id}/answer", c.answerRequest)
	mux.HandleFunc("GET /targets", c.targets)
	mux.HandleFunc("POST /targets", c.setTarget)
	mux.HandleFunc("GET /lang/{lang}", c.setLang)
	mux.HandleFunc("GET /{$}", c.dashboard)
	mux.Handle("GET /static/", http.FileServerFS(files))
	return c.secured(mux)
}

// secured adds the headers every response carries: no scripts or frames
// from anywhere, no referrer (a login link must not leak), no sniffing;
// nothing kept in a cache (the figures and lists are people's data, and an
// office computer is shared); and, over HTTPS, HTTPS only from then on.
func (c *Console) secured(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		if c.overHTTPS(r) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}

// overHTTPS tells whether a request came over HTTPS: to this server, or,
// where the public address is https, to the proxy in front of it, unless
// that proxy says otherwise (X-Forwarded-Proto). A browser ignores the
// header over plain HTTP anyway (RFC 6797, 8.1), so a proxy that does not
// say costs nothing.
func (c *Console) overHTTPS(r *http.Request) bool {
	return r.TLS != nil || c.Secure && !strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "http")
}

// failed answers a wrong link or token; past a burst of them, from anyone,
// it answers "too many tries" so that guessing gets nowhere.
func (c *Console) failed(w http.ResponseWriter, lang, key string) {
	if !c.failures.Allow() {
		c.message(w, http.StatusTooManyRequests, lang, "web.too_many")
		return
	}
	c.message(w, http.StatusForbidden, lang, key)
}

// newToken makes the user's personal API token and shows it once.
func (c *Console) newToken(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	if !c.formFromPage(w, r, u, session) {
		return
	}
	token, err := c.Store.CreateAPIToken(r.Context(), u.ID, c.now())
	if err != nil {
		c.Log.Error("api token", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	c.render(w, http.StatusOK, "message.html", messagePage{Lang: u.Lang, Text: c.Catalog.T(u.Lang, "web.token", "token", token)})
}

// apiStats answers GET /api/stats?area=… with the figures as JSON (the
// shape of `sothon stats --format json`), to a personal token (Bearer) or
// a session.
func (c *Console) apiStats(w http.ResponseWriter, r *http.Request) {
	u, ok := c.apiUser(w, r)
	if !ok {
		return
	}
	st, err := c.office().Figures(r.Context(), u, r.URL.Query().Get("area"), c.now())
	var refusal *office.Refusal
	switch {
	case errors.As(err, &refusal):
		http.Error(w, `{"error":"no such area"}`, http.StatusNotFound)
		return
	case err != nil:
		c.unavailable(w, "api stats", err)
		return
	}
	ids := make([]string, len(c.Forms.Forms))
	for i, f := range c.Forms.Forms {
		ids[i] = f.ID
	}
	out, err := office.StatsJSON(r.Context(), c.Store, st, ids, c.now())
	if err != nil {
		c.unavailable(w, "stats", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// apiUser is the user of an API request: by their personal token (Bearer)
// or their session; a 401 otherwise.
func (c *Console) apiUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	var u store.User
	var err error
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		u, err = c.Store.APITokenUser(r.Context(), token)
	} else if cookie, cerr := r.Cookie(cookieName); cerr == nil {
		u, err = c.Store.SessionUser(r.Context(), cookie.Value, c.now())
	} else {
		err = cerr
	}
	if err != nil || office.MayUseConsole(u) != nil {
		if !c.failures.Allow() {
			http.Error(w, `{"error":"too many tries"}`, http.StatusTooManyRequests)
			return store.User{}, false
		}
		http.Error(w, `{"error":"a token or a session is needed"}`, http.StatusUnauthorized)
		return store.User{}, false
	}
	return u, true
}

// user is the session's user, or an error page when there is none. The
// user's language is the console's choice (the switch on every page) over
// the chat's.
func (c *Console) user(w http.ResponseWriter, r *http.Request) (store.User, string, bool) {
	lang, chosen := chosenLang(r)
	cookie, err := r.Cookie(cookieName)
	if err == nil {
		u, err := c.Store.SessionUser(r.Context(), cookie.Value, c.now())
		if err == nil && office.MayUseConsole(u) == nil {
			if chosen {
				u.Lang = lang
			}
			return u, cookie.Value, true
		}
	}
	c.message(w, http.StatusUnauthorized, lang, "web.login_needed")
	return store.User{}, "", false
}

// chosenLang is the language picked with the switch, or the default.
func chosenLang(r *http.Request) (string, bool) {
	if cookie, err := r.Cookie(langCookie); err == nil && locales.Supported(cookie.Value) {
		return cookie.Value, true
	}
	return locales.Default, false
}

// setLang answers the language switch: it keeps the choice in a cookie and
// goes back to the page. A GET, since a language is no secret and a link
// needs no script; the way back must be a path of this site.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if !locales.Supported(lang) {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", HttpOnly: true, Secure: c.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// localPath is back when it is a path of this site, "/" otherwise.
// Browsers drop tabs and newlines from an address and read "\" as "/", so
// "/<tab>/evil.example" and "/\evil.example" lead to another host just as
// "//evil.example" does. The address must be plain ASCII, and its path,
// as sent and decoded once more, a plain path.
func localPath(back string) string {
	path, _, _ := strings.Cut(back, "?")
	decoded, err := url.PathUnescape(path)
	if err != nil || !plainPath(path) || !plainPath(decoded) || strings.ContainsFunc(back, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "/"
	}
	return back
}

// plainPath starts with a single "/" and holds no "//", no backslash, no
// space or control character.
func plainPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.Contains(p, "//") &&
		!strings.ContainsFunc(p, func(r rune) bool { return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) })
}

func (c *Console) csrf(session string) string {
	mac := hmac.New(sha256.New, c.csrfKey)
	mac.Write([]byte(session))
	return hex.EncodeToString(mac.Sum(nil))
}

// formFromPage checks that a posted form carries the token only the
// session's own pages had (no other site can make the browser post it);
// otherwise it answers 403.
func (c *Console) formFromPage(w http.ResponseWriter, r *http.Request, u store.User, session string) bool {
	if hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(c.csrf(session))) {
		return true
	}
	c.message(w, http.StatusForbidden, u.Lang, "web.bad_form")
	return false
}

// logout ends the session; the form carries a token only the page had.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	if !c.formFromPage(w, r, u, session) {
		return
	}
	if err := c.Store.EndSession(r.Context(), session); err != nil {
		c.Log.Error("end session", "err", err)
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.Secure})
	c.message(w, http.StatusOK, u.Lang, "web.logged_out")
}

// dashboardPage is what the dashboard shows.
type dashboardPage struct {
	frame
	Admin   bool // links to the admins' pages
	Top     bool // an admin of the whole tree: the link to reorganise areas
	Stats   report.Stats
	Rows    []report.Breakdown
	Sort    string
	Parents []report.Place
	Round   []string // the round's progress, as the digest says it
	// Review is where the villages' reviews and the requests for review
	// stand, as the digest says it.
	Review []string
	// Projection is the figures by the new standard, as the digest says
	// them, "" for none.
	Projection    string
	RowProjection map[string]string // a sub-area's, by its id
	// RowMeeting is each sub-area's village meeting in the open round, in
	// words: a village's state, or how many villages held theirs.
	RowMeeting map[string]string
	// MissingShown are the first villages with nothing sent, by name;
	// MissingMore counts the others (a province has thousands, which the
	// breakdown's rows lead to).
	MissingShown []report.Place
	MissingMore  int
}

// missingShown bounds the villages with nothing sent named on the
// dashboard: a commune's all, a province's first few.
const missingShown = 100

// dashboard shows the figures of an area the user may see: their own, or
// one below it (?area=); any other is 404, as if it did not exist.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) {
	u, session, st, ok := c.statsOf(w, r)
	if !ok {
		return
	}
	page := dashboardPage{frame: c.frame(r, u, session), Admin: slices.Contains(office.Admins, u.Role), Top: c.office().MayReorganise(r.Context(), u) == nil, Stats: st, Rows: st.Breakdown(),
		Sort: r.URL.Query().Get("sort")}
	sortRows(page.Rows, page.Sort)
	page.Parents = c.parents(r.Context(), st.Area.ID, u.AreaID)
	page.Round = report.RoundLines(st, c.Catalog, u.Lang)
	var p *office.Progress // the villages' review in the open round, for its lines and the rows' meetings
	if st.Round != nil {
		if got, err := office.ProgressOfFigures(r.Context(), c.Store, st, c.now()); err == nil {
			p = &got
		} else {
			c.Log.Error("progress", "err", err)
		}
	}
	if review, err := progress.LinesOf(r.Context(), c.Store, st, p, c.now(), c.Catalog, u.Lang); err == nil {
		page.Review = review
	}
	page.MissingShown = st.Missing[:min(len(st.Missing), missingShown)]
	page.MissingMore = len(st.Missing) - len(page.MissingShown)
	page.Projection = report.ProjectionLine(st.Counters, c.Catalog, u.Lang)
	page.RowProjection = map[string]string{}
	for _, b := range page.Rows {
		if b.Projection != nil {
			page.RowProjection[b.ID] = b.Projection.Short(c.Catalog, u.Lang)
		}
	}
	if p != nil {
		ids := make([]string, len(page.Rows))
		for i, b := range page.Rows {
			ids[i] = b.ID
		}
		page.RowMeeting = c.meetingStates(u, *p, ids)
	}
	c.render(w, http.StatusOK, "dashboard.html", page)
}

// statsOf computes the figures of the page's area (?area=, the user's own
// by default) for a logged-in user; an area outside theirs is 404, as if
// it did not exist.
func (c *Console) statsOf(w http.ResponseWriter, r *http.Request) (u store.User, session string, st report.Stats, ok bool) {
	u, session, ok = c.user(w, r)
	if !ok {
		return u, "", st, false
	}
	st, err := c.office().Figures(r.Context(), u, r.URL.Query().Get("area"), c.now())
	if err != nil {
		c.refused(w, r, u, err, "stats", "/")
		return u, "", st, false
	}
	return u, session, st, true
}

// chart draws the poor and near-poor rates of an area's sub-areas.
func (c *Console) chart(w http.ResponseWriter, r *http.Request) {
	u, _, st, ok := c.statsOf(w, r)
	if !ok {
		return
	}
	png, err := report.Chart(st, c.Catalog, u.Lang)
	if err != nil {
		c.Log.Error("chart", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}

// sortRows orders the breakdown by a column; least covered first by default.
func sortRows(rows []report.Breakdown, by string) {
	key := map[string]func(report.Breakdown) float64{
		string(poverty.Poor):     func(b report.Breakdown) float64 { return -b.PoorRate },
		string(poverty.NearPoor): func(b report.Breakdown) float64 { return -b.NearPoorRate },
		"households": func(b report.Breakdown) float64 {
			return -float64(b.Households)
		},
	}[by]
	switch {
	case by == "last":
		// Oldest activity first: the areas gone quiet are the ones to call.
		slices.SortStableFunc(rows, func(a, b report.Breakdown) int { return strings.Compare(a.LastWeek, b.LastWeek) })
	case by == "name":
		slices.SortStableFunc(rows, func(a, b report.Breakdown) int { return strings.Compare(flows.Fold(a.Label), flows.Fold(b.Label)) })
	case key != nil:
		slices.SortStableFunc(rows, func(a, b report.Breakdown) int { return cmp.Compare(key(a), key(b)) })
	}
}

// parents are the areas from the user's own down to area's parent, for
// the way back up.
func (c *Console) parents(ctx context.Context, area, scope string) []report.Place {
	var out []report.Place
	for id := area; id != scope && strings.Contains(id, "/"); {
		id = id[:strings.LastIndex(id, "/")]
		a, label, err := c.Store.AreaLabel(ctx, id)
		if err != nil || !tree.Within(a.ID, scope) {
			break
		}
		out = append([]report.Place{{ID: a.ID, Label: label}}, out...)
	}
	return out
}

// frame is what every page of a logged-in user carries: the language, the
// form token, the page's own address (for the language switch) and the
// translations.
type frame struct {
	Lang, CSRF, Here string
	T                func(key string, args ...any) string
}

func (c *Console) frame(r *http.Request, u store.User, session string) frame {
	return frame{Lang: u.Lang, CSRF: c.csrf(session), Here: r.URL.RequestURI(), T: c.t(u.Lang)}
}

// now is the console's clock in the office's time zone.
func (c *Console) now() time.Time { return c.Now().In(c.Location) }

// when shows a moment as offices write it, in the office's time zone, or
// "" for none.
func (c *Console) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(c.Location).Format("02/01/2006 15:04")
}

// day shows a moment's date in the office's time zone.
func (c *Console) day(t time.Time) string { return t.In(c.Location).Format("02/01/2006") }

// week names an ISO week ("2023-W25") for people: "tuần 25/2023"; "—"
// for none.
func (c *Console) week(lang, iso string) string {
	var year, week int
	if _, err := fmt.Sscanf(iso, "%d-W%d", &year, &week); err != nil {
		return "—"
	}
	return c.Catalog.T(lang, "web.week", "week", week, "year", year)
}

// t translates into one language, for a page's template.
func (c *Console) t(lang string) func(key string, args ...any) string {
	return func(key string, args ...any) string { return c.Catalog.T(lang, key, args...) }
}

type messagePage struct {
	Lang, Text string
	List       []string // lines under the text: the areas a name fits
	Back       string   // the page to go back to, "" for none
	BackText   string
}

func (c *Console) message(w http.ResponseWriter, status int, lang, key string) {
	c.render(w, status, "message.html", messagePage{Lang: lang, Text: c.Catalog.T(lang, key)})
}

func (c *Console) render(w http.ResponseWriter, status int, name string, data any) {
	var buf strings.Builder
	if err := c.pages.ExecuteTemplate(&buf, name, data); err != nil {
		c.Log.Error("render", "page", name, "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// ErrNoPublicURL means there is no address for a login link.
var ErrNoPublicURL = errors.New("console: no public address (SOTHON_PUBLIC_URL) to make a login link with")

// LoginLink makes a one-time link to the console for a user who may use
// it; the office refuses anyone else.
func LoginLink(ctx context.Context, db *store.DB, publicURL, userID string, now time.Time) (string, error) {
	if publicURL == "" {
		return "", ErrNoPublicURL
	}
	_, token, err := (&office.Office{Store: db}).ConsoleLogin(ctx, userID, now, LoginTTL)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(publicURL, "/") + "/login/" + token, nil
}
