package officials

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"sothon/bot"
	"sothon/flows"
	"sothon/office"
	"sothon/tree"
)

// /yeucau enters a household's request for a regular review: the
// household picked from the village's register, then the reason
// ("yeucau:hh:V", "yeucau:why:V:I"; I the household's number in the
// register by name). /traloi lists the requests waiting for the commune's
// answer, or answers one.

// request answers /yeucau [VILLAGE].
func (o *Commands) request(ctx context.Context, t bot.Turn, args string) {
	if busy(t, "/yeucau") {
		return
	}
	village, ok := o.villageOf(ctx, t, args)
	if !ok {
		return
	}
	if a, err := o.office().Area(ctx, t.User(), village); err == nil && a.Kind != tree.Village {
		t.Reply("office.review_village") // a ward's register is its villages', asked of one of them
		return
	}
	all, ok := o.register(ctx, t, village)
	if !ok {
		return
	}
	askHousehold(t, t.T("yeucau.ask_household", "village", o.label(ctx, village)), "yeucau:hh:"+village, all, nil)
}

// register is a village's households by the head's name, as a request
// picks them.
func (o *Commands) register(ctx context.Context, t bot.Turn, village string) ([]pickable, bool) {
	entries, err := o.Store.Register(ctx, village)
	if err != nil {
		o.failed(t, "register", err)
		return nil, false
	}
	out := make([]pickable, len(entries))
	for i, e := range entries {
		out[i] = pickable{ID: e.ID, Name: e.HeadName}
	}
	slices.SortStableFunc(out, func(a, b pickable) int {
		return cmp.Or(cmp.Compare(flows.Fold(a.Name), flows.Fold(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	if len(out) == 0 {
		t.Reply("yeucau.no_households", "village", o.label(ctx, village))
		return nil, false
	}
	return out, true
}

// pressRequest takes the household, then the reason, which enters the request.
func (o *Commands) pressRequest(ctx context.Context, t bot.Turn, question, answer string) {
	parts := strings.Split(question, ":")
	if len(parts) < 3 {
		t.Stale()
		return
	}
	step, village := parts[1], parts[2]
	all, ok := o.register(ctx, t, village)
	if !ok {
		return
	}
	switch {
	case step == "hh":
		intro := t.T("yeucau.ask_household", "village", o.label(ctx, village))
		if i := pickHousehold(t, intro, question, all, answer); i >= 0 {
			t.Ask(t.T("yeucau.ask_reason", "household", all[i].Name), "yeucau:why:"+village+":"+strconv.Itoa(i+1), nil)
		}
	case step == "why" && len(parts) == 4:
		i, err := strconv.Atoi(parts[3])
		if err != nil || i < 1 || i > len(all) {
			t.Stale()
			return
		}
		if n := len([]rune(strings.Join(strings.Fields(answer), " "))); n < 3 || n > 300 {
			t.Reply("yeucau.reason_bad")
			t.Ask(t.T("yeucau.ask_reason", "household", all[i-1].Name), question, nil)
			return
		}
		r, err := o.office().AddRequest(ctx, t.User(), office.RequestEntry{Village: village, Household: all[i-1].ID, Reason: answer}, t.At())
		if o.refused(t, "request", err) {
			return
		}
		t.Reply("yeucau.done", "id", r.ID, "household", all[i-1].Name, "due", dmy(r.DueOn()))
	default:
		t.Stale()
	}
}

// answerRequest answers /traloi [ID TEXT]: without them, the requests of
// the user's area waiting for an answer.
func (o *Commands) answerRequest(ctx context.Context, t bot.Turn, args string) {
	idText, text, _ := strings.Cut(strings.TrimSpace(args), " ")
	if idText == "" {
		o.openRequests(ctx, t)
		return
	}
	id, err := strconv.ParseUint(strings.TrimPrefix(idText, "#"), 10, 64)
	if err != nil || strings.TrimSpace(text) == "" {
		t.Reply("traloi.usage")
		return
	}
	r, queued, err := o.office().AnswerRequest(ctx, t.User(), id, text, t.At())
	if o.refused(t, "answer request", err) {
		return
	}
	t.Wake(queued)
	t.Reply("traloi.done", "id", r.ID, "household", o.householdName(ctx, r.Household), "village", o.label(ctx, r.AreaID))
}

// openRequests lists the requests of the user's area still to answer.
func (o *Commands) openRequests(ctx context.Context, t bot.Turn) {
	rows, err := o.office().Requests(ctx, t.User(), "", office.OpenRequests, t.At())
	if o.refused(t, "requests", err) {
		return
	}
	if len(rows) == 0 {
		t.Reply("traloi.none")
		return
	}
	lines := []string{t.T("traloi.open", "count", len(rows))}
	for _, r := range rows {
		key := "traloi.line"
		if r.Late {
			key = "traloi.line_late"
		}
		lines = append(lines, t.T(key, "id", r.ID, "household", o.householdName(ctx, r.Household), "village", o.label(ctx, r.AreaID),
			"day", dmy(r.Day), "due", dmy(r.DueOn()), "reason", r.Reason, "state", t.T("request.state."+r.State)))
	}
	lines = append(lines, t.T("traloi.usage"))
	t.ReplyText(strings.Join(lines, "\n"))
}

// householdName is a household's head's name, or its id when it cannot be read.
func (o *Commands) householdName(ctx context.Context, id string) string {
	if hh, err := o.Store.Household(ctx, id); err == nil && hh.HeadName != "" {
		return hh.HeadName
	}
	return id
}
