package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

var ctx = context.Background()

type rig struct {
	t    *testing.T
	db   *store.DB
	now  time.Time
	srv  *httptest.Server
	jars map[string]*http.Client
}

// newRig runs the console in UTC; newRigIn in another time zone.
func newRig(t *testing.T) *rig { return newRigIn(t, time.UTC) }

func newRigIn(t *testing.T, loc *time.Location) *rig {
	db := storetest.Open(t)
	areas := tree.Default()
	for i := range areas {
		if areas[i].ID == "bac-kan/huyen-tung/na-pai" {
			areas[i].Name = "<script>alert(1)</script>"
		}
	}
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{{ID: "o-ht", Name: "Cán bộ HT", Role: store.RoleOfficial, AreaID: "bac-kan/huyen-tung", Lang: "vi"},
		{ID: "h1", Name: "Trưởng thôn", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}} {
		if _, err := db.Apply(ctx, store.Change{At: time.Now(), User: &u}); err != nil {
			t.Fatal(err)
		}
	}
	forms, _ := flows.Default()
	r := &rig{t: t, db: db, now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), jars: map[string]*http.Client{}}
	c := &console.Console{Store: db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return r.now }, Location: loc, Uploads: t.TempDir(),
		InviteLink: func(_ context.Context, code string) string { return "https://t.me/sothon_bot?start=" + code }}
	r.srv = httptest.NewServer(c.Handler())
	t.Cleanup(r.srv.Close)
	return r
}

