package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/office"
	"sothon/store"
	"sothon/tree"
)

// The review after the forms (issue 20), as the commune follows and keeps
// it: each village's meeting, posting and complaints, the commune's
// decision; the meeting's results from the paper minutes when the head has
// no phone. Every rule is the office's; the console asks and renders.

// villageReview is one village's line on the review page.
type villageReview struct {
	ID, Label          string
	Households, Listed int
	Meeting            string // in words
	MeetingDay         string
	Present, Votes     int
	Returned           int
	Posting            string // in words
	PostStart, PostEnd string
	Complaints, Open   int
	Final, Pending     bool
	// What the commune may do for it now.
	CanPost, CanComplain bool
	Choices              []householdChoice // its households on the lists, for a complaint
}

type householdChoice struct{ ID, Name string }

// complaintRow is a complaint with its outcome, as the page says it.
type complaintRow struct {
	Village, Household, From, Text, Day string
	Open                                bool
	Outcome                             string // the class it was approved as again; "" while open
}

type reviewPage struct {
	frame
	Area      tree.Area
	Label     string
	Round     store.Round
	RoundOpen bool
	Villages  []villageReview
	Complaint []complaintRow
	// Blocking are the villages whose lists are not final.
	Blocking    []string
	CanDecide   bool // an official or admin, the round open for this very area, nothing blocking
	DecisionDay string
	Today       string
}

// review shows where each village of an area of the user's stands in a
// round (?round=, the open one or the latest by default), with the forms
// of what the commune records.
func (c *Console) review(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	area := cmp.Or(r.URL.Query().Get("area"), u.AreaID)
	round, _ := strconv.ParseUint(r.URL.Query().Get("round"), 10, 64)
	today := c.now()
	p, err := c.office().ReviewProgress(r.Context(), u, area, round, today)
	if err != nil {
		c.refused(w, r, u, err, "review", "/")
		return
	}
	list, err := c.Store.Areas(r.Context())
	if err != nil {
		c.unavailable(w, "areas", err)
		return
	}
	areas := indexAreas(list)
	meetings, err := c.Store.Meetings(r.Context(), p.Round.ID)
	if err != nil {
		c.unavailable(w, "meetings", err)
		return
	}
	byVillage := map[string]store.Meeting{}
	for _, m := range meetings {
		byVillage[m.AreaID] = m
	}
	t := c.t(u.Lang)
	page := reviewPage{frame: c.frame(r, u, session), Area: p.Area, Label: areas.label(p.Area.ID), Round: p.Round,
		RoundOpen: p.Round.IsOpen(), Today: today.Format(time.DateOnly)}
	if d := p.Round.Decision; d != nil {
		page.DecisionDay = dayText(d.Day)
	}
	for _, v := range p.Villages {
		m := byVillage[v.Village.ID]
		row := villageReview{ID: v.Village.ID, Label: areas.label(v.Village.ID), Households: v.Households, Listed: v.Listed,
			Meeting: t("web.review_meeting." + cmp.Or(v.Meeting, "none")), MeetingDay: dayText(v.MeetingDay), Present: m.Present,
			Votes: len(m.Votes), Returned: v.Returned, Posting: t("web.review_posting." + cmp.Or(v.Posting, "none")),
			PostStart: dayText(v.PostStart), PostEnd: dayText(v.PostEnd), Complaints: v.Complaints, Open: v.OpenComplaints,
			Final: v.Final, Pending: v.Pending()}
		if page.RoundOpen {
			row.CanPost = v.Meeting == store.MeetingHeld && v.Posting == office.PostingNone
			row.CanComplain = v.Posting == office.PostingOpen
		}
		if row.CanComplain {
			agenda, err := c.office().MeetingAgenda(r.Context(), u, v.Village.ID, p.Round.ID)
			if err != nil {
				c.refused(w, r, u, err, "agenda", "/")
				return
			}
			for _, it := range agenda.Items {
				row.Choices = append(row.Choices, householdChoice{ID: it.Household.ID, Name: it.Household.HeadName})
			}
		}
		if v.Posting != office.PostingNone && v.Complaints > 0 {
			_, views, err := c.office().Posting(r.Context(), u, v.Village.ID, p.Round.ID)
			if err != nil {
				c.refused(w, r, u, err, "posting", "/")
				return
			}
			for _, cv := range views {
				cr := complaintRow{Village: areas.label(v.Village.ID), Household: c.householdName(r, cv.Household), From: cv.From,
					Text: cv.Text, Day: dayText(cv.Day), Open: cv.Open}
				if !cv.Open {
					cr.Outcome = t("lists.class." + cmp.Or(cv.Outcome.Class, "none"))
				}
				page.Complaint = append(page.Complaint, cr)
			}
		}
		page.Villages = append(page.Villages, row)
	}
	for _, v := range p.NotFinal() {
		page.Blocking = append(page.Blocking, areas.label(v.Village.ID))
	}
	page.CanDecide = page.RoundOpen && len(page.Blocking) == 0 && (u.Role == store.RoleOfficial || u.Role == store.RoleAdmin) &&
		(p.Round.AreaID == p.Area.ID || p.Round.AreaID == "" && p.Area.Parent == "")
	c.render(w, http.StatusOK, "web_review.html", page)
}

