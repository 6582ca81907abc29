package officials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sothon/bot"
	"sothon/bot/jobs"
	"sothon/flows"
	"sothon/office"
	"sothon/report/lists"
	"sothon/store"
	"sothon/store/photos"
	"sothon/tree"
)

// The answers to a review card, by their key (also their number on Zalo).
const (
	keyApprove = "1"
	keyReturn  = "2"
	keySkip    = "3"
)

// maxButtonData is Telegram's limit on a button's data.
const maxButtonData = 64

// review answers /review [AREA]: the oldest form of the area waiting for a
// decision, with approve, return and skip.
func (o *Commands) review(ctx context.Context, t bot.Turn, args string) {
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	o.showNext(ctx, t, area, 0)
}

// showNext shows the next waiting form of an area after one (0: the first).
func (o *Commands) showNext(ctx context.Context, t bot.Turn, area string, after uint64) {
	s, waiting, err := o.office().Next(ctx, t.User(), area, after)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply("review.none", "area", o.label(ctx, area))
		return
	}
	if o.refused(t, "next form", err) {
		return
	}
	options := []flows.Option{{Key: keyApprove, Label: t.T("review.approve")}, {Key: keyReturn, Label: t.T("review.return")},
		{Key: keySkip, Label: t.T("review.skip")}}
	o.photos(t, s)
	t.Ask(o.card(ctx, t, s, waiting), reviewQuestion(t, "", s.ID, area), options)
}

// cardPhotos bounds the photos sent before a review card: each is a
// message, and Zalo takes one a second per chat; the console shows all.
const cardPhotos = 3

// photos sends a form's photos before its card, each a message of its
// own, so that the card's buttons come last. On Telegram a photo that came
// by Telegram goes by its file id (the stored JPEG is uploaded when
// Telegram refuses the id, or for a photo that came by Zalo); Zalo gets it
// by a signed link that expires (the outbox's attachments, as a chart
// goes). A photo that cannot be read is left out (`sothon check` names it).
func (o *Commands) photos(t bot.Turn, s store.Submission) {
	ps := o.Store.Photos()
	for i, hash := range s.Files[:min(len(s.Files), cardPhotos)] {
		data, err := readPhoto(ps, hash)
		if err != nil {
			o.Log.Warn("review card: photo", "form", s.ID, "err", err)
			continue
		}
		t.Attach(t.T("review.card_photo", "n", i+1, "count", len(s.Files), "id", s.ID, "household", s.HouseholdName),
			&store.Attachment{Name: fmt.Sprintf("anh-phieu-%d-%d.jpg", s.ID, i+1), Image: true, Data: data, Ref: ps.Ref(hash, t.Chat().Channel)})
	}
}

func readPhoto(ps *photos.Store, hash string) ([]byte, error) {
	f, err := ps.Open(hash)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, photos.MaxBytes))
}

// reviewQuestion names a card's question: "review:[STEP:]ID[:AREA]". The
// area narrows what comes next; it is left out when it is the user's own
// or would not fit in a button.
func reviewQuestion(t bot.Turn, step string, id uint64, area string) string {
	q := "review:"
	if step != "" {
		q += step + ":"
	}
	q += strconv.FormatUint(id, 10)
	if area != t.User().AreaID && len("a|"+q+":"+area+"|1") <= maxButtonData {
		q += ":" + area
	}
	return q
}

