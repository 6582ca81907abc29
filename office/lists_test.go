package office_test

import (
	"testing"

	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/report/lists"
	"sothon/store"
	"sothon/store/storetest"
)

// Whoever reviews forms has the lists of their area and those below it;
// anyone else, another area, or an area without a round is refused, and
// no lists are given.
func TestListsRefusals(t *testing.T) {
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	for _, c := range []struct {
		name  string
		actor store.User
		area  string
		round uint64
		cause error
		key   string
	}{
		{"a village head", headKhuoiPai, khuoiPai, 0, office.ErrNotAllowed, "office.lists_reviewers_only"},
		{"a revoked reviewer", revokedTung, khuoiPai, 0, office.ErrNotAllowed, "office.lists_reviewers_only"},
		{"a revoked admin", revokedTop, "", 0, office.ErrNotAllowed, "office.lists_reviewers_only"},
		{"another ward", reviewerXuan, khuoiPai, 0, office.ErrOutside, "office.outside"},
		{"the area above", reviewerTung, "bac-kan", 0, office.ErrOutside, "office.outside"},
		{"no such area", adminTop, "bac-kan/nowhere", 0, office.ErrOutside, "office.outside"},
		{"a round not holding the area", reviewerXuan, "", 1, lists.ErrNoRound, "lists.no_round"},
		{"a round unheard of", reviewerTung, khuoiPai, 99, lists.ErrNoRound, "lists.no_round"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := listsWard(t)
			l, err := (&office.Office{Store: db}).Lists(ctx, c.actor, c.area, c.round, forms, cat, "vi", now)
			refusedFor(t, err, c.cause, c.key)
			if l.Round.ID != 0 || len(l.Villages) != 0 {
				t.Fatalf("refused, and lists given: %+v", l)
			}
		})
	}
	t.Run("no round at all", func(t *testing.T) {
		db := storetest.Open(t)
		_, err := (&office.Office{Store: db}).Lists(ctx, officialTop, "", 0, forms, cat, "vi", now)
		refusedFor(t, err, lists.ErrNoRound, "lists.no_round")
	})
}

// The lists of a village, a ward and the whole tree, for whoever reviews
// there; the terminal has them all.
func TestListsOfTheActorsArea(t *testing.T) {
	db := listsWard(t)
	o := &office.Office{Store: db}
	forms, _ := flows.Default()
	terminal, err := office.Terminal(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		actor store.User
		area  string
	}{
		{"a reviewer, their village", reviewerTung, khuoiPai},
		{"a reviewer, their own", reviewerTung, ""},
		{"an official, from the top", officialTop, "bac-kan/huyen-tung"},
		{"the terminal", terminal, ""},
	} {
		l, err := o.Lists(ctx, c.actor, c.area, 0, forms, locales.MustLoad(), "vi", now)
		if err != nil || l.Round.ID != 1 || l.Count(store.ListPoor) != 1 || len(l.Villages) != 1 || l.Villages[0].ID != khuoiPai {
			t.Fatalf("%s: %+v, %v", c.name, l, err)
		}
	}
}

// listsWard is a database with a round open in Huyền Tụng and a household
// of Khuổi Pài found poor in it.
func listsWard(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	if _, err := db.OpenRound(ctx, store.Round{Name: "Cuối năm", AreaID: "bac-kan/huyen-tung", From: "2026-11-01", To: "2026-12-15", Opened: now}); err != nil {
		t.Fatal(err)
	}
	hhs, err := db.HouseholdsIn(ctx, khuoiPai)
	if err != nil || len(hhs) == 0 {
		t.Fatalf("no household in Khuổi Pài: %v", err)
	}
	hh := hhs[0]
	for _, h := range hhs {
		if h.Status != "poor" {
			hh = h // one that the round moves onto the list
			break
		}
	}
	s := &store.Submission{Form: "household", AreaID: khuoiPai, HouseholdID: hh.ID, SubmittedAt: now, Class: "poor", Answers: map[string]string{}}
	if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	return db
}