// householdName is a household's head's name, or its id when unknown.
func (c *Console) householdName(r *http.Request, id string) string {
	if h, err := c.Store.Household(r.Context(), id); err == nil && h.HeadName != "" {
		return h.HeadName
	}
	return id
}

// dayText shows a YYYY-MM-DD day as offices write it; "" stays "".
func dayText(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02/01/2006")
}

// reviewBack is the review page a form came from: its area and round.
func reviewBack(r *http.Request) string {
	q := url.Values{}
	if a := r.PostFormValue("back"); a != "" {
		q.Set("area", a)
	}
	if id := r.PostFormValue("round"); id != "" {
		q.Set("round", id)
	}
	return "/review?" + q.Encode()
}

// formRound is the round a form names, 0 (the open one) when it names none.
func formRound(r *http.Request) uint64 {
	id, _ := strconv.ParseUint(r.PostFormValue("round"), 10, 64)
	return id
}

// postForm is a logged-in user's posted form with its token checked.
func (c *Console) postForm(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	u, session, ok := c.user(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return u, false
	}
	return u, true
}

// recordPosting records the first day of a village's posting.
func (c *Console) recordPosting(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := reviewBack(r)
	_, err := c.office().RecordPosting(r.Context(), u, office.PostingEntry{Village: r.PostFormValue("village"), Round: formRound(r),
		Start: r.PostFormValue("start")}, c.now())
	c.answered(w, r, u, err, "posting", back)
}

// addComplaint enters a complaint about a household of a posted village.
func (c *Console) addComplaint(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := reviewBack(r)
	_, err := c.office().AddComplaint(r.Context(), u, office.ComplaintEntry{Village: r.PostFormValue("village"), Round: formRound(r),
		Household: r.PostFormValue("household"), From: r.PostFormValue("from"), Text: r.PostFormValue("text")}, c.now())
	c.answered(w, r, u, err, "complaint", back)
}

// recordDecision records the commune's decision, closing its round.
func (c *Console) recordDecision(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := reviewBack(r)
	_, err := c.office().RecordDecision(r.Context(), u, office.DecisionEntry{AreaID: r.PostFormValue("area"), Round: formRound(r),
		Number: r.PostFormValue("number"), Day: r.PostFormValue("day")}, c.now())
	c.answered(w, r, u, err, "decision", back)
}

// agendaRow is a household the meeting votes on, as the minutes page shows it.
type agendaRow struct {
	ID, Name, Class string
	Agreed          string // "" with no vote yet
	Returned        bool
}

type meetingPage struct {
	frame
	Village  tree.Area
	Label    string
	Back     string // the village's commune's review page
	Round    store.Round
	Meeting  store.Meeting
	State    string
	Day      string
	Rows     []agendaRow
	Missing  int
	Today    string
	Returned int
}

