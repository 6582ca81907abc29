package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sothon/store"
	"sothon/store/counting"
	"sothon/tree"
)

// An admin opens a round for the ward from the console, sees it open, and
// closes it after a page that asks once more. A forged form is refused;
// the office's refusals (its rules are tested in package office) show as a
// page in the user's language; another ward's round is neither shown nor
// closable.
func TestAdminOpensAndClosesARound(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	theirs, err := r.db.OpenRound(ctx, store.Round{Name: "Đợt Đức Xuân", AreaID: "bac-kan/duc-xuan", From: "2026-11-01", To: "2026-12-15", Opened: r.now, OpenedBy: "terminal"})
	if err != nil {
		t.Fatal(err)
	}
	open := func(name, area, from, to, csrf string) int {
		return r.post("a", "/rounds", url.Values{"csrf": {csrf}, "name": {name}, "area": {area}, "from": {from}, "to": {to}})
	}
	for _, refused := range []struct {
		name, area, from, to, csrf string
		want                       int
	}{
		{"Cuối năm", "bac-kan/huyen-tung", "2026-11-01", "2026-12-15", "forged", http.StatusForbidden},
		{"Cuối năm", "bac-kan/huyen-tung", "2026-12-15", "2026-11-01", token, http.StatusBadRequest},
		{"Cuối năm", "bac-kan/duc-xuan", "2026-11-01", "2026-12-15", token, http.StatusBadRequest},
	} {
		if status := open(refused.name, refused.area, refused.from, refused.to, refused.csrf); status != refused.want {
			t.Errorf("opening %+v: %d, want %d", refused, status, refused.want)
		}
	}
	if status, page := r.postPage("a", "/rounds", url.Values{"csrf": {token}, "name": {"Thôn"}, "area": {"bac-kan/huyen-tung/khuoi-pai"},
		"from": {"2026-11-01"}, "to": {"2026-12-15"}}); status != http.StatusBadRequest || !strings.Contains(page, "không mở cho một thôn") {
		t.Fatalf("a village's round: %d\n%s", status, page)
	}
	if status := open("Rà soát cuối năm 2026", "bac-kan/huyen-tung", "2026-11-01", "2026-12-15", token); status != http.StatusSeeOther {
		t.Fatalf("open: %d", status)
	}
	if status := open("Lần hai", "bac-kan/huyen-tung", "2026-11-01", "2026-12-15", token); status != http.StatusConflict {
		t.Fatalf("a second round at once: %d", status)
	}
	ours, err := r.db.RoundFor(ctx, "bac-kan/huyen-tung")
	if err != nil || ours == nil || ours.OpenedBy != "a-ht" {
		t.Fatalf("the round: %+v, %v", ours, err)
	}
	close := "/rounds/" + itoa(ours.ID) + "/close"
	_, page, _ := r.get("a", "/rounds")
	if !strings.Contains(page, "Rà soát cuối năm 2026") || !strings.Contains(page, `href="`+close+`"`) || strings.Contains(page, theirs.Name) ||
		!strings.Contains(page, "01/11/2026 – 15/12/2026") { // the days as offices write them
		t.Fatalf("the rounds page:\n%s", page)
	}
	if _, home, _ := r.get("a", "/"); !strings.Contains(home, "(01/11/2026 – 15/12/2026)") {
		t.Fatalf("the dashboard's round:\n%s", home)
	}
	if status, _, _ := r.get("a", "/rounds/"+itoa(theirs.ID)+"/close"); status != http.StatusNotFound {
		t.Fatalf("closing another ward's round: %d", status)
	}
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Nông Văn Tý", SubmittedAt: r.now, Class: "poor", Answers: map[string]string{}}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	if status, ask, _ := r.get("a", close); status != 200 || !strings.Contains(ask, "còn 1 phiếu chờ duyệt") ||
		!strings.Contains(ask, "Đóng đợt rà soát «Rà soát cuối năm 2026»?") || !strings.Contains(ask, `href="/rounds"`) {
		t.Fatalf("the confirmation: %d\n%s", status, ask)
	}
	if status := r.post("a", close, url.Values{"csrf": {"forged"}}); status != http.StatusForbidden {
		t.Fatalf("a forged close: %d", status)
	}
	if status := r.post("a", close, url.Values{"csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("close: %d", status)
	}
	if open, _ := r.db.RoundFor(ctx, "bac-kan/huyen-tung"); open != nil {
		t.Fatalf("still open: %+v", open)
	}
	if status := r.post("a", close, url.Values{"csrf": {token}}); status != http.StatusNotFound {
		t.Fatalf("closed twice: %d", status)
	}
	if _, body, _ := r.get("a", "/audit"); !strings.Contains(body, "<td>mở đợt rà soát</td>") || !strings.Contains(body, "<td>đóng đợt rà soát</td>") {
		t.Errorf("the audit log lacks the round:\n%s", body)
	}
}

// An admin sets the ward's target for a year; it shows on the page and in
// the store. Words for numbers, and the office's refusals (its rules are
// tested in package office), change nothing.
func TestAdminSetsATarget(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	set := func(area, year, n, csrf string) int {
		return r.post("a", "/targets", url.Values{"csrf": {csrf}, "area": {area}, "year": {year}, "poor_reduction": {n}})
	}
	for _, refused := range []struct {
		area, year, n, csrf string
		want                int
	}{
		{"bac-kan/huyen-tung", "2026", "15", "forged", http.StatusForbidden},
		{"bac-kan/huyen-tung", "2026", "mười", token, http.StatusBadRequest},
		{"bac-kan/huyen-tung", "1900", "5", token, http.StatusBadRequest},
		{"bac-kan/duc-xuan", "2026", "5", token, http.StatusNotFound},
	} {
		if status := set(refused.area, refused.year, refused.n, refused.csrf); status != refused.want {
			t.Errorf("target %+v: %d, want %d", refused, status, refused.want)
		}
	}
	if a, _ := r.db.Area(ctx, "bac-kan/huyen-tung"); len(a.Targets) != 0 {
		t.Fatalf("refused targets stored: %+v", a.Targets)
	}
	if status := set("bac-kan/huyen-tung", "2026", " 15 ", token); status != http.StatusSeeOther {
		t.Fatalf("set: %d", status)
	}
	if a, _ := r.db.Area(ctx, "bac-kan/huyen-tung"); len(a.Targets) != 1 || a.Targets[0] != (tree.Target{Year: 2026, PoorReduction: 15}) {
		t.Fatalf("stored: %+v", a.Targets)
	}
	status, page, _ := r.get("a", "/targets?year=2026")
	if status != 200 || !strings.Contains(page, `name="poor_reduction" min="0" max="1000000" value="15"`) || strings.Contains(page, "Đức Xuân") {
		t.Fatalf("the targets page: %d\n%s", status, page)
	}
}

// The round's lists download from the dashboard as PDF or XLSX; an area
// the office refuses is a page that is not there. (Whose lists are whose
// is the office's rule, tested there.)
func TestListsFromTheConsole(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("o", "o-ht")
	if status, _, _ := r.get("o", "/lists/pdf"); status != http.StatusNotFound {
		t.Fatalf("lists without a round: %d", status)
	}
	if _, err := r.db.OpenRound(ctx, store.Round{Name: "Cuối năm", AreaID: "bac-kan/huyen-tung", From: "2026-11-01", To: "2026-12-31", Opened: r.now}); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := r.get("o", "/"); !strings.Contains(body, `href="/lists/pdf?area=bac-kan%2fhuyen-tung"`) {
		t.Fatalf("no lists on the dashboard:\n%s", body)
	}
	for format, magic := range map[string]string{"pdf": "%PDF", "xlsx": "PK"} {
		status, body, header := r.get("o", "/lists/"+format+"?area=bac-kan/huyen-tung/khuoi-pai")
		if status != 200 || !strings.HasPrefix(body, magic) || !strings.Contains(header.Get("Content-Disposition"), "danh-sach-bac-kan-huyen-tung-khuoi-pai."+format) {
			t.Errorf("lists as %s: %d %q", format, status, header)
		}
	}
	for _, path := range []string{"/lists/pdf?area=bac-kan/duc-xuan", "/lists/doc"} {
		if status, _, _ := r.get("o", path); status != http.StatusNotFound {
			t.Errorf("%s: %d", path, status)
		}
	}
}

// The console opens a round annual or regular: the page says the kind and
// the standard it classifies by; an unknown kind is refused.
func TestConsoleRoundKind(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	open := func(kind string) int {
		return r.post("a", "/rounds", url.Values{"csrf": {token}, "name": {"Định kỳ 2026"}, "area": {"bac-kan/huyen-tung"},
			"from": {"2026-09-01"}, "to": {"2026-12-14"}, "kind": {kind}})
	}
	if status := open("yearly"); status != http.StatusBadRequest {
		t.Fatalf("an unknown kind: %d", status)
	}
	_, page, _ := r.get("a", "/rounds")
	if !strings.Contains(page, `<option value="annual">định kỳ</option>`) {
		t.Fatalf("no choice of kind:\n%s", page)
	}
	if status := open("annual"); status != http.StatusSeeOther {
		t.Fatalf("open: %d", status)
	}
	if rd, err := r.db.RoundFor(ctx, "bac-kan/huyen-tung"); err != nil || rd == nil || rd.Kind != store.RoundAnnual {
		t.Fatalf("the round: %+v %v", rd, err)
	}
	if _, page, _ := r.get("a", "/rounds"); !strings.Contains(page, "<td>định kỳ, chuẩn nghèo đa chiều giai đoạn 2027–2030</td>") {
		t.Fatalf("the rounds page:\n%s", page)
	}
	s := &store.Submission{Form: "household_nd351", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Hoàng Văn Mới", SubmittedAt: r.now,
		Class: "poor", Standard: "nd351-2025", Classes: map[string]string{"nd351-2025": "poor", "nd07-2021": "middle"}, Answers: map[string]string{},
		Contributions: []counting.Contribution{{Kind: "projected", Key: "nd351-2025",
			Names: []string{counting.ProjectedCounter("nd351-2025", "poor"), counting.ProjectedBaseCounter("nd351-2025", "middle")}}}}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	if _, page, _ := r.get("a", "/"); !strings.Contains(page, "Theo chuẩn mới (giai đoạn 2027–2030), 1 hộ") || !strings.Contains(page, "nghèo 1 (&#43;1)") ||
		!strings.Contains(page, "Đợt định kỳ, phân loại theo chuẩn nghèo đa chiều giai đoạn 2027–2030.") ||
		!strings.Contains(page, "<th>Theo chuẩn mới</th>") || !strings.Contains(page, "<td>chuẩn mới: nghèo 1 (&#43;1), cận nghèo 0 (±0)</td>") {
		t.Fatalf("the dashboard:\n%s", page)
	}
}
