package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sothon/office"
	"sothon/report"
	"sothon/store"
)

const (
	khuoiPai = "bac-kan/huyen-tung/khuoi-pai"
	tung     = "bac-kan/huyen-tung"
)

// demo is a demo household of Khuổi Pài (1 to 12).
func demo(i int) string { return fmt.Sprintf("demo-bac-kan-huyen-tung-khuoi-pai-%02d", i) }

// approve stores a household form of a household of Khuổi Pài giving a
// class, approved a minute later; it gives the form's id.
func (r *rig) approve(household, class string, at time.Time) uint64 {
	r.t.Helper()
	s := &store.Submission{Form: "household", AreaID: khuoiPai, HouseholdID: household, SubmittedBy: "h1", SubmittedAt: at,
		Class: class, Answers: map[string]string{"members": "4"}, Members: 4}
	a, err := r.db.Apply(ctx, store.Change{At: at, Submission: s})
	if err != nil {
		r.t.Fatal(err)
	}
	if _, _, err := r.db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "o-ht", At: at.Add(time.Minute)}, nil); err != nil {
		r.t.Fatal(err)
	}
	return a.SubmissionID
}

// reviewRig opens the ward's annual round with households 1 to 3 of Khuổi
// Pài approved (poor, near-poor, poor), logs in the ward's official as
// "o" and another ward's as "x"; it gives the round and o's form token.
func reviewRig(t *testing.T) (*rig, store.Round, string) {
	r := newRig(t)
	round, err := r.db.OpenRound(ctx, store.Round{Name: "Rà soát 2026", Kind: store.RoundAnnual, AreaID: tung, From: "2026-11-01", To: "2026-12-15",
		Opened: r.now.Add(-72 * time.Hour), OpenedBy: "a-ht"})
	if err != nil {
		t.Fatal(err)
	}
	for i, class := range []string{"poor", "near_poor", "poor"} {
		r.approve(demo(i+1), class, r.now.Add(-48*time.Hour+time.Duration(i)*time.Minute))
	}
	other := store.User{ID: "o-dx", Name: "Cán bộ ĐX", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &other}); err != nil {
		t.Fatal(err)
	}
	r.login("o", "o-ht")
	r.login("x", "o-dx")
	return r, round, r.csrfOfPage("o", "/")
}

// csrfOfPage is the form token of a page a browser sees.
func (r *rig) csrfOfPage(client, path string) string {
	r.t.Helper()
	_, body, _ := r.get(client, path)
	i := strings.Index(body, `name="csrf" value="`)
	if i < 0 {
		r.t.Fatalf("no form on %s:\n%s", path, body)
	}
	body = body[i+len(`name="csrf" value="`):]
	return body[:strings.Index(body, `"`)]
}

