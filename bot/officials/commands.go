package officials

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"sothon/bot"
	"sothon/bot/jobs"
	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/report"
	"sothon/report/export"
	"sothon/report/progress"
	"sothon/store"
	"sothon/store/links"
)

// Commands are the officials' chat commands: figures, villages behind, the
// digest, spreadsheets, areas, reviews, lists, invites and review rounds.
// Who may run each, and for which area, is package office's: the table's
// roles are its lists (/help shows each to them only), and every answer
// comes from an office action or its refusal; village heads get their
// village's progress in the weekly reminder.
type Commands struct {
	Store   *store.DB
	Forms   *flows.Set
	Catalog *locales.Catalog
	Log     *slog.Logger
	// LoginLink makes a one-time link to the office console for a user;
	// nil when the console cannot be reached (no public address).
	LoginLink func(ctx context.Context, userID string) (string, error)
	// InviteLink gives a link that opens a chat with an invite code, where
	// a channel has one; nil or "" means none.
	InviteLink func(ctx context.Context, code string) string
	// PublicURL is where the server is reached from outside: /export's
	// spreadsheet names photos by signed links under it (none when "").
	PublicURL string
}

// List gives the commands for the engine's table; Order places them in
// /help between the questionnaire's commands and the general ones.
func (o *Commands) List() []bot.Command {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return []bot.Command{
		{Name: "stats", Roles: office.Reviewers, Help: office.Reviewers, Order: 40, Run: o.stats},
		{Name: "review", Roles: office.Reviewers, Help: office.Reviewers, Order: 45, Run: o.review, Press: o.pressReview},
		{Name: "approve", Roles: office.Reviewers, Help: office.Reviewers, Order: 46, Run: o.approveAll, Press: o.pressApproveAll},
		{Name: "hop", Roles: office.VillageReviewers, Help: office.VillageReviewers, Order: 36, Menu: 6, Run: o.meeting, Press: o.pressMeeting, Offer: o.offerMeeting},
		{Name: "yeucau", Roles: office.VillageReviewers, Help: office.VillageReviewers, Order: 37, Run: o.request, Press: o.pressRequest},
		{Name: "khieunai", Roles: office.VillageReviewers, Help: office.VillageReviewers, Order: 38, Run: o.complaint, Press: o.pressComplaint},
		{Name: "niemyet", Roles: office.Reviewers, Help: office.Reviewers, Order: 47, Run: o.posting},
		{Name: "traloi", Roles: office.Reviewers, Help: office.Reviewers, Order: 48, Run: o.answerRequest},
		{Name: "quyetdinh", Roles: office.Deciders, Help: office.Deciders, Order: 77, Run: o.decision},
		{Name: "missing", Roles: office.Reviewers, Help: office.Reviewers, Order: 50, Run: o.missing},
		{Name: "digest", Roles: office.Reviewers, Help: office.Reviewers, Order: 60, Run: o.digest},
		{Name: "export", Roles: office.Reviewers, Help: office.Reviewers, Order: 70, Run: o.export},
		{Name: "lists", Roles: office.Reviewers, Help: office.Reviewers, Order: 75, Run: o.lists},
		{Name: "areas", Roles: office.Reviewers, Help: office.Reviewers, Order: 80, Run: o.areas},
		{Name: "invite", Roles: office.Admins, Help: office.Admins, Order: 90, Run: o.invite},
		{Name: "round", Roles: office.Admins, Help: office.Admins, Order: 100, Run: o.round, Press: o.pressRound},
		{Name: "web", Roles: office.Reviewers, Help: office.Reviewers, Order: 105, Run: o.web}, // the console is theirs too
	}
}

func (o *Commands) weekly(t bot.Turn) *jobs.Weekly {
	return &jobs.Weekly{Store: o.Store, Forms: o.Forms, Catalog: o.Catalog, Now: t.At, Log: o.Log}
}

