package bot

import (
	"bytes"
	"context"
	"strings"
	"time"

	"sothon/locales"
	"sothon/report"
	"sothon/store"
)

// The officials' commands. Each is scoped to the user's own area: nobody
// sees figures of an area outside theirs.

func (t *turn) jobs() *Jobs {
	return &Jobs{Store: t.e.store, Forms: t.e.forms, Catalog: t.e.cat, Now: func() time.Time { return t.in.At }, Log: t.e.log}
}

// stats answers /stats [area] with the figures of the digest.
func (t *turn) stats(ctx context.Context, args string) {
	area, ok := t.askedArea(ctx, args)
	if !ok {
		return
	}
	st, err := report.Compute(ctx, t.e.store, area, t.in.At)
	if err != nil {
		t.e.log.Error("stats", "err", err)
		t.replyKey("join.try_later")
		return
	}
	prev, _ := t.e.store.LastSnapshot(ctx, area, st.Week)
	t.replies = append(t.replies, textPrompt(report.Digest(st, prev, t.e.forms, t.e.cat, t.lang)))
}

// missing lists every village of an area with nothing sent.
func (t *turn) missing(ctx context.Context, args string) {
	area, ok := t.askedArea(ctx, args)
	if !ok {
		return
	}
	st, err := report.Compute(ctx, t.e.store, area, t.in.At)
	if err != nil {
		t.replyKey("join.try_later")
		return
	}
	if len(st.Missing) == 0 {
		t.replyKey("digest.missing_none")
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
	t.replyKey(key, "count", len(lines))
	t.replies = append(t.replies, textPrompt(strings.Join(lines, "\n")))
}

// digest sends the user's digest now, with its chart.
func (t *turn) digest(ctx context.Context, args string) {
	area, ok := t.askedArea(ctx, args)
	if !ok {
		return
	}
	text, chart, st, err := t.jobs().DigestFor(ctx, area, t.lang)
	if err != nil {
		t.e.log.Error("digest", "err", err)
		t.replyKey("join.try_later")
		return
	}
	t.attach(text, &store.Attachment{Name: "bieu-do-" + st.Week + ".png", Image: true, Data: chart})
}

// export sends the user's area's submissions as a spreadsheet.
func (t *turn) export(ctx context.Context, args string) {
	area, ok := t.askedArea(ctx, args)
	if !ok {
		return
	}
	var buf bytes.Buffer
	n, err := report.ExportXLSX(ctx, t.e.store, t.e.forms, report.ExportOptions{Filter: store.SubmissionFilter{AreaID: area}, TZ: t.in.At.Location()}, &buf)
	if err != nil {
		t.e.log.Error("export", "err", err)
		t.replyKey("join.try_later")
		return
	}
	name := "so-thon-" + strings.ReplaceAll(area, "/", "-") + "-" + t.in.At.Format("2006-01-02") + ".xlsx"
	t.attach(t.e.cat.T(t.lang, "export.done", "count", locales.Number(t.lang, float64(n), 0)), &store.Attachment{Name: name, Data: buf.Bytes()})
}

// round lets an admin open, close or see review rounds:
// /round open NAME FROM TO | /round close | /round.
func (t *turn) round(ctx context.Context, args string) {
	fields := strings.Fields(args)
	switch {
	case len(fields) >= 4 && fields[0] == "open":
		n := len(fields)
		r := store.Round{Name: strings.Join(fields[1:n-2], " "), From: fields[n-2], To: fields[n-1], Opened: t.in.At, OpenedBy: t.user.ID}
		if _, err1 := time.Parse(time.DateOnly, r.From); err1 != nil {
			t.replyKey("round.usage")
			return
		}
		if _, err2 := time.Parse(time.DateOnly, r.To); err2 != nil || r.To < r.From {
			t.replyKey("round.usage")
			return
		}
		if _, err := t.e.store.OpenRound(ctx, r); err != nil {
			t.replyKey("round.already_open")
			return
		}
		t.replyKey("round.opened", "name", r.Name)
	case len(fields) == 1 && fields[0] == "close":
		r, err := t.e.store.CloseRound(ctx, t.in.At, t.user.ID)
		if err != nil {
			t.replyKey("round.none_open")
			return
		}
		t.replyKey("round.closed", "name", r.Name)
	case len(fields) == 0:
		r, err := t.e.store.CurrentRound(ctx)
		if err != nil || r == nil {
			t.replyKey("round.none_open")
			t.replyKey("round.usage")
			return
		}
		t.replyKey("round.current", "name", r.Name, "from", r.From, "to", r.To)
	default:
		t.replyKey("round.usage")
	}
}

func (t *turn) attach(text string, a *store.Attachment) {
	p := textPrompt(text)
	t.replies = append(t.replies, p)
	t.attachment = a
}
