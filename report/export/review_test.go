package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/office"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/storetest"
)

// reviewed is a ward's review as far as a complaint and an answered
// request: households 1 to 3 of Khuổi Pài voted on (2 sent back), 3
// complained about; household 5 asked for a review and sent a form. It
// gives the forms by household number.
func reviewed(t *testing.T) (*store.DB, map[int]uint64) {
	t.Helper()
	db := storetest.Open(t)
	ict := time.FixedZone("ICT", 7*3600)
	at := func(day string, hour int) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, day, ict)
		return d.Add(time.Duration(hour) * time.Hour)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	demo := func(i int) string { return fmt.Sprintf("demo-bac-kan-huyen-tung-khuoi-pai-%02d", i) }
	if _, err := db.OpenRound(ctx, store.Round{Name: "Rà soát 2026", Kind: store.RoundAnnual, AreaID: "bac-kan/huyen-tung",
		From: "2026-11-01", To: "2026-12-15", Opened: at("2026-11-01", 8), OpenedBy: "a"}); err != nil {
		t.Fatal(err)
	}
	forms := map[int]uint64{}
	send := func(i int, class string, when time.Time, approve bool) {
		s := &store.Submission{Form: "household", AreaID: village, HouseholdID: demo(i), SubmittedBy: "h", SubmittedAt: when, Class: class,
			Answers: map[string]string{"members": "4"}, Members: 4}
		a, err := db.Apply(ctx, store.Change{At: when, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		forms[i] = a.SubmissionID
		if approve {
			if _, _, err := db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "o", At: when.Add(time.Minute)}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, class := range []string{"poor", "near_poor", "poor"} {
		send(i+1, class, at("2026-11-19", 9+i), true)
	}
	official := store.User{ID: "o", Role: store.RoleOfficial, AreaID: "bac-kan/huyen-tung", Lang: "vi"}
	o := &office.Office{Store: db}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(o.OpenMeeting(ctx, official, office.MeetingOpening{Village: village, Day: "2026-11-20", Present: 10, Chair: "A", Secretary: "B", Front: "C"}, at("2026-11-20", 19)))
	for i, agreed := range []int{8, 3, 5} {
		must(o.RecordVote(ctx, official, office.VoteEntry{Village: village, Household: demo(i + 1), Agreed: agreed}, at("2026-11-20", 20)))
	}
	must(o.CloseMeeting(ctx, official, village, 0, at("2026-11-20", 21)))
	must(o.RecordPosting(ctx, official, office.PostingEntry{Village: village, Start: "2026-11-23"}, at("2026-11-21", 9)))
	must(o.AddComplaint(ctx, official, office.ComplaintEntry{Village: village, Household: demo(3), From: "Bà Triệu Thị Hoa", Text: "Hộ mới mua xe máy"}, at("2026-11-24", 10)))
	rq, err := o.AddRequest(ctx, official, office.RequestEntry{Village: village, Household: demo(5), Reason: "Chồng mất", Day: "2026-11-10"}, at("2026-11-10", 9))
	must(rq, err)
	send(5, "poor", at("2026-11-12", 9), true)
	_, _, err = o.AnswerRequest(ctx, official, rq.ID, "Công nhận hộ nghèo", at("2026-11-28", 9))
	must(nil, err)
	return db, forms
}

// The export carries the village review where it applies: the meeting's
// vote on a form, the complaint that sent it back, the request it was
// filled under; in CSV, JSON and XLSX, after the questions' columns.
func TestExportCarriesTheVillageReview(t *testing.T) {
	t.Parallel()
	db, forms := reviewed(t)
	set, _ := flows.Default()
	ict := time.FixedZone("ICT", 7*3600)
	var buf bytes.Buffer
	if _, err := export.Write(ctx, db, set, export.Options{Filter: store.SubmissionFilter{Form: "household", AreaID: "bac-kan/huyen-tung"}, Format: export.CSV, NoBOM: true, TZ: ict}, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[0][len(rows[0])-12:]; last[0] != "meeting_day" || last[11] != "request_answer" {
		t.Fatalf("the review's columns: %v", last)
	}
	byForm := map[string]map[string]string{}
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = row[i]
		}
		byForm[m["submission_id"]] = m
	}
	id := func(i int) string { return fmt.Sprint(forms[i]) }
	for form, want := range map[string]map[string]string{
		id(1): {"meeting_day": "2026-11-20", "meeting_present": "10", "meeting_agreed": "8", "meeting_returned": "no", "complaint_from": "", "request_id": ""},
		id(2): {"meeting_agreed": "3", "meeting_returned": "yes", "review_state": "returned"},
		id(3): {"meeting_agreed": "5", "complaint_day": "2026-11-24", "complaint_from": "Bà Triệu Thị Hoa", "complaint_text": "Hộ mới mua xe máy"},
		id(5): {"meeting_day": "", "request_id": "1", "request_day": "2026-11-10", "request_reason": "Chồng mất", "request_answered": "2026-11-28", "request_answer": "Công nhận hộ nghèo"},
	} {
		for col, v := range want {
			if got := byForm[form][col]; got != v {
				t.Errorf("form %s: %s = %q, want %q", form, col, got, v)
			}
		}
	}

	buf.Reset()
	if _, err := export.Write(ctx, db, set, export.Options{Filter: store.SubmissionFilter{Form: "household"}, Format: export.JSON, TZ: ict}, &buf); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, obj := range objs {
		switch fmt.Sprint(obj["submission_id"]) {
		case id(2):
			seen++
			if obj["meeting_agreed"] != 3.0 || obj["meeting_present"] != 10.0 || obj["meeting_returned"] != true || obj["complaint_text"] != nil {
				t.Errorf("json of form 2: %v", obj)
			}
		case id(5):
			seen++
			if obj["request_id"] != 1.0 || obj["request_answer"] != "Công nhận hộ nghèo" || obj["meeting_agreed"] != nil {
				t.Errorf("json of form 5: %v", obj)
			}
		}
	}
	if seen != 2 {
		t.Errorf("json rows found: %d of 2", seen)
	}

	buf.Reset()
	if _, err := export.Write(ctx, db, set, export.Options{Filter: store.SubmissionFilter{Form: "household"}, Format: export.XLSX, TZ: ict}, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	xrows, _ := f.GetRows(sheet)
	col := map[string]int{}
	for i, h := range xrows[0] {
		col[h] = i
	}
	found := 0
	for _, row := range xrows[1:] {
		cell := func(h string) string {
			if i, ok := col[h]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		switch row[0] {
		case id(2):
			found++
			if cell("Ngày họp thôn") != "20/11/2026" || cell("Số người đồng ý") != "3" || cell("Họp thôn trả lại") != "Có" {
				t.Errorf("xlsx row of form 2: %v", row)
			}
		case id(3):
			found++
			if cell("Người khiếu nại") != "Bà Triệu Thị Hoa" || cell("Ngày khiếu nại") != "24/11/2026" {
				t.Errorf("xlsx row of form 3: %v", row)
			}
		case id(5):
			found++
			if cell("Số đề nghị rà soát") != "1" || cell("Trả lời đề nghị") != "Công nhận hộ nghèo" || cell("Ngày trả lời đề nghị") != "28/11/2026" {
				t.Errorf("xlsx row of form 5: %v", row)
			}
		}
	}
	if found != 3 {
		t.Errorf("xlsx rows found: %d of 3\n%v", found, xrows)
	}
}