// A ward's official follows and keeps a village's whole review in the
// console: the meeting entered from the paper minutes (one household short
// of half goes back), the posting, a complaint, the decision refused while
// a list is not final, then recorded. Every page and form of another
// ward's official is 404; every refused form changes nothing.
func TestReviewProcessInTheConsole(t *testing.T) {
	t.Parallel()
	r, round, csrf := reviewRig(t)
	id := itoa(round.ID)
	xcsrf := r.csrfOfPage("x", "/")
	page := func(path string, want ...string) string {
		t.Helper()
		status, body, _ := r.get("o", path)
		if status != 200 {
			t.Fatalf("%s: %d\n%s", path, status, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("%s lacks %q:\n%s", path, w, body)
			}
		}
		return body
	}
	meeting := func() store.Meeting {
		m, _ := r.db.MeetingOf(ctx, round.ID, khuoiPai)
		return m
	}

	// The review page and the dashboard: nothing held yet.
	page("/review", "Rà soát tại thôn — Phường Huyền Tụng", "Tổ Khuổi Pài (Huyền Tụng)", "Chưa họp", "3/",
		"Chưa thể ghi quyết định: danh sách của 1 thôn chưa chính thức.", `href="/review/meeting?village=bac-kan%2fhuyen-tung%2fkhuoi-pai&amp;round=`+id+`"`)
	page("/", `href="/review?area=bac-kan%2fhuyen-tung"`, "<th><a href=\"/review?area=bac-kan%2fhuyen-tung\">Họp thôn</a></th>", "<td>Chưa họp</td>")
	for _, path := range []string{"/review?area=" + tung, "/review/meeting?village=" + khuoiPai, "/requests?area=" + tung, "/review?area=nowhere"} {
		if status, body, _ := r.get("x", path); status != http.StatusNotFound || strings.Contains(body, "Khuổi Pài") {
			t.Errorf("another ward's official, %s: %d", path, status)
		}
	}

	// The meeting from the minutes: refused openings change nothing.
	minutes := "/review/meeting?round=" + id + "&village=" + url.QueryEscape(khuoiPai)
	page(minutes, "Họp thôn — Tổ Khuổi Pài (Huyền Tụng)", `action="/review/meeting/open"`)
	opening := url.Values{"village": {khuoiPai}, "round": {id}, "day": {"2026-11-26"}, "present": {"10"}, "chair": {"Hoàng Văn Thắng"},
		"secretary": {"Lục Thị Mai"}, "front": {"Nông Văn Hùng"}}
	with := func(v url.Values, key, value string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = vs
		}
		out.Set(key, value)
		return out
	}
	for _, refused := range []struct {
		who  string
		form url.Values
		want int
	}{
		{"o", with(opening, "csrf", "forged"), http.StatusForbidden},
		{"o", with(with(opening, "csrf", csrf), "present", "mười"), http.StatusBadRequest},
		{"o", with(with(opening, "csrf", csrf), "chair", ""), http.StatusBadRequest},
		{"x", with(opening, "csrf", xcsrf), http.StatusNotFound},
	} {
		if status := r.post(refused.who, "/review/meeting/open", refused.form); status != refused.want {
			t.Errorf("opening %v by %s: %d, want %d", refused.form, refused.who, status, refused.want)
		}
	}
	if m := meeting(); m.State() != store.MeetingNone {
		t.Fatalf("a refused opening opened: %+v", m)
	}
	if status, to := r.postFor("o", "/review/meeting/open", with(opening, "csrf", csrf)); status != http.StatusSeeOther || to != minutes {
		t.Fatalf("open: %d %s", status, to)
	}
	page(minutes, "Đang họp", `name="agreed.`+demo(2)+`"`, "Còn 3 hộ chưa ghi số đồng ý.")

	// The counts: one out of range refuses the whole form.
	votes := url.Values{"csrf": {csrf}, "village": {khuoiPai}, "round": {id}, "agreed." + demo(1): {"8"}, "agreed." + demo(2): {"3"}, "agreed." + demo(3): {"11"}}
	if status := r.post("o", "/review/meeting/votes", votes); status != http.StatusBadRequest || len(meeting().Votes) != 0 {
		t.Fatalf("a count over those present: %d, %+v", status, meeting().Votes)
	}
	if status := r.post("o", "/review/meeting/votes", with(votes, "agreed.demo-bac-kan-huyen-tung-ban-cau-01", "5")); status != http.StatusBadRequest || len(meeting().Votes) != 0 {
		t.Fatalf("a household not on the lists: %d", status)
	}
	if status := r.post("x", "/review/meeting/votes", with(votes, "csrf", xcsrf)); status != http.StatusNotFound {
		t.Fatalf("another ward's votes: %d", status)
	}
	votes.Set("agreed."+demo(3), "")
	if status := r.post("o", "/review/meeting/votes", votes); status != http.StatusSeeOther || len(meeting().Votes) != 2 {
		t.Fatalf("two counts: %d, %+v", status, meeting().Votes)
	}
	closing := url.Values{"csrf": {csrf}, "village": {khuoiPai}, "round": {id}}
	if status := r.post("o", "/review/meeting/close", closing); status != http.StatusBadRequest || meeting().Held() {
		t.Fatalf("closed with a count missing: %d", status)
	}
	if status := r.post("o", "/review/meeting/votes", url.Values{"csrf": {csrf}, "village": {khuoiPai}, "round": {id}, "agreed." + demo(3): {"Tất cả"}}); status != http.StatusSeeOther {
		t.Fatalf("the last count: %d", status)
	}
	if v, _ := meeting().VoteOf(demo(3)); v.Agreed != 10 {
		t.Fatalf("«tất cả» of 10 present: %+v", v)
	}
	if status := r.post("o", "/review/meeting/close", closing); status != http.StatusSeeOther || !meeting().Held() {
		t.Fatalf("close: %d, %+v", status, meeting())
	}
	if v, _ := meeting().VoteOf(demo(2)); !v.Returned {
		t.Fatalf("3 of 10 did not send household 2 back: %+v", v)
	}
	page(minutes, "Cuộc họp đã kết thúc; 1 hộ trả về rà soát lại.", "trả lại rà soát")
	page("/", "<td>Đã họp 26/11/2026</td>")
	province := store.User{ID: "o-bk", Name: "Cán bộ tỉnh", Role: store.RoleOfficial, AreaID: "bac-kan", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &province}); err != nil {
		t.Fatal(err)
	}
	r.login("p", "o-bk")
	if _, body, _ := r.get("p", "/?area="+tung); !strings.Contains(body, "<td>Đã họp 26/11/2026</td>") {
		t.Errorf("the province's official does not see the meeting:\n%s", body)
	}

	// The posting, from Friday 27 for three working days: to Tuesday.
	posting := url.Values{"csrf": {csrf}, "village": {khuoiPai}, "round": {id}, "back": {tung}, "start": {"27/11"}}
	if status := r.post("o", "/review/posting", posting); status != http.StatusBadRequest {
		t.Fatalf("a day as words: %d", status)
	}
	if status := r.post("x", "/review/posting", with(with(posting, "csrf", xcsrf), "start", "2026-11-27")); status != http.StatusNotFound {
		t.Fatalf("another ward's posting: %d", status)
	}
	if _, err := r.db.PostingOf(ctx, round.ID, khuoiPai); err == nil {
		t.Fatal("a refused posting was recorded")
	}
	posting.Set("start", "2026-11-27")
	if status, to := r.postFor("o", "/review/posting", posting); status != http.StatusSeeOther || to != "/review?area=bac-kan%2Fhuyen-tung&round="+id {
		t.Fatalf("posting: %d %s", status, to)
	}
	page("/review", "Đang niêm yết từ 27/11/2026 đến 01/12/2026", `action="/review/complaint"`, `<option value="`+demo(3)+`">`)
	if v := r.apiReview("o").Villages[0]; v.ID != khuoiPai || v.Meeting != "held" || v.MeetingDay != "2026-11-26" || v.Returned != 1 ||
		v.Posting != "open" || v.PostEnd != "2026-12-01" || v.Final || v.Name != "Tổ Khuổi Pài (Huyền Tụng)" {
		t.Fatalf("the stats' review while posted: %+v", v)
	}

	// A complaint about household 3 during the posting.
	complaint := url.Values{"csrf": {csrf}, "village": {khuoiPai}, "round": {id}, "back": {tung}, "household": {demo(3)}, "from": {"Bà Triệu Thị Hoa"}, "text": {"x"}}
	if status := r.post("o", "/review/complaint", complaint); status != http.StatusBadRequest {
		t.Fatalf("a complaint saying nothing: %d", status)
	}
	complaint.Set("text", "Hộ mới mua xe máy, có thu nhập ổn định")
	if status := r.post("x", "/review/complaint", with(complaint, "csrf", xcsrf)); status != http.StatusNotFound {
		t.Fatalf("another ward's complaint: %d", status)
	}
	if p, _ := r.db.PostingOf(ctx, round.ID, khuoiPai); len(p.Complaints) != 0 {
		t.Fatalf("a refused complaint was recorded: %+v", p.Complaints)
	}
	if status := r.post("o", "/review/complaint", complaint); status != http.StatusSeeOther {
		t.Fatalf("complaint: %d", status)
	}
	page("/review", "1 khiếu nại, 1 chưa xong", "Bà Triệu Thị Hoa", "Đang rà soát lại")

	// The decision is refused while the list is not final.
	decision := url.Values{"csrf": {csrf}, "area": {tung}, "round": {id}, "back": {tung}, "number": {"125/QĐ-UBND"}, "day": {"2026-12-02"}}
	if status := r.post("o", "/review/decision", decision); status != http.StatusBadRequest {
		t.Fatalf("a decision with a list not final: %d", status)
	}
	if status := r.post("x", "/review/decision", with(decision, "csrf", xcsrf)); status != http.StatusNotFound {
		t.Fatalf("another ward's decision: %d", status)
	}
	if rd, _ := r.db.Round(ctx, round.ID); rd.Decided() || !rd.IsOpen() {
		t.Fatalf("a refused decision closed the round: %+v", rd)
	}

	// Household 3 reviewed again; the window closes on Tuesday.
	r.approve(demo(3), "near_poor", r.now.Add(time.Hour))
	r.now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	r.login("o", "o-ht") // the session of Friday is over
	decision.Set("csrf", r.csrfOfPage("o", "/"))
	page("/review", "Hết niêm yết", "Đã rà soát lại: Hộ cận nghèo", "Chính thức", `action="/review/decision"`)
	if status := r.post("o", "/review/decision", with(decision, "number", "")); status != http.StatusBadRequest {
		t.Fatalf("a decision without its number: %d", status)
	}
	if status := r.post("o", "/review/decision", decision); status != http.StatusSeeOther {
		t.Fatalf("decision: %d", status)
	}
	if rd, _ := r.db.Round(ctx, round.ID); !rd.Decided() || rd.Decision.Number != "125/QĐ-UBND" || rd.Decision.By != "o-ht" {
		t.Fatalf("the decision: %+v", rd)
	}
	page("/review?round="+id, "Đã có quyết định số 125/QĐ-UBND ngày 02/12/2026.")
	if rv := r.apiReview("o"); !rv.Decided || rv.Decision == nil || rv.Decision.Number != "125/QĐ-UBND" || rv.NotFinal != 0 ||
		!rv.Villages[0].Final || rv.Villages[0].Complaints != 1 || rv.Villages[0].OpenComplaints != 0 || rv.Villages[0].Posting != "ended" {
		t.Fatalf("the stats' review after the decision: %+v", rv)
	}
	r.get("o", "/lang/en?back=/review")
	page("/review", "Decision no. 125/QĐ-UBND of 02/12/2026 recorded.", "Village review — ", "Posting over")
}

