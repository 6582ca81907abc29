package console

import (
	"errors"
	"net/http"

	"sothon/office"
	"sothon/store"
)

// office is the layer the console's actions go through: the rules of who
// may do what are its, and the console only asks and renders.
func (c *Console) office() *office.Office { return &office.Office{Store: c.Store} }

// answered ends a form's post: back to the page it came from, or the
// office's refusal when err is one.
func (c *Console) answered(w http.ResponseWriter, r *http.Request, u store.User, err error, what, back string) {
	if err != nil {
		c.refused(w, r, u, err, what, back)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// refused answers an action the office refused, in the user's language,
// with a link back; an error that is no refusal is a failed store.
func (c *Console) refused(w http.ResponseWriter, r *http.Request, u store.User, err error, what, back string) {
	var refusal *office.Refusal
	switch {
	case errors.Is(err, office.ErrNotAllowed) || errors.Is(err, office.ErrOutside) || errors.Is(err, office.ErrNoUser) ||
		errors.Is(err, office.ErrNoSubmission):
		http.NotFound(w, r) // as for a page that is not there: nothing said of areas not theirs
	case errors.As(err, &refusal):
		status := http.StatusBadRequest
		if errors.Is(err, store.ErrRoundOpen) {
			status = http.StatusConflict
		}
		c.render(w, status, "message.html", messagePage{Lang: u.Lang, Text: c.Catalog.T(u.Lang, refusal.Key, refusal.Args...),
			Back: back, BackText: c.Catalog.T(u.Lang, "web.go_back")})
	default:
		c.unavailable(w, what, err)
	}
}
