package officials

import (
	"context"
	"strings"

	"sothon/bot"
)

// areasShown keeps an ambiguous name's list of candidates short.
const areasShown = 10

// askedArea is the area an official's command names: their own when args
// is empty, else one of theirs by id or by name, diacritics optional
// ("huyen tung"), as the office finds it. It answers the user itself when
// the office refuses: no such area of theirs, or several fit.
func (o *Commands) askedArea(ctx context.Context, t bot.Turn, args string) (string, bool) {
	a, err := o.office().Area(ctx, t.User(), strings.TrimSpace(args))
	if o.refused(t, "areas", err) {
		return "", false
	}
	return a.ID, true
}

// areasList answers /areas: the areas the user may ask about, as a tree
// with their ids.
func (o *Commands) areas(ctx context.Context, t bot.Turn, _ string) {
	areas, err := o.office().Areas(ctx, t.User())
	if o.refused(t, "areas", err) {
		return
	}
	depth := strings.Count(t.User().AreaID, "/")
	var lines []string
	for _, a := range areas {
		lines = append(lines, strings.Repeat("  ", strings.Count(a.ID, "/")-depth)+a.Name+" — "+a.ID)
	}
	t.ReplyText(t.T("area.list") + "\n" + strings.Join(lines, "\n"))
}
