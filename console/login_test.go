package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// press posts a login link's button as a browser, with extra headers (as
// a browser adds them), and returns the status and the cookie set.
func (r *rig) press(who, link string, headers map[string]string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest("POST", r.srv.URL+link, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := r.client(who).Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Set-Cookie")
}

// A login link opens a page with a button, and opening it spends nothing:
// chat previews and mail scanners open it first. The button spends it,
// once, within ten minutes, and gives a cookie scripts cannot read.
func TestLoginLinkSurvivesPreviews(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	link := r.link("o-ht")
	for _, who := range []string{"preview", "scanner", "preview", "a"} {
		status, body, header := r.get(who, link)
		if status != http.StatusOK || !strings.Contains(body, `<button class="big">Đăng nhập</button>`) || header.Get("Set-Cookie") != "" {
			t.Fatalf("the link's page for %s: %d, cookie %q\n%s", who, status, header.Get("Set-Cookie"), body)
		}
	}
	if status, _, _ := r.get("preview", "/"); status != http.StatusUnauthorized {
		t.Fatalf("a preview got a session: %d", status)
	}
	status, cookie := r.press("a", link, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if status != http.StatusSeeOther || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Fatalf("the button: %d, cookie %q", status, cookie)
	}
	if status, body, _ := r.get("a", "/"); status != http.StatusOK || !strings.Contains(body, "Phường Huyền Tụng") {
		t.Fatalf("the console after the button: %d", status)
	}
	if status, body, _ := r.get("b", link); status != http.StatusForbidden || !strings.Contains(body, "đã dùng hoặc đã hết hạn") {
		t.Fatalf("the page of a link used: %d\n%s", status, body)
	}
	if status, _ := r.press("b", link, nil); status != http.StatusForbidden {
		t.Fatalf("a link used, pressed again: %d", status)
	}
	late := r.link("o-ht")
	r.now = r.now.Add(11 * time.Minute)
	if status, _, _ := r.get("c", late); status != http.StatusForbidden {
		t.Fatalf("a link's page after 11 minutes: %d", status)
	}
	if status, _ := r.press("c", late, nil); status != http.StatusForbidden {
		t.Fatalf("a link pressed after 11 minutes: %d", status)
	}
	if status, _, _ := r.get("nobody", "/"); status != http.StatusUnauthorized {
		t.Fatalf("no session: %d", status)
	}
}

// The link's page speaks the language chosen with the switch.
func TestLoginPageInTheViewersLanguage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.get("a", "/lang/en?back=/")
	if _, body, _ := r.get("a", r.link("o-ht")); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, ">Log in</button>") {
		t.Fatalf("the link's page after choosing English:\n%s", body)
	}
}

// A login posted from another site is refused and spends nothing: a page
// elsewhere cannot log its visitor into its author's account.
func TestLoginFromAnotherSiteIsRefused(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	link := r.link("o-ht")
	_, _, header := r.get("a", link)
	if policy := header.Get("Referrer-Policy"); policy != "same-origin" {
		t.Errorf("the link's page sends Referrer-Policy %q: old browsers would post Origin: null", policy)
	}
	for _, headers := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site", "Origin": r.srv.URL},
	} {
		if status, cookie := r.press("victim", link, headers); status != http.StatusForbidden || cookie != "" {
			t.Errorf("a login posted with %v: %d, cookie %q", headers, status, cookie)
		}
	}
	if status, _ := r.press("a", link, map[string]string{"Origin": r.srv.URL}); status != http.StatusSeeOther {
		t.Fatalf("the link after the refused posts, from its own page: %d", status)
	}
}