// stats answers /stats [area] with the figures of the digest.
func (o *Commands) stats(ctx context.Context, t bot.Turn, args string) {
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	st, err := o.office().Figures(ctx, t.User(), area, t.At())
	if o.refused(t, "stats", err) {
		return
	}
	if st.Review, err = progress.Lines(ctx, o.Store, st, t.At(), o.Catalog, t.Lang()); err != nil {
		o.Log.Error("stats", "err", err)
	}
	prev, _ := o.Store.LastSnapshot(ctx, area, st.Week)
	t.ReplyText(report.Digest(st, prev, o.Forms, o.Catalog, t.Lang()))
}

// missing lists every village of an area with nothing sent.
func (o *Commands) missing(ctx context.Context, t bot.Turn, args string) {
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	st, err := o.office().Figures(ctx, t.User(), area, t.At())
	if o.refused(t, "missing", err) {
		return
	}
	if len(st.Missing) == 0 {
		t.Reply("digest.missing_none")
		return
	}
	lines := make([]string, len(st.Missing))
	for i, a := range st.Missing {
		lines[i] = "• " + a.Label + " — " + a.ID
	}
	key := "missing.week"
	if st.Round != nil {
		key = "missing.round"
	}
	t.Reply(key, "count", len(lines))
	t.ReplyText(strings.Join(lines, "\n"))
}

// digest sends the user's digest now, with its chart.
func (o *Commands) digest(ctx context.Context, t bot.Turn, args string) {
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	text, chart, st, err := o.weekly(t).DigestFor(ctx, area, t.Lang())
	if err != nil {
		o.Log.Error("digest", "err", err)
		t.Reply("join.try_later")
		return
	}
	t.Attach(text, &store.Attachment{Name: "bieu-do-" + st.Week + ".png", Image: true, Data: chart})
}

// export sends the user's area's submissions as a spreadsheet.
func (o *Commands) export(ctx context.Context, t bot.Turn, args string) {
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	photoLink, err := links.Photos(ctx, o.Store, o.PublicURL, t.At())
	if err != nil {
		o.Log.Error("export", "err", err)
		t.Reply("join.try_later")
		return
	}
	var buf bytes.Buffer
	n, err := o.office().Export(ctx, t.User(), o.Forms, export.Options{Format: export.XLSX, Filter: store.SubmissionFilter{AreaID: area}, TZ: t.At().Location(),
		PhotoLink: photoLink}, &buf)
	if o.refused(t, "export", err) {
		return
	}
	name := "so-thon-" + strings.ReplaceAll(area, "/", "-") + "-" + t.At().Format("2006-01-02") + ".xlsx"
	t.Attach(t.T("export.done", "count", locales.Number(t.Lang(), float64(n), 0)), &store.Attachment{Name: name, Data: buf.Bytes()})
}

// round lets an admin open, close or see the review round of their own
// area (a round covers its area's villages):
// /round open NAME FROM TO [dinh-ky|thuong-xuyen] | /round close | /round.
func (o *Commands) round(ctx context.Context, t bot.Turn, args string) {
	fields := strings.Fields(args)
	kind := store.RoundRegular
	if n := len(fields); n >= 5 && fields[0] == "open" {
		if k, ok := store.RoundKind(fields[n-1]); ok {
			kind, fields = k, fields[:n-1]
		}
	}
	switch {
	case len(fields) >= 4 && fields[0] == "open":
		n := len(fields)
		r, err := o.office().OpenRound(ctx, t.User(), office.RoundOpening{Name: strings.Join(fields[1:n-2], " "),
			From: roundDay(fields[n-2], t.At()), To: roundDay(fields[n-1], t.At()), Kind: kind}, t.At())
		switch {
		case errors.Is(err, store.ErrRoundBad):
			t.Reply("round.usage")
		case errors.Is(err, store.ErrRoundOpen):
			t.Reply("round.already_open") // names the chat's own command to close it
		case err != nil:
			o.refused(t, "open round", err)
		default:
			t.Reply("round.opened", "name", r.Name, "kind", report.RoundKindName(o.Catalog, t.Lang(), r),
				"standard", report.StandardName(o.Catalog, t.Lang(), report.RoundStandard(r, t.At())))
		}
	case len(fields) == 1 && fields[0] == "close":
		if o.askBeforeClosing(ctx, t) {
			return
		}
		o.closeRound(ctx, t)
	case len(fields) == 0:
		r, err := o.office().CurrentRound(ctx, t.User())
		if o.refused(t, "round", err) {
			return
		}
		if r == nil {
			t.Reply("round.none_open")
			t.Reply("round.usage")
			return
		}
		t.Reply("round.current", "name", r.Name, "from", dmy(r.From), "to", dmy(r.To), "kind", report.RoundKindName(o.Catalog, t.Lang(), *r),
			"standard", report.StandardName(o.Catalog, t.Lang(), report.RoundStandard(*r, t.At())))
	default:
		t.Reply("round.usage")
	}
}

