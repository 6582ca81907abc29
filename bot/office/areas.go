package office

import (
	"context"
	"strings"

	"sothon/bot"
	"sothon/flows"
	"sothon/store"
)

// areasShown keeps an ambiguous name's list of candidates short.
const areasShown = 10

// askedArea is the area an official's command names: their own when args
// is empty, else one of theirs by id or by name, diacritics optional
// ("huyen tung"). It answers the user itself when there is no such area,
// several fit, or the area is outside theirs.
func (o *Commands) askedArea(ctx context.Context, t bot.Turn, args string) (string, bool) {
	arg := strings.TrimSpace(args)
	if arg == "" {
		return t.User().AreaID, true
	}
	areas, err := o.Store.Areas(ctx)
	if err != nil {
		o.Log.Error("areas", "err", err)
		t.Reply("join.try_later")
		return "", false
	}
	byID := make(map[string]store.Area, len(areas))
	for _, a := range areas {
		byID[a.ID] = a
	}
	if _, ok := byID[arg]; ok {
		if !bot.InArea(arg, t.User().AreaID) {
			t.Reply("stats.outside", "area", arg)
			return "", false
		}
		return arg, true
	}
	found := areasNamed(flows.Fold(arg), areas, byID, t.User().AreaID)
	switch {
	case len(found) == 1:
		return found[0].ID, true
	case len(found) == 0:
		t.Reply("area.unknown", "area", arg)
		return "", false
	}
	lines := make([]string, 0, areasShown+1)
	for i, a := range found {
		if i == areasShown {
			lines = append(lines, "…")
			break
		}
		lines = append(lines, "• "+store.Label(a, byID[a.Parent])+" — "+a.ID)
	}
	t.Reply("area.ambiguous", "area", arg, "list", strings.Join(lines, "\n"))
	return "", false
}

// areasNamed finds the areas within scope whose name, short name or label
// is the folded query; failing that, those whose label holds it.
func areasNamed(query string, areas []store.Area, byID map[string]store.Area, scope string) []store.Area {
	var exact, partial []store.Area
	for _, a := range areas {
		if !bot.InArea(a.ID, scope) {
			continue
		}
		label := flows.Fold(store.Label(a, byID[a.Parent]))
		switch {
		case flows.Fold(a.Name) == query || flows.Fold(store.ShortName(a)) == query || label == query:
			exact = append(exact, a)
		case strings.Contains(label, query):
			partial = append(partial, a)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return partial
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
		if bot.InArea(a.ID, t.User().AreaID) {
			lines = append(lines, strings.Repeat("  ", strings.Count(a.ID, "/")-depth)+a.Name+" — "+a.ID)
		}
	}
	t.ReplyText(t.T("area.list") + "\n" + strings.Join(lines, "\n"))
}
