package console

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
)

// A check that cannot start at once (another holds the turn) is answered
// at once with a page that follows it: it reloads itself, says what waits,
// offers to cancel, and becomes the report when the check is done. A
// saving is followed the same way, without a cancel.
func TestLongWorkIsFollowed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t)
	admin := store.User{ID: "a-ht", Name: "Quản trị", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}
	if _, err := db.Apply(ctx, store.Change{At: time.Now(), User: &admin}); err != nil {
		t.Fatal(err)
	}
	session, err := db.CreateSession(ctx, admin.ID, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := &Console{Store: db, Catalog: locales.MustLoad(), Uploads: t.TempDir()}
	srv := httptest.NewServer(c.Handler())
	defer srv.Close()
	send := func(method, path, contentType string, body io.Reader) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Content-Type", contentType)
		req.AddCookie(&http.Cookie{Name: cookieName, Value: session})
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(page), resp.Header.Get("Location")
	}
	upload := func() (int, string, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", c.csrf(session))
		part, _ := mw.CreateFormFile("file", "so-ho.csv")
		io.WriteString(part, "area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/ban-cau,BC-01,Hoàng Văn Thắng,4,nghèo\n")
		mw.Close()
		return send(http.MethodPost, "/register", mw.FormDataContentType(), &body)
	}
	follows := func(page string) bool { return strings.Contains(page, `<meta http-equiv="refresh" content="3">`) }

	c.uploads.turn <- struct{}{} // another upload's check
	status, _, next := upload()
	if status != http.StatusSeeOther || !strings.HasPrefix(next, "/register/") {
		t.Fatalf("an upload while another is checked: %d → %q", status, next)
	}
	status, page, _ := send(http.MethodGet, next, "", nil)
	if status != 200 || !follows(page) || !strings.Contains(page, "đang chờ đến lượt kiểm tra") || !strings.Contains(page, `action="`+next+`/cancel"`) {
		t.Fatalf("the page following a waiting check: %d\n%s", status, page)
	}
	<-c.uploads.turn
	for follows(page) {
		status, page, _ = send(http.MethodGet, next, "", nil)
	}
	if status != 200 || !strings.Contains(page, "1 dòng hợp lệ, 0 dòng lỗi") || !strings.Contains(page, `action="`+next+`"`) {
		t.Fatalf("the page once checked: %d\n%s", status, page)
	}

	c.uploads.turn <- struct{}{}
	form := "csrf=" + c.csrf(session)
	if status, _, to := send(http.MethodPost, next, "application/x-www-form-urlencoded", strings.NewReader(form)); status != http.StatusSeeOther || to != next {
		t.Fatalf("a save while another runs: %d → %q", status, to)
	}
	status, page, _ = send(http.MethodGet, next, "", nil)
	if !follows(page) || strings.Contains(page, "/cancel") {
		t.Fatalf("the page following a saving: %d\n%s", status, page)
	}
	<-c.uploads.turn
	for follows(page) {
		status, page, _ = send(http.MethodGet, next, "", nil)
	}
	if status != 200 || !strings.Contains(page, "Đã lưu 1 hộ từ tệp so-ho.csv") {
		t.Fatalf("the page once saved: %d\n%s", status, page)
	}

	// Cancelled while it waits: nothing is checked, nothing kept.
	c.uploads.turn <- struct{}{}
	_, _, next = upload()
	if status, _, _ := send(http.MethodPost, next+"/cancel", "application/x-www-form-urlencoded", strings.NewReader(form)); status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", status)
	}
	<-c.uploads.turn
	left, _ := os.ReadDir(c.Uploads)
	if status, _, _ := send(http.MethodGet, next, "", nil); status != http.StatusNotFound || len(left) != 0 {
		t.Fatalf("a cancelled upload: %d, %d files left", status, len(left))
	}
}
