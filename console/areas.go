package console

import (
	"errors"
	"net/http"
	"strings"

	"sothon/office"
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
	if value == "" { // the office would take the user's own: a form names one
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, "office.outside", "area", value), back)
		return tree.Area{}, false
	}
	a, err := c.office().Area(r.Context(), u, value)
	var refusal *office.Refusal
	switch {
	case err == nil:
		return a, true
	case errors.As(err, &refusal):
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, refusal.Key, refusal.Args...), back, refusal.List...)
	default:
		c.unavailable(w, "areas", err)
	}
	return tree.Area{}, false
}
