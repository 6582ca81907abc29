package console

import (
	"errors"
	"net/http"
	"strings"

	"sothon/store"
	"sothon/tree"
)

// refuse answers a form that cannot be done with a page that says why
// and leads back to the form.
func (c *Console) refuse(w http.ResponseWriter, lang, text, back string, list ...string) {
	c.render(w, http.StatusBadRequest, "message.html", messagePage{Lang: lang, Text: text, List: list, Back: back,
		BackText: c.Catalog.T(lang, "web.go_back")})
}

// formArea finds the area a form's field names, by id or by name with or
// without diacritics as the chat takes them ("huyen tung"), within the
// user's area. When none fits (or one outside theirs, said the same way)
// or several do, it answers with a page saying so, listing the candidates,
// with a link back to the form.
func (c *Console) formArea(w http.ResponseWriter, r *http.Request, u store.User, back string) (tree.Area, bool) {
	value := strings.TrimSpace(r.PostFormValue("area"))
	a, err := c.Store.FindArea(r.Context(), value, u.AreaID)
	var amb *tree.AmbiguousError
	switch {
	case err == nil:
		return a, true
	case errors.Is(err, tree.ErrUnknown) || errors.Is(err, tree.ErrOutsideScope):
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, "web.area_unknown", "area", value), back)
	case errors.As(err, &amb):
		list := make([]string, len(amb.Candidates))
		for i, cand := range amb.Candidates {
			list[i] = cand.Label + " — " + cand.ID
		}
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, "web.area_ambiguous", "area", value), back, list...)
	default:
		c.unavailable(w, "areas", err)
	}
	return tree.Area{}, false
}