// meeting is a village's meeting as the commune enters it from the paper
// minutes: a form to open it, then each household's count, then closing.
func (c *Console) meeting(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	round, _ := strconv.ParseUint(r.URL.Query().Get("round"), 10, 64)
	a, err := c.office().MeetingAgenda(r.Context(), u, r.URL.Query().Get("village"), round)
	if err != nil {
		c.refused(w, r, u, err, "meeting", "/")
		return
	}
	_, label, _ := c.Store.AreaLabel(r.Context(), a.Village.ID)
	t := c.t(u.Lang)
	page := meetingPage{frame: c.frame(r, u, session), Village: a.Village, Label: label, Round: a.Round, Meeting: a.Meeting,
		State: t("web.review_meeting." + cmp.Or(a.Meeting.State(), "none")), Day: dayText(a.Meeting.Day), Missing: a.Missing(),
		Today: c.now().Format(time.DateOnly), Back: "/review?area=" + url.QueryEscape(a.Village.Parent) + "&round=" + strconv.FormatUint(a.Round.ID, 10)}
	if a.Meeting.Held() {
		// The minutes as closed: every vote, those sent back included (no
		// longer on the lists).
		for _, v := range a.Meeting.Votes {
			page.Rows = append(page.Rows, agendaRow{ID: v.Household, Name: c.householdName(r, v.Household),
				Class: t("lists.class." + cmp.Or(v.Class, "none")), Agreed: strconv.Itoa(v.Agreed), Returned: v.Returned})
			if v.Returned {
				page.Returned++
			}
		}
	} else {
		for _, it := range a.Items {
			row := agendaRow{ID: it.Household.ID, Name: it.Household.HeadName, Class: t("lists.class." + cmp.Or(it.Class, "none"))}
			if it.Vote != nil {
				row.Agreed = strconv.Itoa(it.Vote.Agreed)
			}
			page.Rows = append(page.Rows, row)
		}
	}
	c.render(w, http.StatusOK, "web_meeting.html", page)
}

// meetingBack is the meeting page a form came from.
func meetingBack(r *http.Request) string {
	return "/review/meeting?" + url.Values{"village": {r.PostFormValue("village")}, "round": {r.PostFormValue("round")}}.Encode()
}

// openMeeting opens a village's meeting from its minutes' heading.
func (c *Console) openMeeting(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := meetingBack(r)
	present, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("present")))
	if err != nil {
		present = 0 // the office refuses it, saying what a meeting needs
	}
	_, err = c.office().OpenMeeting(r.Context(), u, office.MeetingOpening{Village: r.PostFormValue("village"), Round: formRound(r),
		Day: r.PostFormValue("day"), Present: present, Chair: r.PostFormValue("chair"), Secretary: r.PostFormValue("secretary"),
		Front: r.PostFormValue("front")}, c.now())
	c.answered(w, r, u, err, "open meeting", back)
}

// recordVotes records the counts of the minutes: a field agreed.<household>
// per household, a number or "tất cả" (everyone present), blank for one
// not entered yet; the office checks every count before it records any.
func (c *Console) recordVotes(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := meetingBack(r)
	village, round := r.PostFormValue("village"), formRound(r)
	var votes []office.VoteEntry
	for key, values := range r.PostForm {
		household, ok := strings.CutPrefix(key, "agreed.")
		value := strings.TrimSpace(strings.Join(values, ""))
		if !ok || value == "" {
			continue
		}
		all := slices.Contains([]string{"tat ca", "all"}, flows.Fold(value))
		n, err := strconv.Atoi(value)
		if !all && err != nil {
			n = -1 // not a number: the office refuses it, saying the range
		}
		votes = append(votes, office.VoteEntry{Household: household, Agreed: n, All: all})
	}
	slices.SortFunc(votes, func(x, y office.VoteEntry) int { return strings.Compare(x.Household, y.Household) })
	_, err := c.office().RecordVotes(r.Context(), u, village, round, votes, c.now())
	c.answered(w, r, u, err, "votes", back)
}

// closeMeeting closes a village's meeting once every household has its count.
func (c *Console) closeMeeting(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := meetingBack(r)
	_, err := c.office().CloseMeeting(r.Context(), u, r.PostFormValue("village"), formRound(r), c.now())
	c.answered(w, r, u, err, "close meeting", back)
}

// requestRow is a household's request for review as the page shows it.
type requestRow struct {
	ID                                 uint64
	Village, Household, Reason, Day    string
	Due, State, Answer, Answered, Form string
	Open, Late, Remind                 bool
}

