package officials

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"sothon/bot"
	"sothon/bot/jobs"
	"sothon/flows"
	"sothon/office"
	"sothon/store"
)

// /niemyet records when a village's lists went up; /khieunai enters a
// complaint made while they are up: the household picked from the
// village's lists, who complains, what about ("khieunai:hh:V",
// "khieunai:from:V:I", "khieunai:what:V:I"; I the household's number on
// the lists). The complainant's name waits in a draft for the last step.

// posting answers /niemyet VILLAGE [dd/mm/yyyy].
func (o *Commands) posting(ctx context.Context, t bot.Turn, args string) {
	fields := strings.Fields(args)
	day := t.At().Format("2006-01-02")
	if n := len(fields); n > 1 {
		if d, ok := parseDay(fields[n-1], t.At()); ok {
			day, fields = d, fields[:n-1]
		} else if d, ok := parseDay(strings.Join(fields[n-2:], " "), t.At()); ok && n > 2 {
			day, fields = d, fields[:n-2]
		}
	}
	if len(fields) == 0 {
		t.Reply("niemyet.usage")
		return
	}
	if n := len(fields); n > 1 && dateShaped.MatchString(fields[n-1]) { // a day that is none, not a part of the name
		t.Reply("niemyet.day_bad", "day", fields[n-1])
		return
	}
	village, ok := o.askedArea(ctx, t, strings.Join(fields, " "))
	if !ok {
		return
	}
	p, err := o.office().RecordPosting(ctx, t.User(), office.PostingEntry{Village: village, Start: day}, t.At())
	if o.refused(t, "posting", err) {
		return
	}
	t.Reply("niemyet.done", "village", o.label(ctx, village), "start", dmy(p.Start), "end", dmy(p.End), "days", p.Days)
}

// dateShaped is a word typed as a day, dd/mm/yyyy or YYYY-MM-DD, whether
// or not such a day exists.
var dateShaped = regexp.MustCompile(`^(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$`)

// complaint answers /khieunai [VILLAGE]: the village's lists to pick the
// household from, while they are up.
func (o *Commands) complaint(ctx context.Context, t bot.Turn, args string) {
	if busy(t, "/khieunai") {
		return
	}
	village, ok := o.villageOf(ctx, t, args)
	if !ok {
		return
	}
	p, _, err := o.office().Posting(ctx, t.User(), village, 0)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.Reply("office.complaint_not_posted")
		return
	case o.refused(t, "posting", err):
		return
	case !p.Open(t.At().Format("2006-01-02")):
		t.Reply("office.complaint_window", "start", dmy(p.Start), "end", dmy(p.End))
		return
	}
	all, ok := o.listed(ctx, t, village)
	if !ok {
		return
	}
	askHousehold(t, t.T("khieunai.ask_household", "village", o.label(ctx, village)), "khieunai:hh:"+village, all, nil)
}

// listed are the households on a village's lists, as a complaint picks them.
func (o *Commands) listed(ctx context.Context, t bot.Turn, village string) ([]pickable, bool) {
	a, err := o.office().MeetingAgenda(ctx, t.User(), village, 0)
	if o.refused(t, "agenda", err) {
		return nil, false
	}
	out := make([]pickable, len(a.Items))
	for i, it := range a.Items {
		out[i] = pickable{ID: it.Household.ID, Name: it.Household.HeadName}
	}
	if len(out) == 0 {
		t.Reply("hop.no_lists", "village", a.Village.Name, "round", a.Round.Name)
		return nil, false
	}
	return out, true
}