// pressReview takes an answer to a card: a decision, or a return's reason.
func (o *Commands) pressReview(ctx context.Context, t bot.Turn, question, answer string) {
	parts := strings.Split(strings.TrimPrefix(question, "review:"), ":")
	step := ""
	if parts[0] == "why" {
		step, parts = "why", parts[1:]
	}
	id, err := strconv.ParseUint(parts[0], 10, 64)
	area := t.User().AreaID
	if len(parts) > 1 && !tree.Canonical(parts[1]) {
		t.Reply("review.gone") // no card of ours names an area so
		return
	}
	if len(parts) > 1 && tree.Within(parts[1], area) {
		area = parts[1]
	}
	if err != nil {
		t.Reply("review.gone")
		return
	}
	s, err := o.office().Form(ctx, t.User(), id)
	if o.refused(t, "review", err) {
		return
	}
	if step == "why" {
		o.returnForm(ctx, t, s, area, answer)
		return
	}
	labels := []string{t.T("review.approve"), t.T("review.return"), t.T("review.skip")}
	i, err := flows.ParseChoice(answer, labels)
	switch {
	case err != nil:
		t.Reply("review.choose")
		t.Ask(t.T("review.again", "id", s.ID), question, []flows.Option{{Key: keyApprove, Label: labels[0]}, {Key: keyReturn, Label: labels[1]}, {Key: keySkip, Label: labels[2]}})
	case i == 0:
		o.decide(ctx, t, office.Verdict{Form: s.ID, Approve: true}, nil, area)
	case i == 1:
		options := make([]flows.Option, len(office.ReasonKeys))
		for i, key := range office.ReasonKeys {
			options[i] = flows.Option{Key: strconv.Itoa(i + 1), Label: t.T(key)}
		}
		t.Ask(t.T("review.why", "id", s.ID), reviewQuestion(t, "why", s.ID, area), options)
	default:
		o.showNext(ctx, t, area, s.ID)
	}
}

// returnForm returns a form with the reason picked (by its number) or
// typed, and tells the village's head at once, outside the quiet hours.
func (o *Commands) returnForm(ctx context.Context, t bot.Turn, s store.Submission, area, answer string) {
	v := office.Verdict{Form: s.ID, Reason: strings.Join(strings.Fields(answer), " ")}
	if n, err := strconv.Atoi(v.Reason); err == nil && n >= 1 && n <= len(office.ReasonKeys) {
		v.Common = office.ReasonKeys[n-1]
		v.Reason = t.T(v.Common)
	}
	heads, err := o.headsOf(ctx, s.AreaID)
	if err != nil {
		o.Log.Error("heads of a village", "err", err)
		t.Reply("join.try_later")
		return
	}
	notice := func(store.Submission) []store.Message {
		var out []store.Message
		for _, h := range heads {
			for _, id := range h.chats {
				out = append(out, store.Message{Channel: id.Channel, ChatID: id.ChatID, NotBefore: jobs.NotBefore(t.At()),
					Text:     o.Catalog.T(h.Lang, "review.returned_to_head", "id", s.ID, "household", s.HouseholdName, "reason", v.Reason),
					Question: bot.FixQuestion(s.ID), Options: []flows.Option{{Key: "1", Label: o.Catalog.T(h.Lang, "review.fix")}}})
			}
		}
		return out
	}
	if len(heads) > 0 {
		v.AwaitUser, v.AwaitQuestion = heads[0].ID, bot.FixQuestion(s.ID)
	}
	o.decide(ctx, t, v, notice, area)
}

// decide takes a decision, says so and shows the next form; a return
// without a fit reason asks for one again.
func (o *Commands) decide(ctx context.Context, t bot.Turn, v office.Verdict, notice func(store.Submission) []store.Message, area string) {
	s, queued, err := o.office().Decide(ctx, t.User(), v, o.Forms, t.At(), notice)
	switch {
	case errors.Is(err, office.ErrNoReason):
		t.Ask(t.T("review.why_again"), reviewQuestion(t, "why", v.Form, area), nil)
		return
	case errors.Is(err, store.ErrNotPending):
		o.refused(t, "review", err)
	case o.refused(t, "review", err):
		return
	case v.Approve:
		t.Reply("review.approved", "id", s.ID, "household", s.HouseholdName)
	case len(queued) == 0:
		t.Reply("review.returned_no_head", "id", s.ID, "household", s.HouseholdName)
	default:
		t.Reply("review.returned", "id", s.ID, "household", s.HouseholdName)
	}
	t.Wake(queued)
	o.showNext(ctx, t, area, 0)
}

