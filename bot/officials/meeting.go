package officials

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"sothon/bot"
	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/store"
)

// /hop holds a village's meeting (họp thôn) in the chat: its day,
// attendance and the people who sign the minutes, then household by
// household how many agreed, then the close, which sends back the
// households fewer than half agreed with. What was recorded is the
// meeting's, in the store: /hop again goes on from where it stopped.
//
// Its questions: "hop:day:V", "hop:present:V:DAY", "hop:chair:V:DAY:N",
// "hop:secretary:V:DAY:N", "hop:front:V:DAY:N" (V the village, DAY
// YYYYMMDD, N those present), and "hop:vote:V:I" (the I-th household of
// the agenda). The names typed wait in a draft until the meeting opens.

// meeting answers /hop [VILLAGE].
func (o *Commands) meeting(ctx context.Context, t bot.Turn, args string) {
	if busy(t, "/hop") {
		return
	}
	village, ok := o.villageOf(ctx, t, args)
	if !ok {
		return
	}
	o.meetingNext(ctx, t, village, true)
}

// meetingNext asks the meeting's next question, wherever it stands.
func (o *Commands) meetingNext(ctx context.Context, t bot.Turn, village string, fresh bool) {
	a, err := o.office().MeetingAgenda(ctx, t.User(), village, 0)
	if o.refused(t, "meeting", err) {
		return
	}
	name := a.Village.Name
	switch a.Meeting.State() {
	case store.MeetingHeld:
		t.Reply("hop.held", "village", name, "day", dmy(a.Meeting.Day), "returned", returnedIn(a.Meeting))
	case store.MeetingNone:
		if len(a.Items) == 0 {
			t.Reply("hop.no_lists", "village", name, "round", a.Round.Name)
			return
		}
		ask(t, t.T("hop.ask_day", "village", name, "round", a.Round.Name, "count", len(a.Items)), "hop:day:"+village,
			[]flows.Option{{Key: "1", Label: t.T("hop.today", "day", t.At().Format("02/01/2006"))}})
	default:
		next := -1
		for i, it := range a.Items {
			if it.Vote == nil {
				next = i
				break
			}
		}
		if next < 0 {
			o.closeMeeting(ctx, t, a)
			return
		}
		if fresh {
			t.Reply("hop.resume", "village", name, "day", dmy(a.Meeting.Day), "done", len(a.Items)-a.Missing(), "count", len(a.Items))
		}
		it := a.Items[next]
		lists := make([]string, len(it.Lists))
		for i, k := range it.Lists {
			lists[i] = t.T("hop.list." + k)
		}
		present := a.Meeting.Present
		ask(t, t.T("hop.ask_vote", "n", next+1, "count", len(a.Items), "household", it.Household.HeadName,
			"lists", strings.Join(lists, ", "), "present", present),
			"hop:vote:"+village+":"+strconv.Itoa(next+1),
			[]flows.Option{{Key: strconv.Itoa(present), Label: t.T("hop.all_agreed")}})
	}
}

// offerMeeting reminds a head in the menu of the village's meeting while
// the round has lists to vote on and the meeting is not over.
func (o *Commands) offerMeeting(ctx context.Context, t bot.Turn) string {
	if t.User().Role != store.RoleHead {
		return ""
	}
	a, err := o.office().MeetingAgenda(ctx, t.User(), t.User().AreaID, 0)
	if err != nil || len(a.Items) == 0 || !a.Round.Annual() { // a regular round's lists need no meeting
		return ""
	}
	switch a.Meeting.State() {
	case store.MeetingNone:
		return t.T("hop.offer", "count", len(a.Items), "round", a.Round.Name)
	case store.MeetingInProgress:
		return t.T("hop.offer_resume", "done", len(a.Items)-a.Missing(), "count", len(a.Items))
	}
	return ""
}

// returnedIn counts the households a meeting sent back.
func returnedIn(m store.Meeting) int {
	n := 0
	for _, v := range m.Votes {
		if v.Returned {
			n++
		}
	}
	return n
}

// dmy writes YYYY-MM-DD as dd/mm/yyyy.
func dmy(day string) string {
	if len(day) != 10 {
		return day
	}
	return day[8:] + "/" + day[5:7] + "/" + day[:4]
}

// pressMeeting takes the answer to one of the meeting's questions.
func (o *Commands) pressMeeting(ctx context.Context, t bot.Turn, question, answer string) {
	parts := strings.Split(question, ":")
	if len(parts) < 3 {
		t.Stale()
		return
	}
	step, village, rest := parts[1], parts[2], parts[3:]
	answer = strings.TrimSpace(answer)
	switch {
	case step == "day":
		o.meetingDay(ctx, t, village, answer)
	case step == "present" && len(rest) == 1:
		o.meetingPresent(ctx, t, village, rest[0], answer)
	case (step == "chair" || step == "secretary" || step == "front") && len(rest) == 2:
		o.meetingName(ctx, t, step, village, rest, answer)
	case step == "vote" && len(rest) == 1:
		o.meetingVote(ctx, t, village, rest[0], answer)
	default:
		t.Stale()
	}
}

func (o *Commands) meetingDay(ctx context.Context, t bot.Turn, village, answer string) {
	day, ok := parseDay(answer, t.At())
	if answer == "1" {
		day, ok = t.At().Format("2006-01-02"), true
	}
	if !ok || day > t.At().Format("2006-01-02") {
		t.Reply("hop.day_bad")
		ask(t, t.T("hop.ask_day_again"), "hop:day:"+village, []flows.Option{{Key: "1", Label: t.T("hop.today", "day", t.At().Format("02/01/2006"))}})
		return
	}
	t.Ask(t.T("hop.ask_present", "day", dmy(day)), "hop:present:"+village+":"+compactDay(day), nil)
}