// pressComplaint takes the household, who complains, and what about.
func (o *Commands) pressComplaint(ctx context.Context, t bot.Turn, question, answer string) {
	parts := strings.Split(question, ":")
	if len(parts) < 3 {
		t.Stale()
		return
	}
	step, village := parts[1], parts[2]
	all, ok := o.listed(ctx, t, village)
	if !ok {
		return
	}
	if step == "hh" {
		intro := t.T("khieunai.ask_household", "village", o.label(ctx, village))
		if i := pickHousehold(t, intro, question, all, answer); i >= 0 {
			t.Ask(t.T("khieunai.ask_from", "household", all[i].Name), "khieunai:from:"+village+":"+strconv.Itoa(i+1), nil)
		}
		return
	}
	i, err := strconv.Atoi(parts[len(parts)-1])
	if len(parts) != 4 || err != nil || i < 1 || i > len(all) {
		t.Stale()
		return
	}
	text := strings.Join(strings.Fields(answer), " ")
	switch step {
	case "from":
		if text == "" || len([]rune(text)) > 100 {
			t.Reply("office.complaint_bad")
			t.Ask(t.T("khieunai.ask_from", "household", all[i-1].Name), question, nil)
			return
		}
		if err := o.keep(ctx, t, "khieunai", text); err != nil {
			o.failed(t, "complaint draft", err)
			return
		}
		t.Ask(t.T("khieunai.ask_what", "from", text), "khieunai:what:"+village+":"+parts[3], nil)
	case "what":
		from, err := o.kept(ctx, t, "khieunai")
		if err != nil || from == "" {
			t.Reply("khieunai.start_again")
			return
		}
		if n := len([]rune(text)); n < 3 || n > 300 { // asked again, as /yeucau asks its reason
			if err := o.keep(ctx, t, "khieunai", from); err != nil {
				o.failed(t, "complaint draft", err)
				return
			}
			t.Reply("khieunai.what_bad")
			t.Ask(t.T("khieunai.ask_what", "from", from), question, nil)
			return
		}
		c, err := o.office().AddComplaint(ctx, t.User(), office.ComplaintEntry{Village: village, Household: all[i-1].ID, From: from, Text: text}, t.At())
		if o.refused(t, "complaint", err) {
			return
		}
		t.Reply("khieunai.done", "household", all[i-1].Name, "from", c.From, "id", c.Form)
		if t.User().Role != store.RoleHead {
			o.tellHeads(ctx, t, village, c.Form, all[i-1].Name, t.T("office.complaint_reason", "from", c.From, "text", c.Text))
		}
	default:
		t.Stale()
	}
}

// decision answers /quyetdinh NUMBER dd/mm/yyyy: the commune's decision
// recorded, which closes its round.
func (o *Commands) decision(ctx context.Context, t bot.Turn, args string) {
	fields := strings.Fields(args)
	if len(fields) < 2 {
		t.Reply("quyetdinh.usage")
		return
	}
	day, ok := parseDay(fields[len(fields)-1], t.At())
	if !ok {
		t.Reply("quyetdinh.usage")
		return
	}
	number := strings.Join(fields[:len(fields)-1], " ")
	r, err := o.office().RecordDecision(ctx, t.User(), office.DecisionEntry{Number: number, Day: day}, t.At())
	if o.refused(t, "decision", err) {
		return
	}
	t.Reply("quyetdinh.done", "number", r.Decision.Number, "day", dmy(r.Decision.Day), "round", r.Name)
}

// tellHeads tells a village's heads that a form of theirs went back for
// review, with the button that reopens it, outside the quiet hours.
func (o *Commands) tellHeads(ctx context.Context, t bot.Turn, village string, form uint64, household, reason string) {
	heads, err := o.headsOf(ctx, village)
	if err != nil {
		o.Log.Error("heads of a village", "err", err)
		return
	}
	var msgs []store.Message
	for _, h := range heads {
		for _, id := range h.chats {
			msgs = append(msgs, store.Message{Channel: id.Channel, ChatID: id.ChatID, NotBefore: jobs.NotBefore(t.At()),
				Text:     o.Catalog.T(h.Lang, "review.returned_to_head", "id", form, "household", household, "reason", reason),
				Question: bot.FixQuestion(form), Options: []flows.Option{{Key: "1", Label: o.Catalog.T(h.Lang, "review.fix")}}})
		}
	}
	if len(msgs) == 0 {
		return
	}
	// The first head's next "1" typed reopens the form, as after a review.
	h := heads[0].User
	h.Awaiting = bot.FixQuestion(form)
	applied, err := o.Store.Apply(ctx, store.Change{At: t.At(), User: &h, Replies: func(store.Applied) []store.Message { return msgs }})
	queued := applied.Queued
	if err != nil {
		o.Log.Error("tell heads", "err", err)
		return
	}
	t.Wake(queued)
}
