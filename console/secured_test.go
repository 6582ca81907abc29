package console_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store/storetest"
)

// The language switch goes back only to a path of this console: whatever
// a link puts in back= that a browser would follow to another host
// (a tab or newline it drops, a backslash it reads as "/", a scheme, an
// encoding of these) goes to "/".
func TestLanguageSwitchNeverLeavesTheSite(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, c := range []struct{ back, want string }{
		{"/%09/evil.example/x", "/"}, // as reported: Location "/\t/evil.example/x"
		{"/%0a/evil.example", "/"},
		{"/%0d%0a/evil.example", "/"},
		{"%2F%09%2Fevil.example", "/"},
		{"/%2509/evil.example", "/"}, // the tab encoded twice
		{"//evil.example", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%252F/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5C%5Cevil.example", "/"},
		{"%5C%5Cevil.example", "/"},
		{"/%255Cevil.example", "/"},
		{"/a/..%2F%5Cevil.example", "/"},
		{"/.//evil.example", "/"},
		{"https://evil.example/", "/"},
		{"https:%2F%2Fevil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"%20//evil.example", "/"},
		{"/%20/evil.example", "/"},
		{"/%E2%80%A8/evil.example", "/"},
		{"/%00", "/"},
		{"evil.example", "/"},
		{"", "/"},
		{"%2Fsubmissions%3Farea%3Dbac-kan%2Fhuyen-tung", "/submissions?area=bac-kan/huyen-tung"},
		{"/users", "/users"},
		{"%2Fsubmissions%3Fform%3Dhousehold%26from%3D2026-01-01", "/submissions?form=household&from=2026-01-01"},
		{"%2Fsubmissions%3Fq%3DNguy%25E1%25BB%2585n", "/submissions?q=Nguy%E1%BB%85n"},
	} {
		// Straight to the transport: a client would refuse some of these
		// Locations before the test could see them.
		req, _ := http.NewRequest("GET", r.srv.URL+"/lang/en?back="+c.back, nil)
		resp, err := r.srv.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != c.want {
			t.Errorf("back=%s: %d to %q, want %q", c.back, resp.StatusCode, resp.Header.Get("Location"), c.want)
		}
	}
}

// Nothing the console answers is kept in a cache: pages, downloads, the
// API, the chart, the login link's page, errors.
func TestNothingIsCached(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("a", "o-ht")
	for _, path := range []string{"/", "/submissions", "/download/csv", "/download/xlsx", "/api/stats", "/chart.png",
		"/lists/pdf", r.link("o-ht"), "/login/0000", "/lang/en?back=/", "/users", "/static/style.css", "/nowhere"} {
		status, _, header := r.get("a", path)
		if header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s (%d): Cache-Control %q", path, status, header.Get("Cache-Control"))
		}
		if hsts := header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("GET %s over plain HTTP, with no https address: HSTS %q", path, hsts)
		}
	}
}

// Over HTTPS, every answer tells the browser to keep to HTTPS: when the
// console itself is reached over TLS, or when its public address is https
// and the proxy in front does not say the request came over plain HTTP.
func TestHTTPSOnlyOverHTTPS(t *testing.T) {
	t.Parallel()
	forms, _ := flows.Default()
	console := func(secure bool) http.Handler {
		return (&console.Console{Store: storetest.Open(t), Forms: forms, Catalog: locales.MustLoad(), Secure: secure}).Handler()
	}
	hsts := func(srv *httptest.Server, client *http.Client, proto string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/login/0000", nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Strict-Transport-Security")
	}
	direct := httptest.NewTLSServer(console(false))
	defer direct.Close()
	if got := hsts(direct, direct.Client(), ""); got != "max-age=31536000" {
		t.Errorf("over TLS: HSTS %q", got)
	}
	behindProxy := httptest.NewServer(console(true))
	defer behindProxy.Close()
	plain := httptest.NewServer(console(false))
	defer plain.Close()
	for _, c := range []struct {
		srv   *httptest.Server
		proto string
		want  string
	}{
		{behindProxy, "https", "max-age=31536000"},
		{behindProxy, "", "max-age=31536000"},
		{behindProxy, "http", ""},
		{plain, "https", ""},
		{plain, "", ""},
	} {
		if got := hsts(c.srv, c.srv.Client(), c.proto); got != c.want {
			t.Errorf("https address %v, X-Forwarded-Proto %q: HSTS %q, want %q", c.srv == behindProxy, c.proto, got, c.want)
		}
	}
}