// Above villages, the dashboard's meeting column counts the villages of
// each row that held their meeting in the open round.
func TestDashboardCountsMeetingsAboveVillages(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if _, err := r.db.OpenRound(ctx, store.Round{Name: "Toàn tỉnh", AreaID: "bac-kan", From: "2026-11-01", To: "2026-12-15", Opened: r.now}); err != nil {
		t.Fatal(err)
	}
	province := store.User{ID: "o-bk", Name: "Cán bộ tỉnh", Role: store.RoleOfficial, AreaID: "bac-kan", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &province}); err != nil {
		t.Fatal(err)
	}
	r.approve(demo(1), "poor", r.now.Add(-time.Hour))
	o := &office.Office{Store: r.db}
	if _, err := o.OpenMeeting(ctx, province, office.MeetingOpening{Village: khuoiPai, Day: "2026-11-26", Present: 9, Chair: "A", Secretary: "B", Front: "C"}, r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.RecordVote(ctx, province, office.VoteEntry{Village: khuoiPai, Household: demo(1), All: true}, r.now); err != nil {
		t.Fatal(err)
	}
	if _, err := o.CloseMeeting(ctx, province, khuoiPai, 0, r.now); err != nil {
		t.Fatal(err)
	}
	r.login("p", "o-bk")
	if _, body, _ := r.get("p", "/"); !strings.Contains(body, "<td>1/3 thôn đã họp</td>") || !strings.Contains(body, "<td>0/") {
		t.Errorf("the province's dashboard lacks the wards' meetings:\n%s", body)
	}
}