// client is a browser of its own, with its cookies, not following redirects.
func (r *rig) client(name string) *http.Client {
	if c, ok := r.jars[name]; ok {
		return c
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r.jars[name] = c
	return c
}

func (r *rig) get(who, path string) (int, string, http.Header) {
	r.t.Helper()
	resp, err := r.client(who).Get(r.srv.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (r *rig) link(user string) string {
	r.t.Helper()
	link, err := console.LoginLink(ctx, r.db, r.srv.URL, user, r.now)
	if err != nil {
		r.t.Fatal(err)
	}
	return strings.TrimPrefix(link, r.srv.URL)
}

// login logs a browser in as a user as a person does: the link's page,
// then its button.
func (r *rig) login(who, user string) {
	r.t.Helper()
	link := r.link(user)
	if status, body, _ := r.get(who, link); status != http.StatusOK || !strings.Contains(body, `<form method="post" action="`+link+`">`) {
		r.t.Fatalf("the page of a login link: %d\n%s", status, body)
	}
	if status := r.post(who, link, nil); status != http.StatusSeeOther {
		r.t.Fatalf("the login button: %d", status)
	}
}

// The dashboard shows the user's area and those below it, names as text;
// an area the office refuses (its rule is tested in package office) is
// 404, as if it did not exist.
func TestDashboardIsScoped(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("a", "o-ht")
	status, body, header := r.get("a", "/")
	if status != 200 || !strings.Contains(body, "Phường Huyền Tụng") || !strings.Contains(body, "Tổ Khuổi Pài (Huyền Tụng)") {
		t.Fatalf("dashboard: %d\n%s", status, body)
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("a name was not escaped:\n%s", body)
	}
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	for path, want := range map[string]int{"/?area=bac-kan/huyen-tung/khuoi-pai": 200, "/?area=bac-kan/duc-xuan": 404,
		"/?area=bac-kan/huyen-tung&sort=poor": 200} {
		if status, _, _ := r.get("a", path); status != want {
			t.Errorf("%s: %d, want %d", path, status, want)
		}
	}
}

// Logging out takes the page's form token; without it nothing happens.
func TestLogoutNeedsTheFormToken(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("a", "o-ht")
	post := func(form url.Values) int {
		resp, err := r.client("a").PostForm(r.srv.URL+"/logout", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := post(url.Values{"csrf": {"forged"}}); status != http.StatusForbidden {
		t.Fatalf("logout with a forged token: %d", status)
	}
	_, body, _ := r.get("a", "/")
	token := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if token == nil || post(url.Values{"csrf": {token[1]}}) != 200 {
		t.Fatalf("logout with the page's token failed")
	}
	if status, _, _ := r.get("a", "/"); status != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", status)
	}
}

// A personal token reads the figures as JSON, within the user's area;
// guessing tokens runs into "too many tries".
func TestAPIStatsWithAToken(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("a", "o-ht")
	_, body, _ := r.get("a", "/")
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body)[1]
	resp, err := r.client("a").PostForm(r.srv.URL+"/tokens", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`[0-9a-f]{64}`).FindString(string(page))
	if token == "" {
		t.Fatalf("no token shown:\n%s", page)
	}
	api := func(tok, area string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/api/stats?area="+area, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, out := api(token, "bac-kan/huyen-tung")
	if register, ok := out["register"].(map[string]any); status != 200 || !ok || register["households"] != 1500.0 {
		t.Fatalf("api: %d %v", status, out)
	}
	if status, _ := api(token, "bac-kan/duc-xuan"); status != 404 {
		t.Fatalf("another ward: %d", status)
	}
	last := 0
	for range 40 {
		last, _ = api("0000", "bac-kan/huyen-tung")
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("40 wrong tokens: the last got %d", last)
	}
}

// Submissions: listed and opened within the user's area only, answers with
// their labels, the filtered list downloaded as CSV or XLSX.
func TestSubmissionsPages(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	add := func(area, name string, at time.Time) uint64 {
		s := &store.Submission{Form: "household", AreaID: area, HouseholdName: name, SubmittedAt: at,
			Answers: map[string]string{"water": "no", "class": "poor", "needs": "loan;housing"}, Class: "poor"}
		applied, err := r.db.Apply(ctx, store.Change{At: at, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		return applied.SubmissionID
	}
	mine := add("bac-kan/huyen-tung/khuoi-pai", "Nông Văn Tý", r.now)
	add("bac-kan/huyen-tung/khuoi-pai", "Hà Văn Cũ", r.now.AddDate(0, -2, 0))
	theirs := add("bac-kan/duc-xuan/to-1", "Người Đức Xuân", r.now)
	r.login("a", "o-ht")
	status, body, _ := r.get("a", "/submissions?from="+r.now.AddDate(0, -1, 0).Format(time.DateOnly))
	if status != 200 || !strings.Contains(body, "Nông Văn Tý") || strings.Contains(body, "Hà Văn Cũ") || strings.Contains(body, "Người Đức Xuân") {
		t.Fatalf("the list: %d\n%s", status, body)
	}
	if !strings.Contains(body, "<th>Trạng thái</th>") || !strings.Contains(body, "<td>Chờ duyệt</td>") {
		t.Fatalf("the list has no review states:\n%s", body)
	}
	if _, _, err := r.db.Decide(ctx, store.Decision{Submission: mine, Reason: "Thu nhập chưa hợp lý", By: "o-ht", At: r.now}, nil); err != nil {
		t.Fatal(err)
	}
	status, body, _ = r.get("a", fmt.Sprint("/submissions/", mine))
	if status != 200 || !strings.Contains(body, "Không có nước sạch") || !strings.Contains(body, "Vay vốn ưu đãi; Hỗ trợ nhà ở") ||
		!strings.Contains(body, "Trả lại — 27/11/2026 09:00: Thu nhập chưa hợp lý") {
		t.Fatalf("a submission: %d\n%s", status, body)
	}
	for _, path := range []string{fmt.Sprint("/submissions/", theirs), "/submissions?area=bac-kan/duc-xuan", "/download/csv?area=bac-kan", "/download/pdf"} {
		if status, _, _ := r.get("a", path); status != 404 {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
	if status, body, _ := r.get("a", "/download/csv"); status != 200 || !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "Hà Văn Cũ") || strings.Contains(body, "Người Đức Xuân") {
		t.Fatalf("the CSV: %d\n%s", status, body)
	}
	if status, body, _ := r.get("a", "/download/xlsx"); status != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("the XLSX: %d", status)
	}
}

// Each sub-area's row says the week of its last questionnaire; sorted by
// it, the areas gone quiet come first.
func TestDashboardLastActivity(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Nông Văn Tý", SubmittedAt: r.now,
		Answers: map[string]string{"class": "poor"}, Class: "poor"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	r.login("a", "o-ht")
	_, body, _ := r.get("a", "/?area=bac-kan/huyen-tung&sort=last")
	row := body[strings.Index(body, "Khuổi Pài"):]
	if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "tuần 48/2026") {
		t.Fatalf("Khuổi Pài's row: %s", row)
	}
	if quiet, active := strings.Index(body, "Bản Cạu"), strings.Index(body, "Khuổi Pài"); quiet < 0 || quiet > active {
		t.Errorf("sorted by last activity, a quiet village comes after an active one:\n%s", body)
	}
}

// The villages with nothing sent are counted on the dashboard, and the
// first hundred named: a province's thousands are reached by its rows.
func TestDashboardNamesTheFirstVillagesWithNothing(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	var file strings.Builder
	file.WriteString("id: xa\nname: \"Xã mẫu\"\nkind: commune\nchildren:\n")
	for v := 1; v <= 105; v++ {
		fmt.Fprintf(&file, "  - {id: t%d, name: \"Thôn %03d\", kind: village, households_total: 10}\n", v, v)
	}
	areas, err := tree.Parse([]byte(file.String()))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	u := store.User{ID: "o", Name: "Cán bộ xã", Role: store.RoleOfficial, AreaID: "xa", Lang: "vi"}
	if _, err := db.Apply(ctx, store.Change{At: time.Now(), User: &u}); err != nil {
		t.Fatal(err)
	}
	session, err := db.CreateSession(ctx, "o", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	h := (&console.Console{Store: db, Forms: forms, Catalog: locales.MustLoad()}).Handler()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "sothon_session", Value: session})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	missing := body[strings.Index(body, "Thôn, tổ chưa có phiếu: 105"):]
	if rec.Code != 200 || !strings.Contains(missing, "<li>Thôn 100 (mẫu)</li>") || strings.Contains(missing, "<li>Thôn 101") ||
		!strings.Contains(missing, "… và 5 thôn, tổ khác") {
		t.Fatalf("dashboard: %d\n%s", rec.Code, body)
	}
}

// Without a session (or a token) every route but the login link and the
// style sheet answers 401 and shows nothing of the data.
func TestEveryRouteNeedsASession(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, route := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/?area=bac-kan"}, {"GET", "/chart.png"}, {"GET", "/api/stats"},
		{"GET", "/submissions"}, {"GET", "/submissions/1"}, {"GET", "/download/csv"}, {"GET", "/download/xlsx"}, {"GET", "/users"}, {"GET", "/audit"}, {"GET", "/users/h1/revoke"}, {"POST", "/users/h1/revoke"}, {"POST", "/users/h1/move"},
		{"GET", "/invites"}, {"POST", "/invites"}, {"POST", "/invites/heads"}, {"GET", "/invites/cards?area=bac-kan"},
		{"GET", "/register"}, {"POST", "/register"}, {"POST", "/register/0123"},
		{"GET", "/lists/pdf"}, {"GET", "/lists/xlsx?area=bac-kan"},
		{"GET", "/rounds"}, {"POST", "/rounds"}, {"GET", "/rounds/1/close"}, {"POST", "/rounds/1/close"}, {"GET", "/targets"}, {"POST", "/targets"},
		{"POST", "/tokens"}, {"POST", "/logout"},
	} {
		req, err := http.NewRequest(route.method, r.srv.URL+route.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := r.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "Khuổi Pài") {
			t.Errorf("%s %s without a session: %d\n%s", route.method, route.path, resp.StatusCode, body)
		}
	}
}

// Every admin page is 404 to an official, as if it did not exist.
func TestAdminPagesAreNotFoundForOfficials(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("o", "o-ht")
	_, body, _ := r.get("o", "/")
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body)[1]
	for _, path := range []string{"/users", "/audit", "/users/h1/revoke", "/invites", "/invites/cards?area=bac-kan/huyen-tung", "/register", "/rounds", "/targets"} {
		if status, _, _ := r.get("o", path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	for _, path := range []string{"/users/h1/revoke", "/users/h1/move", "/invites", "/invites/heads", "/register", "/rounds", "/rounds/1/close", "/targets"} {
		if status := r.post("o", path, url.Values{"csrf": {csrf}, "area": {"bac-kan/huyen-tung"}}); status != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, status)
		}
	}
}

// The dashboard's chart is an image of the user's area, and of no other.
func TestChartIsScoped(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("a", "o-ht")
	if status, body, _ := r.get("a", "/chart.png"); status != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("chart: %d", status)
	}
	if status, _, _ := r.get("a", "/chart.png?area=bac-kan/duc-xuan"); status != 404 {
		t.Fatalf("another ward's chart: %d", status)
	}
}

// An admin sees the people of their own area and below, with their
// channels and who can no longer be reached; an official gets 404.
func TestUsersPage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, c := range []store.Change{
		{User: &store.User{ID: "a-ht", Name: "Quản trị HT", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}},
		{User: &store.User{ID: "h2", Name: "Tổ trưởng Bản Cạu", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/ban-cau", Lang: "vi", Unreachable: true,
			LastMessage: time.Date(2026, 11, 26, 17, 5, 0, 0, time.UTC)},
			Identity: &store.Identity{Channel: "zalo", ChatID: "z-42", UserID: "h2"}},
		{User: &store.User{ID: "o-dx", Name: "Cán bộ Đức Xuân", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan", Lang: "vi"}},
	} {
		c.At = r.now
		if _, err := r.db.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	r.login("o", "o-ht")
	if status, _, _ := r.get("o", "/users"); status != http.StatusNotFound {
		t.Fatalf("an official opened the users page: %d", status)
	}
	r.login("a", "a-ht")
	if _, body, _ := r.get("a", "/"); !strings.Contains(body, `href="/users"`) {
		t.Fatal("the admin's dashboard has no link to the users")
	}
	status, body, _ := r.get("a", "/users")
	if status != 200 {
		t.Fatalf("users page: %d", status)
	}
	row := body[strings.Index(body, "Tổ trưởng Bản Cạu"):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"trưởng thôn / tổ trưởng", "Bản Cạu", "zalo", "không nhận được tin", "26/11/2026 17:05"} {
		if !strings.Contains(row, want) {
			t.Errorf("the head's row lacks %q: %s", want, row)
		}
	}
	if !strings.Contains(body, "Trưởng thôn") || !strings.Contains(body, "Cán bộ HT") || strings.Contains(body, "Đức Xuân") {
		t.Errorf("the users of Huyền Tụng, and only they:\n%s", body)
	}
}

// The audit log shows a ward's admin what the ward's people did, and not
// the system's entries or another ward's; an official gets 404.
func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, c := range []store.Change{
		{User: &store.User{ID: "a-ht", Name: "Quản trị HT", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}},
		{User: &store.User{ID: "o-dx", Name: "Cán bộ Đức Xuân", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan", Lang: "vi"},
			Audit: []store.AuditEntry{{Actor: "o-dx", Action: "export", Detail: "bac-kan/duc-xuan"}}},
		{Audit: []store.AuditEntry{{Actor: "h1", Action: "submit", Detail: "household"}, {Actor: "system", Action: "reminder", Detail: "h1"}}},
	} {
		c.At = r.now
		for i := range c.Audit {
			c.Audit[i].At = r.now
		}
		if _, err := r.db.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	r.login("o", "o-ht")
	if status, _, _ := r.get("o", "/audit"); status != http.StatusNotFound {
		t.Fatalf("an official opened the audit log: %d", status)
	}
	r.login("a", "a-ht")
	status, body, _ := r.get("a", "/audit")
	if status != 200 || !strings.Contains(body, "<td>Trưởng thôn</td><td>gửi phiếu</td>") {
		t.Fatalf("the ward's entries: %d\n%s", status, body)
	}
	if strings.Contains(body, "reminder") || strings.Contains(body, "export") {
		t.Errorf("the system's or another ward's entries shown to a ward's admin:\n%s", body)
	}
}

// An admin revokes a user of their area with the page's form token: the
// user's session ends at once and the users page says so. Forged forms and
// officials are refused; whom an admin may revoke is the office's rule
// (tested in package office), and a refusal shows as a page not found.
func TestAdminRevokesAUser(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, u := range []store.User{{ID: "a-ht", Name: "Quản trị HT", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"},
		{ID: "o-dx", Name: "Cán bộ Đức Xuân", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan", Lang: "vi"}} {
		if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &u}); err != nil {
			t.Fatal(err)
		}
	}
	r.login("o", "o-ht")
	r.login("a", "a-ht")
	_, body, _ := r.get("a", "/users")
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatalf("no form on the users page:\n%s", body)
	}
	post := func(client, who, token string) int {
		return r.post(client, "/users/"+who+"/revoke", url.Values{"csrf": {token}})
	}
	for _, refused := range []struct {
		client, who, token string
		want               int
	}{
		{"a", "o-ht", "forged", http.StatusForbidden},
		{"a", "o-dx", csrf[1], http.StatusNotFound},
		{"o", "h1", csrf[1], http.StatusNotFound},
	} {
		if status := post(refused.client, refused.who, refused.token); status != refused.want {
			t.Errorf("%s revoking %s: %d, want %d", refused.client, refused.who, status, refused.want)
		}
	}
	if status, _, _ := r.get("o", "/"); status != 200 {
		t.Fatalf("the official was logged out by a refused revoke: %d", status)
	}
	// The users page links to a page that asks once more.
	if !strings.Contains(body, `href="/users/o-ht/revoke"`) {
		t.Fatalf("no revoke link on the users page:\n%s", body)
	}
	if status, page, _ := r.get("a", "/users/o-ht/revoke"); status != 200 || !strings.Contains(page, "Thu hồi quyền của Cán bộ HT?") ||
		!strings.Contains(page, `action="/users/o-ht/revoke"`) {
		t.Fatalf("the confirmation: %d\n%s", status, page)
	}
	if status, _, _ := r.get("a", "/users/o-dx/revoke"); status != http.StatusNotFound {
		t.Fatalf("the confirmation for another ward's user: %d", status)
	}
	if status := post("a", "o-ht", csrf[1]); status != http.StatusSeeOther {
		t.Fatalf("revoke: %d, want a redirect to the users", status)
	}
	if status, _, _ := r.get("o", "/"); status != http.StatusUnauthorized {
		t.Fatalf("the revoked official's session: %d", status)
	}
	_, body, _ = r.get("a", "/users")
	row := body[strings.Index(body, "Cán bộ HT"):]
	if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "đã thu hồi quyền") || strings.Contains(row, "<form") {
		t.Errorf("the revoked official's row: %s", row)
	}
}

// An admin moves a head to another village of the ward. A forged form, an
// area the form cannot find and the office's refusals (its rules are
// tested in package office) move no one. The audit log tells.
func TestAdminMovesAUser(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	_, body, _ := r.get("a", "/users")
	if !strings.Contains(body, `<option value="bac-kan/huyen-tung/ban-cau">`) || strings.Contains(body, `<option value="bac-kan/duc-xuan`) {
		t.Fatalf("the users page offers no move, or areas outside the ward:\n%s", body)
	}
	move := func(who, area, token string) int {
		return r.post("a", "/users/"+who+"/move", url.Values{"csrf": {token}, "area": {area}})
	}
	for _, refused := range []struct {
		who, area, token string
		want             int
	}{
		{"h1", "bac-kan/huyen-tung/ban-cau", "forged", http.StatusForbidden},
		{"h1", "nowhere", token, http.StatusBadRequest},
	} {
		if status := move(refused.who, refused.area, refused.token); status != refused.want {
			t.Errorf("moving %s to %s: %d, want %d", refused.who, refused.area, status, refused.want)
		}
	}
	if u, _ := r.db.UserByID(ctx, "h1"); u.AreaID != "bac-kan/huyen-tung/khuoi-pai" {
		t.Fatalf("a refused move moved the head to %s", u.AreaID)
	}
	if status := move("h1", "bac-kan/huyen-tung/ban-cau", token); status != http.StatusSeeOther {
		t.Fatalf("move: %d", status)
	}
	if u, _ := r.db.UserByID(ctx, "h1"); u.AreaID != "bac-kan/huyen-tung/ban-cau" {
		t.Fatalf("the head is in %s", u.AreaID)
	}
	if _, body, _ := r.get("a", "/audit"); !strings.Contains(body, "h1: bac-kan/huyen-tung/khuoi-pai → bac-kan/huyen-tung/ban-cau") {
		t.Errorf("the move is not in the audit log:\n%s", body)
	}
}

// adminHT adds the admin of the ward Huyền Tụng, logs them in as the
// browser "a" and returns the form token of their pages.
func (r *rig) adminHT() string {
	r.t.Helper()
	r.adminNamed("a", "a-ht")
	return r.csrfOf("a")
}

// adminNamed adds an admin of the ward Huyền Tụng and logs them in.
func (r *rig) adminNamed(client, id string) {
	r.t.Helper()
	admin := store.User{ID: id, Name: "Quản trị " + id, Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &admin}); err != nil {
		r.t.Fatal(err)
	}
	r.login(client, id)
}

// csrfOf is the form token of a browser's pages.
func (r *rig) csrfOf(client string) string {
	r.t.Helper()
	_, body, _ := r.get(client, "/users")
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		r.t.Fatalf("no form on the users page:\n%s", body)
	}
	return csrf[1]
}

