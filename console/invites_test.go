package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sothon/store"
	"sothon/tree"
)

// An admin invites one person within the ward and gets a card with the
// code, the Telegram link and its QR code. A forged form, an area the form
// cannot find among the admin's, and the office's refusals (its rules are
// tested in package office) make nothing and say why.
func TestAdminInvitesOnePerson(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	status, body, _ := r.get("a", "/invites")
	if status != 200 || !strings.Contains(body, `<option value="bac-kan/huyen-tung/ban-cau">`) || strings.Contains(body, "bac-kan/duc-xuan") {
		t.Fatalf("the invites page: %d\n%s", status, body)
	}
	for _, refused := range []struct {
		form url.Values
		want int
		says string
	}{
		{url.Values{"csrf": {"forged"}, "role": {"head"}, "area": {"bac-kan/huyen-tung/ban-cau"}}, http.StatusForbidden, ""},
		{url.Values{"csrf": {token}, "role": {"head"}, "area": {"bac-kan/huyen-tung"}}, http.StatusBadRequest, "trưởng thôn phải gắn với một thôn"},
		{url.Values{"csrf": {token}, "role": {"official"}, "area": {"bac-kan/duc-xuan"}}, http.StatusBadRequest, "Không tìm thấy địa bàn «bac-kan/duc-xuan» trong phạm vi của anh/chị"},
	} {
		resp, err := r.client("a").PostForm(r.srv.URL+"/invites", refused.form)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(resp)
		if resp.StatusCode != refused.want || !strings.Contains(page, refused.says) {
			t.Errorf("%v: %d, want %d saying %q\n%s", refused.form, resp.StatusCode, refused.want, refused.says, page)
		}
	}
	if invites, _ := r.db.Invites(ctx); len(invites) != 0 {
		t.Fatalf("refused requests made %d invites", len(invites))
	}
	status, where := r.postFor("a", "/invites", url.Values{"csrf": {token}, "role": {"head"}, "area": {"bac-kan/huyen-tung/ban-cau"}, "name": {"  Hoàng   Văn Thắng "}})
	invites, _ := r.db.Invites(ctx)
	if status != http.StatusSeeOther || len(invites) != 1 || where != "/invites/cards?code="+invites[0].Code {
		t.Fatalf("invite: %d to %q, %+v", status, where, invites)
	}
	inv := invites[0]
	if inv.Name != "Hoàng Văn Thắng" || inv.CreatedBy != "a-ht" || inv.Role != store.RoleHead {
		t.Errorf("the invite: %+v", inv)
	}
	status, card, _ := r.get("a", where)
	for _, want := range []string{inv.Code, "Hoàng Văn Thắng", "Tổ Bản Cạu (Huyền Tụng)", `<svg class="qr"`, "Zalo: nhắn mã " + inv.Code} {
		if status != 200 || !strings.Contains(card, want) {
			t.Errorf("the card: %d, lacks %q\n%s", status, want, card)
		}
	}
	if _, body, _ := r.get("a", "/invites"); !strings.Contains(body, `href="/invites/cards?code=`+inv.Code+`"`) {
		t.Errorf("the invites page does not list the unused invite:\n%s", body)
	}
}

// "Invite the heads of a ward" makes one invite per village that has no
// head and no unused invite, and prints them all; posting again makes no
// second set. Another ward's cards are 404, and officials see no invites.
func TestAdminInvitesTheHeadsOfAWard(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	other, err := r.db.IssueInvite(ctx, store.InviteRequest{Role: store.RoleHead, AreaID: "bac-kan/duc-xuan/to-1", By: "terminal", Now: r.now})
	if err != nil {
		t.Fatal(err)
	}
	areas, _ := r.db.Areas(ctx)
	villages := 0
	for _, a := range areas {
		if a.Kind == tree.Village && tree.Within(a.ID, "bac-kan/huyen-tung") {
			villages++
		}
	}
	for range 2 {
		status, where := r.postFor("a", "/invites/heads", url.Values{"csrf": {token}, "area": {"bac-kan/huyen-tung"}})
		if status != http.StatusSeeOther || where != "/invites/cards?area=bac-kan%2Fhuyen-tung" {
			t.Fatalf("heads' invites: %d to %q", status, where)
		}
	}
	invites, _ := r.db.Invites(ctx)
	perVillage := map[string]int{}
	for _, inv := range invites {
		perVillage[inv.AreaID]++
	}
	// Khuổi Pài has its head (h1) already.
	if len(invites) != villages || perVillage["bac-kan/huyen-tung/khuoi-pai"] != 0 || perVillage["bac-kan/huyen-tung/ban-cau"] != 1 {
		t.Fatalf("%d invites for %d villages: %v", len(invites), villages, perVillage)
	}
	status, page, _ := r.get("a", "/invites/cards?area=bac-kan/huyen-tung")
	if status != 200 || strings.Count(page, `<svg class="qr"`) != villages-1 || strings.Contains(page, other.Code) {
		t.Fatalf("the printable page: %d, %d QR codes for %d villages without a head\n%s", status, strings.Count(page, `<svg class="qr"`), villages-1, page)
	}
	if !strings.Contains(page, `src="/static/print.js"`) || !strings.Contains(page, `id="print"`) {
		t.Errorf("the page cannot be printed:\n%s", page)
	}
	for path, want := range map[string]int{"/invites/cards?area=bac-kan/duc-xuan": 404, "/invites/cards?code=" + other.Code: 404,
		"/invites/cards": 404, "/invites/cards?code=NOSUCHCD": 404} {
		if status, _, _ := r.get("a", path); status != want {
			t.Errorf("%s: %d, want %d", path, status, want)
		}
	}
	if status := r.post("a", "/invites/heads", url.Values{"csrf": {token}, "area": {"bac-kan/duc-xuan"}}); status != http.StatusBadRequest {
		t.Errorf("heads of another ward: %d", status)
	}
	r.login("o", "o-ht")
	if status, _, _ := r.get("o", "/invites"); status != http.StatusNotFound {
		t.Errorf("an official's invites page: %d", status)
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
