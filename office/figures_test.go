package office_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"sothon/flows"
	"sothon/office"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// reading is one read of an area, as a front-end asks it.
type reading func(o *office.Office, actor store.User, area string) error

var readings = map[string]reading{
	"area": func(o *office.Office, actor store.User, area string) error {
		_, err := o.Area(ctx, actor, area)
		return err
	},
	"figures": func(o *office.Office, actor store.User, area string) error {
		_, err := o.Figures(ctx, actor, area, now)
		return err
	},
	"export": func(o *office.Office, actor store.User, area string) error {
		forms, err := flows.Default()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		_, err = o.Export(ctx, actor, forms, export.Options{Format: export.CSV, Filter: store.SubmissionFilter{AreaID: area}}, &buf)
		if err != nil && buf.Len() > 0 {
			return errors.New("a refused export wrote something")
		}
		return err
	},
	"submissions": func(o *office.Office, actor store.User, area string) error {
		return o.Submissions(ctx, actor, store.SubmissionFilter{AreaID: area}, func(store.Submission) error {
			return errors.New("a refused read gave a form")
		})
	},
}

// Reviewers, officials and admins read the area they review and below it:
// its figures, its forms, its spreadsheet. Anyone else, and any other
// area (unknown or not theirs, said the same way), is refused, each read
// alike.
func TestReadingAnArea(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	for _, c := range []struct {
		name  string
		actor store.User
		area  string
		cause error
		key   string
	}{
		{"a head", headKhuoiPai, "", office.ErrNotAllowed, "office.readers_only"},
		{"a revoked reviewer", revokedTung, "", office.ErrNotAllowed, "office.readers_only"},
		{"another ward's", reviewerTung, "bac-kan/duc-xuan", office.ErrOutside, "office.outside"},
		{"the city above", officialTung, "bac-kan", office.ErrOutside, "office.outside"},
		{"an unknown area", adminTung, "bac-kan/atlantis", office.ErrOutside, "office.outside"},
	} {
		for what, read := range readings {
			t.Run(c.name+", "+what, func(t *testing.T) {
				refusedFor(t, read(o, c.actor, c.area), c.cause, c.key)
			})
		}
	}
	for _, actor := range []store.User{reviewerTung, officialTung, adminTung, adminTop} {
		for what, read := range readings {
			if what == "submissions" {
				continue // it fails on any form given; the ward has none yet
			}
			if err := read(o, actor, khuoiPai); err != nil {
				t.Errorf("%s reading %s: %v", actor.ID, what, err)
			}
		}
	}
}

// An area is named by id or by name, diacritics optional; a name several
// areas fit is refused with them listed, and a name outside the reader's
// area finds nothing.
func TestAreaByName(t *testing.T) {
	o := &office.Office{Store: storetest.Open(t)}
	for named, want := range map[string]string{"": "bac-kan/huyen-tung", "khuoi pai": khuoiPai, khuoiPai: khuoiPai} {
		if a, err := o.Area(ctx, reviewerTung, named); err != nil || a.ID != want {
			t.Errorf("%q: %s, %v; want %s", named, a.ID, err, want)
		}
	}
	_, err := o.Area(ctx, adminTop, "tung")
	var r *office.Refusal
	if !errors.As(err, &r) || r.Key != "office.area_ambiguous" || len(r.List) < 2 {
		t.Fatalf("an ambiguous name: %v", err)
	}
	refusedFor(t, func() error { _, err := o.Area(ctx, reviewerXuan, "khuoi pai"); return err }(), office.ErrOutside, "office.outside")
	areas, err := o.Areas(ctx, reviewerTung)
	if err != nil || len(areas) < 2 || slices.ContainsFunc(areas, func(a tree.Area) bool { return !tree.Within(a.ID, "bac-kan/huyen-tung") }) {
		t.Fatalf("a reviewer's areas: %v, %v", areas, err)
	}
}

// A reader's figures and spreadsheet hold their area's forms only; one
// form is theirs to open only within their area.
func TestReadersSeeTheirAreasForms(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	ours, theirs := sent(t, db, khuoiPai), sent(t, db, "bac-kan/duc-xuan/to-1")
	st, err := o.Figures(ctx, reviewerTung, "", now)
	if err != nil || st.Area.ID != "bac-kan/huyen-tung" {
		t.Fatalf("the ward's figures: %+v, %v", st.Area, err)
	}
	forms, _ := flows.Default()
	var buf bytes.Buffer
	if n, err := o.Export(ctx, reviewerTung, forms, export.Options{Format: export.CSV}, &buf); err != nil || n != 1 {
		t.Fatalf("the ward's spreadsheet: %d forms, %v", n, err)
	}
	var got []uint64
	if err := o.Submissions(ctx, adminTop, store.SubmissionFilter{}, func(s store.Submission) error { got = append(got, s.ID); return nil }); err != nil || len(got) != 2 {
		t.Fatalf("the city's forms: %v, %v", got, err)
	}
	if s, _, err := o.Submission(ctx, reviewerTung, ours); err != nil || s.ID != ours {
		t.Fatalf("the ward's form: %v", err)
	}
	for _, c := range []struct {
		name  string
		actor store.User
		id    uint64
		cause error
		key   string
	}{
		{"another ward's form", reviewerTung, theirs, office.ErrNoSubmission, "office.no_submission"},
		{"no such form", reviewerTung, 999, office.ErrNoSubmission, "office.no_submission"},
		{"a head", headKhuoiPai, ours, office.ErrNotAllowed, "office.readers_only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := o.Submission(ctx, c.actor, c.id)
			refusedFor(t, err, c.cause, c.key)
		})
	}
}

// The console is for those who read an area; a login is made for them
// only, and nobody learns whether a refused id exists.
func TestConsoleLogin(t *testing.T) {
	db := people(t)
	o := &office.Office{Store: db}
	for _, id := range []string{"h-kp", "gone", "nobody"} {
		t.Run(id, func(t *testing.T) {
			_, token, err := o.ConsoleLogin(ctx, id, now, 10*time.Minute)
			refusedFor(t, err, office.ErrNoUser, "office.no_console_user")
			if token != "" {
				t.Fatalf("a token for %s", id)
			}
		})
	}
	for _, id := range []string{"o-ht", "a-ht"} {
		u, token, err := o.ConsoleLogin(ctx, id, now, 10*time.Minute)
		if err != nil || token == "" || u.ID != id {
			t.Fatalf("%s: %q, %v", id, token, err)
		}
		if err := db.LoginUsable(ctx, token, now); err != nil {
			t.Fatalf("%s's login: %v", id, err)
		}
	}
	for _, c := range []struct {
		u    store.User
		want bool
	}{{reviewerTung, true}, {officialTung, true}, {adminTung, true}, {headKhuoiPai, false}, {revokedTung, false}} {
		if got, u := office.MayUseConsole(c.u) == nil, c.u; got != c.want {
			t.Errorf("%s (%s) may use the console: %v", u.ID, u.Role, got)
		}
	}
}
