package console

import (
	"errors"
	"net/http"
	"strings"

	"sothon/store"
	"sothon/tree"
)

// maxPlan bounds a pasted reorganisation plan: a province's is a few
// kilobytes.
const maxPlan = 256 << 10

type reorganiseUnit struct {
	Label, Kind string
	Households  int
	From        []string
}

type reorganisePage struct {
	frame
	Plan      string
	Checked   bool // the plan was tried: Units and Records say what it does
	Effective string
	Units     []reorganiseUnit
	Villages  int
	Records   []string
}

// recordKinds are the records a plan moves, in the order the page lists them.
var recordKinds = []string{"households", "users", "invites", "runs", "submissions", "rounds", "targets", "digests"}

// reorganiseForm lets an admin of the whole tree paste a plan (merge,
// rename and move areas from a date), see what it would do, and apply it.
func (c *Console) reorganiseForm(w http.ResponseWriter, r *http.Request) {
	u, session, ok := c.topAdmin(w, r)
	if !ok {
		return
	}
	c.render(w, http.StatusOK, "reorganise.html", reorganisePage{frame: c.frame(r, u, session)})
}

// reorganise tries a plan (a dry run, which changes nothing) and shows
// what it would do with a button to apply it; applied, the database is
// backed up beside itself first.
func (c *Console) reorganise(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPlan+4096)
	u, session, ok := c.topAdmin(w, r)
	if !ok || !c.formFromPage(w, r, u, session) {
		return
	}
	text := r.PostFormValue("plan")
	apply := r.PostFormValue("apply") == "yes"
	plan, err := tree.ParsePlan([]byte(text))
	var sum store.ReorganiseSummary
	if err == nil {
		sum, _, err = c.office().Reorganise(r.Context(), u, plan, !apply, c.now())
	}
	switch {
	case errors.Is(err, tree.ErrPlan) || errors.Is(err, store.ErrRoundOpen):
		c.refuse(w, u.Lang, c.Catalog.T(u.Lang, "web.reorganise_bad"), "/areas/reorganise", planProblem(err))
		return
	case err != nil:
		c.refused(w, r, u, err, "reorganise", "/areas/reorganise")
		return
	case !apply:
		c.render(w, http.StatusOK, "reorganise.html", c.reorganiseSummary(r, u, session, text, sum))
		return
	}
	c.render(w, http.StatusOK, "message.html", messagePage{Lang: u.Lang, Text: c.Catalog.T(u.Lang, "web.reorganise_done"),
		Back: "/", BackText: c.Catalog.T(u.Lang, "web.back")})
}

// planProblem is what is wrong with a plan, without the Go package that
// found it: the plan's checks are tree's, an open round is the store's.
func planProblem(err error) string {
	text := err.Error()
	for _, pkg := range []string{"tree: ", "store: "} {
		text = strings.TrimPrefix(text, pkg)
	}
	return text
}

func (c *Console) reorganiseSummary(r *http.Request, u store.User, session, text string, sum store.ReorganiseSummary) reorganisePage {
	page := reorganisePage{frame: c.frame(r, u, session), Plan: text, Checked: true, Effective: dayText(sum.Effective)}
	from := map[string][]string{}
	for _, m := range sum.Moves {
		if strings.Count(m.New, "/") < 2 {
			from[m.New] = append(from[m.New], m.Old)
		} else {
			page.Villages++
		}
	}
	areas := indexAreas(sum.Areas)
	for _, a := range sum.Areas {
		if a.Kind != tree.Village {
			page.Units = append(page.Units, reorganiseUnit{Label: areas.label(a.ID), Kind: c.Catalog.T(u.Lang, "web.kind."+a.Kind),
				Households: a.HouseholdsTotal, From: from[a.ID]})
		}
	}
	for _, k := range recordKinds {
		page.Records = append(page.Records, c.Catalog.T(u.Lang, "web.reorganise_record."+k, "count", sum.Records[k]))
	}
	return page
}

// topAdmin lets in whoever may reorganise the areas; anyone else gets
// 404, as for a page that does not exist.
func (c *Console) topAdmin(w http.ResponseWriter, r *http.Request) (store.User, string, bool) {
	u, session, _, ok := c.admin(w, r)
	if !ok {
		return u, "", false
	}
	if err := c.office().MayReorganise(r.Context(), u); err != nil {
		c.refused(w, r, u, err, "reorganise", "/")
		return u, "", false
	}
	return u, session, true
}