// head is a village head with their chats.
type head struct {
	store.User
	chats []store.Identity
}

// headsOf are the village's heads who can be reached.
func (o *Commands) headsOf(ctx context.Context, village string) ([]head, error) {
	users, err := o.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []head
	for _, u := range users {
		if u.Role != store.RoleHead || u.AreaID != village || u.Revoked {
			continue
		}
		ids, err := o.Store.IdentitiesOf(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, head{User: u, chats: ids})
	}
	return out, nil
}

// card shows a waiting form: what, where, who, when, and every answer
// with its label.
func (o *Commands) card(ctx context.Context, t bot.Turn, s store.Submission, waiting int) string {
	form := o.Forms.Form(s.Form)
	title := s.Form
	if form != nil {
		title = form.Title.In(t.Lang())
	}
	by := s.SubmittedBy
	if u, err := o.Store.UserByID(ctx, s.SubmittedBy); err == nil && u.Name != "" {
		by = u.Name
	}
	lines := []string{t.T("review.card", "id", s.ID, "form", title, "waiting", waiting, "village", o.label(ctx, s.AreaID),
		"household", s.HouseholdName, "when", s.SubmittedAt.Format("02/01/2006 15:04"), "by", by)}
	if form != nil {
		for _, q := range form.Questions {
			if _, ok := s.Answers[q.ID]; ok && q.Type != flows.Note && q.Type != flows.HouseholdPick {
				lines = append(lines, fmt.Sprintf("• %s: %s", q.Label.In(t.Lang()), form.AnswerText(q, s.Answers, t.Lang(), o.Catalog)))
			}
			if p, err := flows.ParsePoint(s.Answers[q.ID]); q.Type == flows.Geopoint && err == nil {
				lines = append(lines, "  "+t.T("review.card_map", "url", p.MapURL()))
				t.NoPreview() // a map's preview would push the card's buttons off the screen
			}
		}
	}
	lines = append(lines, o.previous(ctx, t, s, form)...)
	return strings.Join(lines, "\n")
}

// previous tells a reviewer what a form replaces: the returned form it
// corrects, or the decision the household stands at in the round, and
// what changed from that form (answers, and the class before → after).
func (o *Commands) previous(ctx context.Context, t bot.Turn, s store.Submission, form *flows.Form) []string {
	if form == nil || s.HouseholdID == "" {
		return nil
	}
	var lines []string
	compare := s.Replaces
	if compare != 0 {
		rv, _ := o.Store.ReviewOf(ctx, compare)
		lines = append(lines, "", t.T("review.card_corrects", "id", compare, "reason", rv.Returned().Reason))
	}
	if st, err := o.Store.HouseholdStanding(ctx, s.HouseholdID); err == nil {
		d := st.Approved
		if rs, ok := st.Holding(s.ID); ok {
			d = rs.Approved.Decision
		}
		if d.Form != 0 && d.Form != s.ID {
			lines = append(lines, "", t.T("review.card_decided", "id", d.Form, "class", t.T("lists.class."+d.Class),
				"date", d.At.In(t.At().Location()).Format("02/01/2006")))
			if compare == 0 {
				compare = d.Form
			}
		}
	}
	if compare == 0 {
		return lines
	}
	old, err := o.Store.Submission(ctx, compare)
	if err != nil {
		return lines
	}
	changes := answerChanges(form, old, s, t.Lang(), o.Catalog)
	if len(changes) == 0 {
		return append(lines, t.T("review.card_same", "id", old.ID))
	}
	lines = append(lines, t.T("review.card_changes", "id", old.ID))
	return append(lines, changes...)
}