type requestsPage struct {
	frame
	Area  string
	Label string
	All   bool
	Rows  []requestRow
	Late  int
}

// requests lists the requests for a regular review of an area of the
// user's: the open ones (?all=1: the answered ones too), late ones first,
// each open one with a form for the commune's answer.
func (c *Console) requests(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.user(w, r)
	if !ok {
		return
	}
	area := cmp.Or(r.URL.Query().Get("area"), u.AreaID)
	all := r.URL.Query().Get("all") == "1"
	which := office.OpenRequests
	if all {
		which = office.AllRequests
	}
	rows, err := c.office().Requests(r.Context(), u, area, which, c.now())
	if err != nil {
		c.refused(w, r, u, err, "requests", "/")
		return
	}
	list, err := c.Store.Areas(r.Context())
	if err != nil {
		c.unavailable(w, "areas", err)
		return
	}
	areas := indexAreas(list)
	t := c.t(u.Lang)
	page := requestsPage{frame: c.frame(r, u, session), Area: area, Label: areas.label(area), All: all}
	for _, rq := range rows {
		row := requestRow{ID: rq.ID, Village: areas.label(rq.AreaID), Household: c.householdName(r, rq.Household), Reason: rq.Reason,
			Day: dayText(rq.Day), Due: dayText(rq.DueOn()), State: t("web.request_state." + rq.State), Answer: rq.Answer,
			Open: rq.IsOpen(), Late: rq.Late, Remind: rq.RemindDue}
		if rq.Form != 0 {
			row.Form = strconv.FormatUint(rq.Form, 10)
		}
		if !rq.IsOpen() {
			row.Answered = c.day(rq.Answered)
		}
		if row.Late && row.Open {
			page.Late++
		}
		page.Rows = append(page.Rows, row)
	}
	// Late first, then those due a reminder; the oldest first within each.
	rank := func(x requestRow) int {
		switch {
		case x.Open && x.Late:
			return 0
		case x.Remind:
			return 1
		case x.Open:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(page.Rows, func(x, y requestRow) int { return cmp.Compare(rank(x), rank(y)) })
	c.render(w, http.StatusOK, "web_requests.html", page)
}

// answerRequest records the commune's answer to a request.
func (c *Console) answerRequest(w http.ResponseWriter, r *http.Request) {
	u, ok := c.postForm(w, r)
	if !ok {
		return
	}
	back := "/requests?" + url.Values{"area": {cmp.Or(r.PostFormValue("back"), u.AreaID)}}.Encode()
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	_, queued, err := c.office().AnswerRequest(r.Context(), u, id, r.PostFormValue("answer"), c.now())
	if err != nil {
		c.refused(w, r, u, err, "answer request", back)
		return
	}
	if c.Notify != nil {
		c.Notify(queued)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// meetingStates words each dashboard row's meeting state in the open
// round: a village's own, or for an area above villages how many of its
// villages in the round held theirs. It takes the meetings from the
// villages' progress the dashboard read (p, the page's area in the open
// round), not the households: a province's dashboard stays quick.
func (c *Console) meetingStates(u store.User, p office.Progress, rows []string) map[string]string {
	isRow := make(map[string]bool, len(rows))
	for _, id := range rows {
		isRow[id] = true
	}
	t := c.t(u.Lang)
	out := map[string]string{}
	held, total := map[string]int{}, map[string]int{}
	base := p.Area.ID + "/"
	for _, v := range p.Villages {
		id := v.Village.ID
		if isRow[id] {
			word := t("web.review_meeting." + cmp.Or(v.Meeting, "none"))
			if v.MeetingDay != "" {
				word += " " + dayText(v.MeetingDay)
			}
			out[id] = word
		}
		// The row the village lies within: the page's sub-area on its
		// way (the progress holds only villages within the page's area,
		// tree.Within's, so their ids are plain).
		rest, ok := strings.CutPrefix(id, base)
		if !ok {
			continue
		}
		first, _, below := strings.Cut(rest, "/")
		if row := id[:len(base)+len(first)]; below && isRow[row] {
			total[row]++
			if v.Meeting == store.MeetingHeld {
				held[row]++
			}
		}
	}
	for id, n := range total {
		out[id] = t("web.review_meetings_held", "held", held[id], "total", n)
	}
	return out
}
