package export

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"sothon/store"
)

// reviewColumns end every export row: what the village review says of the
// form, empty where it says nothing. The village meeting's vote on it (the
// meeting's day, those present, those who agreed, whether it went back);
// the complaint during the posting that sent it back; the household's
// request for a regular review the form was filled under (made on or
// before the form's day, not answered before the form came).
var reviewColumns = []string{"meeting_day", "meeting_present", "meeting_agreed", "meeting_returned",
	"complaint_day", "complaint_from", "complaint_text",
	"request_id", "request_day", "request_reason", "request_answered", "request_answer"}

// reviewHeaders name the review's columns in the spreadsheet.
var reviewHeaders = []string{"Ngày họp thôn", "Số người dự họp", "Số người đồng ý", "Họp thôn trả lại",
	"Ngày khiếu nại", "Người khiếu nại", "Nội dung khiếu nại",
	"Số đề nghị rà soát", "Ngày đề nghị", "Lý do đề nghị", "Ngày trả lời đề nghị", "Trả lời đề nghị"}

// reviewIndex is the village review's records, looked up by form.
type reviewIndex struct {
	votes      map[uint64]meetingVote           // by the form voted on
	complaints map[uint64]store.Complaint       // by the form sent back
	requests   map[string][]store.ReviewRequest // by household
}

type meetingVote struct {
	store.Vote
	Day     string
	Present int
}

// loadReview reads the meetings and postings of every round and the
// requests of the area's villages.
func loadReview(ctx context.Context, db *store.DB, area string) (reviewIndex, error) {
	ix := reviewIndex{votes: map[uint64]meetingVote{}, complaints: map[uint64]store.Complaint{}, requests: map[string][]store.ReviewRequest{}}
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return ix, fmt.Errorf("export: rounds: %w", err)
	}
	for _, r := range rounds {
		meetings, err := db.Meetings(ctx, r.ID)
		if err != nil {
			return ix, fmt.Errorf("export: meetings: %w", err)
		}
		for _, m := range meetings {
			for _, v := range m.Votes {
				ix.votes[v.Form] = meetingVote{Vote: v, Day: m.Day, Present: m.Present}
			}
		}
		postings, err := db.Postings(ctx, r.ID)
		if err != nil {
			return ix, fmt.Errorf("export: postings: %w", err)
		}
		for _, p := range postings {
			for _, c := range p.Complaints {
				ix.complaints[c.Form] = c
			}
		}
	}
	tops := []string{area}
	if area == "" { // the whole tree: each top area's
		areas, err := db.Areas(ctx)
		if err != nil {
			return ix, fmt.Errorf("export: areas: %w", err)
		}
		tops = nil
		for _, a := range areas {
			if a.Parent == "" {
				tops = append(tops, a.ID)
			}
		}
	}
	for _, top := range tops {
		requests, err := db.Requests(ctx, top)
		if err != nil {
			return ix, fmt.Errorf("export: requests: %w", err)
		}
		for _, rq := range requests {
			ix.requests[rq.Household] = append(ix.requests[rq.Household], rq)
		}
	}
	return ix, nil
}

// request is the household's request a form was filled under: the latest
// made by the form's day and not answered before it.
func (ix reviewIndex) request(s store.Submission) (store.ReviewRequest, bool) {
	var found store.ReviewRequest
	ok := false
	for _, rq := range ix.requests[s.HouseholdID] {
		if s.SubmittedAt.Before(rq.Since()) || (!rq.IsOpen() && s.SubmittedAt.After(rq.Answered)) {
			continue
		}
		if !ok || rq.ID > found.ID {
			found, ok = rq, true
		}
	}
	return found, ok
}

// cells are the review's columns of a form as text (CSV, JSON).
func (ix reviewIndex) cells(s store.Submission, tz *time.Location) []string {
	out := make([]string, len(reviewColumns))
	if v, ok := ix.votes[s.ID]; ok {
		out[0], out[1], out[2], out[3] = v.Day, strconv.Itoa(v.Present), strconv.Itoa(v.Agreed), yesNo(v.Returned)
	}
	if c, ok := ix.complaints[s.ID]; ok {
		out[4], out[5], out[6] = c.Day, c.From, c.Text
	}
	if rq, ok := ix.request(s); ok {
		out[7], out[8], out[9] = strconv.FormatUint(rq.ID, 10), rq.Day, rq.Reason
		if !rq.IsOpen() {
			out[10], out[11] = rq.Answered.In(tz).Format(time.DateOnly), rq.Answer
		}
	}
	return out
}

// xlsxCells are the review's columns as the spreadsheet shows them: days
// as offices write them, numbers as numbers, Có/Không.
func (ix reviewIndex) xlsxCells(s store.Submission, tz *time.Location) []any {
	text := ix.cells(s, tz)
	out := make([]any, len(text))
	for i, v := range text {
		switch {
		case v == "":
			out[i] = nil
		case reviewColumns[i] == "meeting_returned":
			out[i] = map[string]string{"yes": "Có", "no": "Không"}[v]
		case reviewColumns[i] == "meeting_present" || reviewColumns[i] == "meeting_agreed" || reviewColumns[i] == "request_id":
			n, _ := strconv.Atoi(v)
			out[i] = n
		case reviewColumns[i] == "meeting_day" || reviewColumns[i] == "complaint_day" || reviewColumns[i] == "request_day" || reviewColumns[i] == "request_answered":
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				v = d.Format("02/01/2006")
			}
			out[i] = v
		default:
			out[i] = v
		}
	}
	return out
}

// reviewJSON types a review column for JSON: numbers, a boolean, text, or
// null where it does not apply.
func reviewJSON(col, v string) any {
	if v == "" {
		return nil
	}
	switch col {
	case "meeting_present", "meeting_agreed", "request_id":
		n, _ := strconv.Atoi(v)
		return n
	case "meeting_returned":
		return v == "yes"
	}
	return v
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