// post sends a form as one browser and returns the status, not following
// redirects.
func (r *rig) post(client, path string, form url.Values) int {
	status, _ := r.postFor(client, path, form)
	return status
}

// postFor is post that also returns where a redirect goes.
func (r *rig) postFor(client, path string, form url.Values) (int, string) {
	r.t.Helper()
	resp, err := r.client(client).PostForm(r.srv.URL+path, form)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func itoa(n uint64) string { return fmt.Sprint(n) }

// The switch on every page shows the console in English and back, going
// back to the page it was pressed on; it never leads off the site.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("o", "o-ht")
	_, body, _ := r.get("o", "/submissions?area=bac-kan/huyen-tung")
	if !strings.Contains(body, `href="/lang/en?back=%2fsubmissions%3farea%3dbac-kan%2fhuyen-tung"`) {
		t.Fatalf("no switch to English on the page:\n%s", body)
	}
	status, _, header := r.get("o", "/lang/en?back=%2fsubmissions%3farea%3dbac-kan%2fhuyen-tung")
	if status != http.StatusSeeOther || header.Get("Location") != "/submissions?area=bac-kan/huyen-tung" {
		t.Fatalf("switch: %d to %q", status, header.Get("Location"))
	}
	if _, body, _ := r.get("o", "/"); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Log out") || !strings.Contains(body, ">Tiếng Việt</a>") {
		t.Fatalf("the dashboard after the switch:\n%s", body)
	}
	for _, back := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		if _, _, header := r.get("o", "/lang/vi?back="+url.QueryEscape(back)); header.Get("Location") != "/" {
			t.Errorf("back to %q went to %q", back, header.Get("Location"))
		}
	}
	if _, body, _ := r.get("o", "/"); !strings.Contains(body, "Đăng xuất") {
		t.Fatal("the switch back to Vietnamese did not hold")
	}
	if status, _, _ := r.get("o", "/lang/fr"); status != http.StatusNotFound {
		t.Fatalf("an unknown language: %d", status)
	}
}