// apiReview is the review in the figures as JSON a browser gets.
func (r *rig) apiReview(client string) report.ReviewJSON {
	r.t.Helper()
	status, body, _ := r.get(client, "/api/stats")
	var out report.StatsJSON
	if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil || out.Review == nil {
		r.t.Fatalf("api stats: %d %v\n%s", status, err, body)
	}
	return *out.Review
}

// The requests page lists a ward's open requests, late ones first and
// marked, with a form to answer each; a refused answer changes nothing,
// and another ward's official sees and answers none.
func TestRequestsInTheConsole(t *testing.T) {
	t.Parallel()
	r, _, csrf := reviewRig(t)
	o := &office.Office{Store: r.db}
	head := store.User{ID: "h1", Role: store.RoleHead, AreaID: khuoiPai, Lang: "vi"}
	late, err := o.AddRequest(ctx, head, office.RequestEntry{Village: khuoiPai, Household: demo(5), Reason: "Chồng mất, không còn thu nhập", Day: "2026-11-01"}, r.now.Add(-20*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := o.AddRequest(ctx, head, office.RequestEntry{Village: khuoiPai, Household: demo(6), Reason: "Nhà bị lũ cuốn", Day: "2026-11-26"}, r.now)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := r.get("o", "/requests")
	if !strings.Contains(body, "1 đề nghị đã quá hạn trả lời.") || !strings.Contains(body, "Quá hạn") || !strings.Contains(body, "Nhà bị lũ cuốn") ||
		strings.Index(body, "Chồng mất") > strings.Index(body, "Nhà bị lũ cuốn") || !strings.Contains(body, "Chưa có phiếu") {
		t.Fatalf("the requests page:\n%s", body)
	}
	answer := "/requests/" + itoa(late.ID) + "/answer"
	if status := r.post("o", answer, url.Values{"csrf": {csrf}, "answer": {"ok"}}); status != http.StatusBadRequest {
		t.Fatalf("a two-letter answer: %d", status)
	}
	if status := r.post("x", answer, url.Values{"csrf": {r.csrfOfPage("x", "/")}, "answer": {"Đã rà soát, giữ nguyên"}}); status != http.StatusNotFound {
		t.Fatalf("another ward's answer: %d", status)
	}
	if rq, _ := r.db.Request(ctx, late.ID); !rq.IsOpen() {
		t.Fatalf("a refused answer was recorded: %+v", rq)
	}
	if status, to := r.postFor("o", answer, url.Values{"csrf": {csrf}, "back": {tung}, "answer": {"Đã rà soát, giữ nguyên"}}); status != http.StatusSeeOther || to != "/requests?area=bac-kan%2Fhuyen-tung" {
		t.Fatalf("answer: %d %s", status, to)
	}
	if rq, _ := r.db.Request(ctx, late.ID); rq.IsOpen() || rq.Answer != "Đã rà soát, giữ nguyên" || rq.AnsweredBy != "o-ht" {
		t.Fatalf("the answer: %+v", rq)
	}
	if _, body, _ := r.get("o", "/requests"); strings.Contains(body, "Chồng mất") || !strings.Contains(body, "/requests/"+itoa(fresh.ID)+"/answer") {
		t.Fatalf("an answered request is still listed as open:\n%s", body)
	}
	if _, body, _ := r.get("o", "/requests?all=1"); !strings.Contains(body, "Đã rà soát, giữ nguyên") || !strings.Contains(body, "(trả lời muộn)") {
		t.Fatalf("the answered request:\n%s", body)
	}
}

// The review's pages and forms need a session, as every route.
func TestReviewRoutesNeedASession(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	for _, route := range []struct{ method, path string }{
		{"GET", "/review"}, {"GET", "/review/meeting?village=" + khuoiPai}, {"GET", "/requests"},
		{"POST", "/review/posting"}, {"POST", "/review/complaint"}, {"POST", "/review/decision"},
		{"POST", "/review/meeting/open"}, {"POST", "/review/meeting/votes"}, {"POST", "/review/meeting/close"}, {"POST", "/requests/1/answer"},
	} {
		req, _ := http.NewRequest(route.method, r.srv.URL+route.path, nil)
		resp, err := r.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s without a session: %d", route.method, route.path, resp.StatusCode)
		}
	}
}