// roundDay reads a day of /round open, dd/mm/yyyy as the other commands
// take it or YYYY-MM-DD; what is neither goes on as typed, for the office
// to refuse.
func roundDay(s string, today time.Time) string {
	if d, ok := parseDay(s, today); ok {
		return d
	}
	return s
}

// closeRound closes the open round of the admin's own area.
func (o *Commands) closeRound(ctx context.Context, t bot.Turn) {
	r, err := o.office().CloseRound(ctx, t.User(), "", t.At())
	if o.refused(t, "close round", err) {
		return
	}
	t.Reply("round.closed", "name", r.Name)
}

// askBeforeClosing asks before closing the round, as the console does,
// listing its forms still waiting or returned; false when there is no
// round to ask about (closing then refuses with its own word).
func (o *Commands) askBeforeClosing(ctx context.Context, t bot.Turn) bool {
	left, err := o.office().BeforeClosing(ctx, t.User(), "", t.At(), closeListed)
	if err != nil {
		return false
	}
	lines := []string{t.T("round.close_confirm", "name", left.Round.Name)}
	if left.Left() {
		lines = []string{t.T("round.close_unfinished", "name", left.Round.Name, "pending", left.Pending, "returned", left.Returned)}
	}
	for _, s := range left.Waiting {
		lines = append(lines, t.T("round.close_line", "id", s.ID, "household", s.HouseholdName, "village", o.label(ctx, s.AreaID)))
	}
	t.Ask(strings.Join(lines, "\n"), "round:close", []flows.Option{{Key: "1", Label: t.T("round.close_anyway")}, {Key: "2", Label: t.T("approve.no")}})
	return true
}

// closeListed bounds the waiting forms listed before a round is closed.
const closeListed = 10

// pressRound answers the question before closing a round.
func (o *Commands) pressRound(ctx context.Context, t bot.Turn, question, answer string) {
	i, err := flows.ParseChoice(answer, []string{t.T("round.close_anyway"), t.T("approve.no")})
	if question != "round:close" || err != nil || i != 0 {
		t.Reply("round.close_kept")
		return
	}
	o.closeRound(ctx, t)
}

// office is the layer the officials' actions go through: the rules of who
// may do what are its; the chat parses, asks and replies.
func (o *Commands) office() *office.Office { return &office.Office{Store: o.Store} }

// refused replies to an action the office refused, in the user's language,
// and reports whether err was any error.
func (o *Commands) refused(t bot.Turn, what string, err error) bool {
	var refusal *office.Refusal
	switch {
	case err == nil:
		return false
	case errors.As(err, &refusal) && len(refusal.List) == 0:
		t.Reply(refusal.Key, refusal.Args...)
	case errors.As(err, &refusal): // with the areas a name fits
		text := t.T(refusal.Key, refusal.Args...)
		for i, line := range refusal.List {
			if i == areasShown {
				text += "\n…"
				break
			}
			text += "\n• " + line
		}
		t.ReplyText(text)
	default:
		o.Log.Error(what, "err", err)
		t.Reply("join.try_later")
	}
	return true
}

// web answers /web with a one-time link to the office console.
func (o *Commands) web(ctx context.Context, t bot.Turn, _ string) {
	if o.LoginLink == nil {
		t.Reply("web.no_public_url")
		return
	}
	link, err := o.LoginLink(ctx, t.User().ID) // the office says who may have one
	if o.refused(t, "login link", err) {
		return
	}
	// A preview would only show the link's page (the button spends it),
	// but the link is for the official's hands alone.
	t.NoPreview()
	t.Reply("web.link", "url", link, "minutes", 10)
}
