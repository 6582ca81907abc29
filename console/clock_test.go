package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/store"
)

// The console runs in the office's time zone, not the machine's: pages,
// downloads, the round form's first day and the week all follow it. The
// rig's clock and stored times are UTC; the office is fourteen hours ahead
// (Kiritimati), so that Sunday noon there is Monday already, a week later.
func TestConsoleShowsTheOfficesZone(t *testing.T) {
	t.Parallel()
	office := time.FixedZone("LINT", 14*3600)
	r := newRigIn(t, office)
	r.now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) // Sunday, week 48; Monday 30/11 02:00 at the office
	token := r.adminHT()
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Nông Văn Tý", SubmittedAt: r.now,
		Answers: map[string]string{"class": "poor"}, Class: "poor"}
	applied, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s})
	if err != nil {
		t.Fatal(err)
	}
	late := store.User{ID: "h2", Name: "Tổ trưởng Bản Cạu", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/ban-cau", Lang: "vi",
		LastMessage: time.Date(2026, 11, 26, 17, 5, 0, 0, time.UTC)}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &late}); err != nil {
		t.Fatal(err)
	}

	pages := map[string][]string{
		"/submissions": {"<td>30/11/2026 02:00</td>"},
		fmt.Sprint("/submissions/", applied.SubmissionID): {"Nông Văn Tý · 30/11/2026 02:00", "Chờ duyệt — 30/11/2026 02:00"},
		"/users":  {"<td>27/11/2026 07:05</td>"},
		"/rounds": {`name="from" required value="2026-11-30"`},
	}
	for path, wants := range pages {
		_, body, _ := r.get("a", path)
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q:\n%s", path, want, body)
			}
		}
	}

	// What the admin does is stamped and shown in the office's zone too.
	if status := r.post("a", "/rounds", url.Values{"csrf": {token}, "name": {"Cuối năm"}, "area": {"bac-kan/huyen-tung"},
		"from": {"2026-11-30"}, "to": {"2026-12-31"}}); status != http.StatusSeeOther {
		t.Fatalf("open a round: %d", status)
	}
	if status := r.post("a", "/invites", url.Values{"csrf": {token}, "role": {"official"}, "area": {"bac-kan/huyen-tung"}}); status != http.StatusSeeOther {
		t.Fatalf("invite: %d", status)
	}
	for path, want := range map[string]string{
		"/rounds":  "<td>30/11/2026</td>", // opened
		"/invites": "<td>07/12/2026</td>", // a week on: 06/12 12:00 UTC
		"/audit":   "<td>30/11/2026 02:00</td><td>Quản trị a-ht</td><td>mở đợt rà soát</td>",
	} {
		if _, body, _ := r.get("a", path); !strings.Contains(body, want) {
			t.Errorf("%s lacks %q:\n%s", path, want, body)
		}
	}

	// Downloads carry the offset, as `sothon export` does.
	if _, body, _ := r.get("a", "/download/csv"); !strings.Contains(body, ",2026-11-30T02:00:00+14:00,") {
		t.Errorf("the CSV's submitted_at is not the office's:\n%s", body)
	}
	_, body, _ := r.get("a", "/download/xlsx")
	book, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil || len(rows) < 2 || len(rows[1]) < 4 || rows[1][3] != "30/11/2026 02:00" {
		t.Errorf("the XLSX's time: %v %v", rows, err)
	}

	// The week is the office's: Monday 30/11 starts week 49 there.
	_, body, _ = r.get("a", "/api/stats")
	var st struct {
		Week struct{ ID, From, To string } `json:"week"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Week.ID != "2026-W49" || st.Week.From != "2026-11-30" {
		t.Errorf("the week: %+v, %v\n%s", st.Week, err, body)
	}
}
