package officials

import (
	"context"
	"errors"
	"strings"

	"sothon/bot"
	"sothon/tree"
)

// areasShown keeps an ambiguous name's list of candidates short.
const areasShown = 10

// askedArea is the area an official's command names: their own when args
// is empty, else one of theirs by id or by name, diacritics optional
// ("huyen tung"), as tree.Resolve finds it. It answers the user itself
// when there is no such area, several fit, or the area is outside theirs.
func (o *Commands) askedArea(ctx context.Context, t bot.Turn, args string) (string, bool) {
	arg := strings.TrimSpace(args)
	if arg == "" {
		return t.User().AreaID, true
	}
	a, err := o.Store.FindArea(ctx, arg, t.User().AreaID)
	var amb *tree.AmbiguousError
	switch {
	case err == nil:
		return a.ID, true
	case errors.Is(err, tree.ErrOutsideScope):
		t.Reply("stats.outside", "area", arg)
	case errors.Is(err, tree.ErrUnknown):
		t.Reply("area.unknown", "area", arg)
	case errors.As(err, &amb):
		lines := make([]string, 0, areasShown+1)
		for i, c := range amb.Candidates {
			if i == areasShown {
				lines = append(lines, "…")
				break
			}
			lines = append(lines, "• "+c.Label+" — "+c.ID)
		}
		t.Reply("area.ambiguous", "area", arg, "list", strings.Join(lines, "\n"))
	default:
		o.Log.Error("areas", "err", err)
		t.Reply("join.try_later")
	}
	return "", false
}

// areasList answers /areas: the areas the user may ask about, as a tree
// with their ids.
func (o *Commands) areas(ctx context.Context, t bot.Turn, _ string) {
	areas, err := o.Store.Areas(ctx)
	if err != nil {
		o.Log.Error("areas", "err", err)
		t.Reply("join.try_later")
		return
	}
	depth := strings.Count(t.User().AreaID, "/")
	var lines []string
	for _, a := range areas {
		if tree.Within(a.ID, t.User().AreaID) {
			lines = append(lines, strings.Repeat("  ", strings.Count(a.ID, "/")-depth)+a.Name+" — "+a.ID)
		}
	}
	t.ReplyText(t.T("area.list") + "\n" + strings.Join(lines, "\n"))
}
