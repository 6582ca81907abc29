package console_test

import (
	"encoding/csv"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/store"
)

// The links of the submissions page download exactly the rows the page's
// filter selects, every form or only each household's current one.
func TestDownloadLinksKeepTheFilter(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	add := func(form, area, hh, name string, at time.Time) uint64 {
		t.Helper()
		s := &store.Submission{Form: form, AreaID: area, HouseholdID: hh, HouseholdName: name, SubmittedAt: at, Answers: map[string]string{}}
		if form == "household" {
			s.Class = "poor"
		}
		a, err := r.db.Apply(ctx, store.Change{At: at, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		return a.SubmissionID
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	round := store.Round{Name: "Cuối năm", AreaID: "bac-kan", From: r.now.AddDate(0, 0, -20).Format(time.DateOnly),
		To: r.now.AddDate(0, 0, 20).Format(time.DateOnly), Opened: r.now}
	if _, err := r.db.OpenRound(ctx, round); err != nil {
		t.Fatal(err)
	}
	hhs, _ := r.db.HouseholdsIn(ctx, village)
	first := add("household", village, hhs[0].ID, hhs[0].HeadName, r.now.Add(-time.Hour))
	if _, _, err := r.db.Decide(ctx, store.Decision{Submission: first, Approve: true, By: "o-ht", At: r.now}, nil); err != nil {
		t.Fatal(err)
	}
	second := add("household", village, hhs[0].ID, hhs[0].HeadName, r.now) // waits: the first stays current
	other := add("household", village, hhs[1].ID, hhs[1].HeadName, r.now)
	add("model", village, hhs[2].ID, hhs[2].HeadName, r.now)                        // another questionnaire
	add("household", "bac-kan/huyen-tung/ban-cau", "", "Tổ khác", r.now)            // another village
	add("household", village, hhs[3].ID, hhs[3].HeadName, r.now.AddDate(0, 0, -10)) // before the days
	r.login("a", "o-ht")
	// The dashboard tells the round's story as the lists do.
	if _, body, _ := r.get("a", "/?area=bac-kan/huyen-tung"); !strings.Contains(body, "Danh sách niêm yết: 1 hộ nghèo, 0 hộ cận nghèo") ||
		!strings.Contains(body, "Theo hộ: 1 đã duyệt · 4 chờ duyệt ·") {
		t.Errorf("the dashboard's round:\n%s", body)
	}
	page := "/submissions?form=household&area=" + village + "&from=" + r.now.AddDate(0, 0, -1).Format(time.DateOnly)
	status, body, _ := r.get("a", page)
	if status != 200 {
		t.Fatalf("%s: %d", page, status)
	}
	links := regexp.MustCompile(`href="(/download/csv\?[^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(links) != 2 {
		t.Fatalf("download links: %v\n%s", links, body)
	}
	rows := func(link string) (ids []string, current map[string]string) {
		t.Helper()
		status, body, _ := r.get("a", html.UnescapeString(link))
		if status != 200 {
			t.Fatalf("%s: %d", link, status)
		}
		table, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, c := range table[0] {
			col[c] = i
		}
		current = map[string]string{}
		for _, row := range table[1:] {
			ids = append(ids, row[col["submission_id"]])
			current[row[col["submission_id"]]] = row[col["review_state"]] + "," + row[col["current"]]
		}
		slices.Sort(ids)
		return ids, current
	}
	all, states := rows(links[0][1])
	if want := []string{itoa(first), itoa(second), itoa(other)}; !slices.Equal(all, want) {
		t.Errorf("every form of the filter: %v, want %v", all, want)
	}
	if states[itoa(first)] != "approved,yes" || states[itoa(second)] != "received,no" {
		t.Errorf("review and current columns: %v", states)
	}
	current, _ := rows(links[1][1])
	if want := []string{itoa(first)}; !slices.Equal(current, want) {
		// Once a form of the round was decided, only approved forms count:
		// the waiting ones are nobody's current form yet.
		t.Errorf("current forms: %v, want %v", current, want)
	}
}