func (o *Commands) meetingPresent(ctx context.Context, t bot.Turn, village, day, answer string) {
	n, err := strconv.Atoi(answer)
	if err != nil || n < 1 || n > office.MaxPresent {
		t.Reply("hop.present_bad", "max", locales.Number(t.Lang(), office.MaxPresent, 0))
		t.Ask(t.T("hop.ask_present_again"), "hop:present:"+village+":"+day, nil)
		return
	}
	t.Ask(t.T("hop.ask_chair"), "hop:chair:"+village+":"+day+":"+strconv.Itoa(n), nil)
}

// nameQuestions ask for the names the minutes are signed with, by step.
var nameQuestions = map[string]string{"chair": "hop.ask_chair", "secretary": "hop.ask_secretary", "front": "hop.ask_front"}

// meetingName takes the chair's, the secretary's or the Front
// representative's name; the last opens the meeting.
func (o *Commands) meetingName(ctx context.Context, t bot.Turn, step, village string, rest []string, answer string) {
	name := strings.Join(strings.Fields(answer), " ")
	tail := village + ":" + rest[0] + ":" + rest[1]
	if n := utf8.RuneCountInString(name); n < 2 || n > 100 || strings.Contains(name, "\n") {
		t.Reply("hop.name_bad")
		t.Ask(t.T(nameQuestions[step]), "hop:"+step+":"+tail, nil)
		return
	}
	switch step {
	case "chair":
		if err := o.keep(ctx, t, "hop", name); err != nil {
			o.failed(t, "meeting draft", err)
			return
		}
		t.Ask(t.T("hop.ask_secretary"), "hop:secretary:"+tail, nil)
		return
	case "secretary":
		chair, err := o.kept(ctx, t, "hop")
		if err == nil && chair != "" {
			err = o.keep(ctx, t, "hop", chair+"\n"+name)
		}
		if err != nil || chair == "" {
			t.Reply("hop.start_again")
			return
		}
		t.Ask(t.T("hop.ask_front"), "hop:front:"+tail, nil)
		return
	}
	names, err := o.kept(ctx, t, "hop")
	chair, secretary, ok := strings.Cut(names, "\n")
	day, dayOK := expandDay(rest[0])
	present, perr := strconv.Atoi(rest[1])
	if err != nil || !ok || !dayOK || perr != nil {
		t.Reply("hop.start_again")
		return
	}
	_, err = o.office().OpenMeeting(ctx, t.User(), office.MeetingOpening{Village: village, Day: day, Present: present,
		Chair: chair, Secretary: secretary, Front: name}, t.At())
	if o.refused(t, "open meeting", err) {
		return
	}
	t.Reply("hop.opened", "day", dmy(day), "present", present, "chair", chair, "secretary", secretary, "front", name)
	o.meetingNext(ctx, t, village, false)
}

// meetingVote records how many agreed with the I-th household and asks
// for the next, or closes the meeting after the last.
func (o *Commands) meetingVote(ctx context.Context, t bot.Turn, village, index, answer string) {
	i, _ := strconv.Atoi(index)
	a, err := o.office().MeetingAgenda(ctx, t.User(), village, 0)
	if o.refused(t, "meeting", err) {
		return
	}
	if i < 1 || i > len(a.Items) || a.Meeting.State() != store.MeetingInProgress {
		t.Stale()
		o.meetingNext(ctx, t, village, true)
		return
	}
	v := office.VoteEntry{Village: village, Household: a.Items[i-1].Household.ID}
	switch n, err := strconv.Atoi(answer); {
	case err == nil:
		v.Agreed = n
	case allAgreed(answer):
		v.All = true
	default:
		t.Reply("office.meeting_vote_bad", "present", a.Meeting.Present)
		o.meetingNext(ctx, t, village, false)
		return
	}
	m, err := o.office().RecordVote(ctx, t.User(), v, t.At())
	if o.refused(t, "vote", err) {
		o.meetingNext(ctx, t, village, false)
		return
	}
	if got, ok := m.VoteOf(v.Household); ok && !got.Passes(m.Present) {
		t.Reply("hop.short", "household", a.Items[i-1].Household.HeadName, "agreed", got.Agreed, "present", m.Present)
	}
	o.meetingNext(ctx, t, village, false)
}

// allAgreed reads "tất cả" (all) typed for a vote.
func allAgreed(s string) bool {
	switch flows.Fold(strings.ToLower(strings.TrimSpace(s))) {
	case "tat ca", "tat ca dong y", "all":
		return true
	}
	return false
}

// closeMeeting closes a meeting whose households all have a vote, and
// names those that go back.
func (o *Commands) closeMeeting(ctx context.Context, t bot.Turn, a office.Agenda) {
	m, err := o.office().CloseMeeting(ctx, t.User(), a.Village.ID, a.Round.ID, t.At())
	if o.refused(t, "close meeting", err) {
		return
	}
	var back []string
	for _, it := range a.Items {
		if v, ok := m.VoteOf(it.Household.ID); ok && v.Returned {
			back = append(back, t.T("hop.back_line", "household", it.Household.HeadName, "agreed", v.Agreed, "present", m.Present))
		}
	}
	if len(back) == 0 {
		t.Reply("hop.closed_all", "village", a.Village.Name, "count", len(a.Items))
		return
	}
	t.ReplyText(t.T("hop.closed", "village", a.Village.Name, "count", len(a.Items), "returned", len(back)) + "\n" + strings.Join(back, "\n"))
}