// answerChanges lists the answers two forms of a questionnaire give
// differently, in the form's order: "• question: before → after".
func answerChanges(form *flows.Form, old, s store.Submission, lang string, tr flows.Translator) []string {
	var out []string
	for _, q := range form.Questions {
		if q.Type == flows.Note || q.Type == flows.HouseholdPick {
			continue
		}
		before, after := old.Answers[q.ID], s.Answers[q.ID]
		if before == after {
			continue
		}
		text := func(answers map[string]string) string {
			if answers[q.ID] == "" {
				return "—"
			}
			return form.AnswerText(q, answers, lang, tr)
		}
		out = append(out, fmt.Sprintf("• %s: %s → %s", q.Label.In(lang), text(old.Answers), text(s.Answers)))
	}
	return out
}

// label names an area for a message, or gives its id when it cannot be read.
func (o *Commands) label(ctx context.Context, id string) string {
	if _, label, err := o.Store.AreaLabel(ctx, id); err == nil {
		return label
	}
	return id
}

// approveAll answers /approve AREA: how many forms of the area wait, and a
// question before approving them all at once (a village's list checked on
// paper, say).
func (o *Commands) approveAll(ctx context.Context, t bot.Turn, args string) {
	if strings.TrimSpace(args) == "" {
		t.Reply("approve.usage")
		return
	}
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	pending, err := o.office().Waiting(ctx, t.User(), area)
	switch {
	case o.refused(t, "pending", err):
		return
	case len(pending) == 0:
		t.Reply("review.none", "area", o.label(ctx, area))
		return
	}
	question := "approve:" + area
	options := []flows.Option{{Key: "1", Label: t.T("approve.yes")}, {Key: "2", Label: t.T("approve.no")}}
	if len("a|"+question+"|1") > maxButtonData {
		options = nil // typed only: the area does not fit in a button
	}
	t.Ask(t.T("approve.confirm", "count", len(pending), "area", o.label(ctx, area)), question, options)
}

// pressApproveAll approves every waiting form of the area once confirmed.
func (o *Commands) pressApproveAll(ctx context.Context, t bot.Turn, question, answer string) {
	area := strings.TrimPrefix(question, "approve:")
	i, err := flows.ParseChoice(answer, []string{t.T("approve.yes"), t.T("approve.no")})
	if err != nil || i != 0 || !tree.Canonical(area) {
		t.Reply("approve.cancelled")
		return
	}
	approved, err := o.office().ApproveAll(ctx, t.User(), area, t.At())
	var refusal *office.Refusal
	if errors.As(err, &refusal) {
		t.Reply(refusal.Key, refusal.Args...)
		return
	}
	if err != nil {
		o.Log.Error("approve all", "err", err)
	}
	t.Reply("approve.done", "count", approved, "area", o.label(ctx, area))
}

// lists answers /lists [AREA] with the round's lists to post, as a PDF
// (and /lists bienban or phuluc with a document of the review: document).
func (o *Commands) lists(ctx context.Context, t bot.Turn, args string) {
	if doc, rest, ok := listsDocument(args); ok {
		o.document(ctx, t, doc, rest)
		return
	}
	area, ok := o.askedArea(ctx, t, args)
	if !ok {
		return
	}
	l, err := o.office().Lists(ctx, t.User(), area, 0, o.Forms, o.Catalog, t.Lang(), t.At())
	if o.refused(t, "lists", err) {
		return
	}
	var buf bytes.Buffer
	if err := lists.WritePDF(l, o.Catalog, &buf); err != nil {
		o.Log.Error("lists", "err", err)
		t.Reply("join.try_later")
		return
	}
	name := "danh-sach-" + strings.ReplaceAll(area, "/", "-") + "-" + t.At().Format("2006-01-02") + ".pdf"
	t.Attach(t.T("lists.sent", "area", l.Area.Label, "round", l.Round.Name), &store.Attachment{Name: name, Data: buf.Bytes()})
}
