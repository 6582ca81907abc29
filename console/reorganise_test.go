package console_test

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"sothon/store"
	"sothon/tree"
)

// An admin of the whole city pastes the city's plan, sees what it does
// (nothing changes yet), and applies it after that page: the database is
// backed up beside itself, the areas and the people follow, the audit log
// says so. A ward's admin has no such page; a plan that does not fit, or
// a forged form, changes nothing.
func TestAdminReorganisesAreas(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.adminHT()
	if status, _, _ := r.get("a", "/areas/reorganise"); status != http.StatusNotFound {
		t.Fatalf("a ward's admin: %d", status)
	}
	if _, page, _ := r.get("a", "/"); strings.Contains(page, `href="/areas/reorganise"`) {
		t.Errorf("a ward's admin is shown the link:\n%s", page)
	}
	city := store.User{ID: "a-city", Name: "Quản trị thành phố", Role: store.RoleAdmin, AreaID: "bac-kan", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &city}); err != nil {
		t.Fatal(err)
	}
	r.login("c", "a-city")
	token := r.csrfOf("c")
	if status, page, _ := r.get("c", "/areas/reorganise"); status != http.StatusOK || !strings.Contains(page, `<textarea name="plan"`) {
		t.Fatalf("the form: %d\n%s", status, page)
	}
	if _, page, _ := r.get("c", "/"); !strings.Contains(page, `href="/areas/reorganise"`) {
		t.Errorf("the dashboard lacks the link:\n%s", page)
	}
	_, plan, err := tree.BuiltinPlan("bac-kan-2025")
	if err != nil {
		t.Fatal(err)
	}
	if status := r.post("c", "/areas/reorganise", url.Values{"csrf": {"forged"}, "plan": {string(plan)}, "apply": {"yes"}}); status != http.StatusForbidden {
		t.Fatalf("a forged form: %d", status)
	}
	bad := strings.Replace(string(plan), "bac-kan/duong-quang]", "]", 1)
	status, page := postPage(r, "c", "/areas/reorganise", url.Values{"csrf": {token}, "plan": {bad}, "apply": {"yes"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "Kế hoạch chưa dùng được") || !strings.Contains(page, "no unit takes in bac-kan/duong-quang/na-chuong") || strings.Contains(page, "tree: ") {
		t.Fatalf("a plan that leaves a commune out: %d\n%s", status, page)
	}
	status, page = postPage(r, "c", "/areas/reorganise", url.Values{"csrf": {token}, "plan": {string(plan)}})
	if status != http.StatusOK || !strings.Contains(page, "Phường Đức Xuân") || !strings.Contains(page, "bac-kan/nguyen-thi-minh-khai") ||
		!strings.Contains(page, `name="apply" value="yes"`) || !strings.Contains(page, "Từ ngày 01/07/2025") {
		t.Fatalf("the preview: %d\n%s", status, page)
	}
	if _, err := r.db.Area(ctx, "thai-nguyen"); err == nil {
		t.Fatal("the preview changed the areas")
	}
	status, page = postPage(r, "c", "/areas/reorganise", url.Values{"csrf": {token}, "plan": {string(plan)}, "apply": {"yes"}})
	if status != http.StatusOK || !strings.Contains(page, "Đã sắp xếp lại địa bàn") {
		t.Fatalf("apply: %d\n%s", status, page)
	}
	if backups, _ := filepath.Glob(r.db.Path() + ".before-reorganise-*"); len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	users, _ := r.db.Users(ctx)
	for _, u := range users {
		if u.ID == "o-ht" && u.AreaID != "thai-nguyen/duc-xuan" || u.ID == "a-city" && u.AreaID != "thai-nguyen" {
			t.Errorf("%s is in %s", u.ID, u.AreaID)
		}
	}
	if _, body, _ := r.get("c", "/audit"); !strings.Contains(body, "<td>sắp xếp lại địa bàn (sáp nhập, đổi tên)</td>") {
		t.Errorf("the audit log lacks the change:\n%s", body)
	}
}

// postPage sends a form and returns the status and the page it answers with.
func postPage(r *rig, client, path string, form url.Values) (int, string) {
	r.t.Helper()
	resp, err := r.client(client).PostForm(r.srv.URL+path, form)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
