package console_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The console's area fields take what the chat takes: an id, or a name
// with or without diacritics. A name that fits no area of the admin's (or
// one outside it) and a name several fit are answered with a page that
// says so, lists the candidates and leads back to the form; nothing is
// made.
func TestConsoleAreaFieldsTakeNames(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	for _, ok := range []struct {
		path string
		form url.Values
	}{
		{"/invites", url.Values{"role": {"official"}, "area": {"huyen tung"}}},
		{"/invites", url.Values{"role": {"head"}, "area": {"Bản Cạu"}}},
		{"/rounds", url.Values{"name": {"Cuối năm"}, "area": {"HUYEN TUNG"}, "from": {"2026-11-01"}, "to": {"2026-12-31"}}},
		{"/users/h1/move", url.Values{"area": {"ban cau"}}},
	} {
		ok.form.Set("csrf", token)
		if status := r.post("a", ok.path, ok.form); status != http.StatusSeeOther {
			t.Errorf("%s %v: %d", ok.path, ok.form, status)
		}
	}
	invites, _ := r.db.Invites(ctx)
	var invited []string
	for _, inv := range invites {
		invited = append(invited, inv.AreaID)
	}
	if slices.Sort(invited); !slices.Equal(invited, []string{"bac-kan/huyen-tung", "bac-kan/huyen-tung/ban-cau"}) {
		t.Errorf("invited to %v", invited)
	}
	if rd, err := r.db.RoundFor(ctx, "bac-kan/huyen-tung"); err != nil || rd == nil {
		t.Errorf("the round: %+v %v", rd, err)
	}
	if u, _ := r.db.UserByID(ctx, "h1"); u.AreaID != "bac-kan/huyen-tung/ban-cau" {
		t.Errorf("the head is in %s", u.AreaID)
	}
	if _, where := r.postFor("a", "/invites/heads", url.Values{"csrf": {token}, "area": {"huyen tung"}}); where != "/invites/cards?area=bac-kan%2Fhuyen-tung" {
		t.Errorf("the heads' invites went to %q", where)
	}

	before, _ := r.db.Invites(ctx)
	for _, refused := range []struct {
		path  string
		form  url.Values
		wants []string
	}{
		{"/invites", url.Values{"role": {"official"}, "area": {"atlantis"}},
			[]string{"Không tìm thấy địa bàn «atlantis» trong phạm vi của anh/chị", `<a href="/invites">← Quay lại</a>`}},
		{"/invites/heads", url.Values{"area": {"nong thuong"}}, // another commune: as if it did not exist
			[]string{"Không tìm thấy địa bàn «nong thuong»", `<a href="/invites">`}},
		{"/users/h1/move", url.Values{"area": {"bac-kan/duc-xuan/to-1"}},
			[]string{"Không tìm thấy địa bàn «bac-kan/duc-xuan/to-1»", `<a href="/users">`}},
		{"/rounds", url.Values{"name": {"Lần hai"}, "area": {"tung"}, "from": {"2026-11-01"}, "to": {"2026-12-31"}},
			[]string{"Có nhiều địa bàn khớp «tung»", "<li>Phường Huyền Tụng — bac-kan/huyen-tung</li>",
				"<li>Tổ Bản Cạu (Huyền Tụng) — bac-kan/huyen-tung/ban-cau</li>", "&lt;script&gt;", `<a href="/rounds">← Quay lại</a>`}},
		{"/users/h1/move", url.Values{"area": {"huyen tung"}}, // a head to a ward
			[]string{"trưởng thôn, tổ trưởng chỉ thuộc một thôn, tổ", `<a href="/users">`}},
	} {
		refused.form.Set("csrf", token)
		status, body := r.postPage("a", refused.path, refused.form)
		if status != http.StatusBadRequest {
			t.Errorf("%s %v: %d, want 400", refused.path, refused.form, status)
		}
		for _, want := range refused.wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s %v: the page lacks %q\n%s", refused.path, refused.form, want, body)
			}
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("a name was not escaped:\n%s", body)
		}
	}
	if after, _ := r.db.Invites(ctx); len(after) != len(before) {
		t.Errorf("refused forms made %d invites", len(after)-len(before))
	}
	if u, _ := r.db.UserByID(ctx, "h1"); u.AreaID != "bac-kan/huyen-tung/ban-cau" {
		t.Errorf("a refused move moved the head to %s", u.AreaID)
	}
}

// postPage sends a form as one browser and returns the status and the page.
func (r *rig) postPage(client, path string, form url.Values) (int, string) {
	r.t.Helper()
	resp, err := r.client(client).PostForm(r.srv.URL+path, form)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp.StatusCode, readAll(resp)
}
