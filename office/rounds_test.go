package office_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
	"sothon/store/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

	adminTung   = store.User{ID: "a-ht", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung"}
	adminTop    = store.User{ID: "a-top", Role: store.RoleAdmin, AreaID: "bac-kan"}
	officialTop = store.User{ID: "o-top", Role: store.RoleOfficial, AreaID: "bac-kan"}
	revokedTop  = store.User{ID: "r-top", Role: store.RoleAdmin, AreaID: "bac-kan", Revoked: true}
)

// refusedFor checks that err is a refusal for cause with the message key.
func refusedFor(t *testing.T, err error, cause error, key string) {
	t.Helper()
	var r *office.Refusal
	if !errors.As(err, &r) || !errors.Is(err, cause) || r.Key != key {
		t.Fatalf("got %v, want a refusal %q for %v", err, key, cause)
	}
	if r.Error() == "" || r.Error() == "["+key+"]" {
		t.Fatalf("refusal %q has no English text: %q", key, r.Error())
	}
}

// A round is opened by an admin for their area or a non-village area below
// it; every other request is refused with its cause and changes nothing.
func TestOpenRound(t *testing.T) {
	good := office.RoundOpening{Name: "Rà soát cuối năm", From: "2026-11-01", To: "2026-12-15"}
	with := func(f func(*office.RoundOpening)) office.RoundOpening { r := good; f(&r); return r }
	for _, c := range []struct {
		name  string
		actor store.User
		req   office.RoundOpening
		cause error
		key   string
	}{
		{"an official", officialTop, good, office.ErrNotAllowed, "office.admins_only"},
		{"a revoked admin", revokedTop, good, office.ErrNotAllowed, "office.admins_only"},
		{"another ward", adminTung, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/duc-xuan" }), office.ErrOutside, "office.outside"},
		{"the area above", adminTung, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan" }), office.ErrOutside, "office.outside"},
		{"no such area", adminTop, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/nowhere" }), office.ErrOutside, "office.outside"},
		{"a climbing id", adminTung, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/huyen-tung/../duc-xuan" }), office.ErrOutside, "office.outside"},
		{"a village", adminTung, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/huyen-tung/khuoi-pai" }), office.ErrVillage, "office.round_village"},
		{"a village, from the top", adminTop, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/huyen-tung/khuoi-pai" }), office.ErrVillage, "office.round_village"},
		{"no name", adminTung, with(func(r *office.RoundOpening) { r.Name = "  " }), store.ErrRoundBad, "office.round_bad"},
		{"days backwards", adminTung, with(func(r *office.RoundOpening) { r.From, r.To = r.To, r.From }), store.ErrRoundBad, "office.round_bad"},
		{"a day not ISO", adminTung, with(func(r *office.RoundOpening) { r.From = "01/11/2026" }), store.ErrRoundBad, "office.round_bad"},
		{"a kind unheard of", adminTung, with(func(r *office.RoundOpening) { r.Kind = "yearly" }), store.ErrRoundBad, "office.round_bad"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			_, err := (&office.Office{Store: db}).OpenRound(ctx, c.actor, c.req, now)
			refusedFor(t, err, c.cause, c.key)
			if all, _ := db.Rounds(ctx); len(all) != 0 {
				t.Fatalf("a refused round was stored: %+v", all)
			}
		})
	}
	t.Run("opened, and a second refused", func(t *testing.T) {
		db := storetest.Open(t)
		o := &office.Office{Store: db}
		r, err := o.OpenRound(ctx, adminTung, with(func(r *office.RoundOpening) { r.Kind = store.RoundAnnual }), now)
		if err != nil || r.AreaID != "bac-kan/huyen-tung" || r.OpenedBy != "a-ht" || !r.Annual() || !r.Opened.Equal(now) {
			t.Fatalf("%+v, %v", r, err)
		}
		_, err = o.OpenRound(ctx, adminTop, good, now)
		refusedFor(t, err, store.ErrRoundOpen, "office.round_open")
	})
	t.Run("the terminal opens below the top", func(t *testing.T) {
		db := storetest.Open(t)
		o := &office.Office{Store: db}
		term, err := office.Terminal(ctx, db)
		if err != nil || term.AreaID != "bac-kan" {
			t.Fatalf("%+v, %v", term, err)
		}
		r, err := o.OpenRound(ctx, term, with(func(r *office.RoundOpening) { r.AreaID = "bac-kan/duc-xuan" }), now)
		if err != nil || r.AreaID != "bac-kan/duc-xuan" || r.Kind != store.RoundRegular {
			t.Fatalf("%+v, %v", r, err)
		}
	})
}

// A round is closed by an admin of its area; a round for everywhere only by
// the top admin.
func TestCloseRound(t *testing.T) {
	for _, c := range []struct {
		name   string
		opened string // the area of the open round, "" for everywhere
		actor  store.User
		area   string
		cause  error
		key    string
	}{
		{"an official", "bac-kan/huyen-tung", officialTop, "bac-kan/huyen-tung", office.ErrNotAllowed, "office.admins_only"},
		{"another ward's", "bac-kan/duc-xuan", adminTung, "bac-kan/duc-xuan", office.ErrOutside, "office.outside"},
		{"none open", "bac-kan/duc-xuan", adminTung, "", store.ErrNoOpenRound, "round.none_open"},
		{"the area above's", "bac-kan", adminTung, "", store.ErrNoOpenRound, "round.none_open"},
		{"everywhere's, below the top", "", adminTung, "", store.ErrNoOpenRound, "round.none_open"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			if _, err := db.OpenRound(ctx, store.Round{Name: "Đợt", AreaID: c.opened, From: "2026-11-01", To: "2026-12-15", Opened: now}); err != nil {
				t.Fatal(err)
			}
			_, err := (&office.Office{Store: db}).CloseRound(ctx, c.actor, c.area, now)
			refusedFor(t, err, c.cause, c.key)
			if all, _ := db.Rounds(ctx); !all[0].IsOpen() {
				t.Fatalf("closed by a refusal: %+v", all[0])
			}
		})
	}
	for _, c := range []struct {
		name   string
		opened string
		actor  store.User
		area   string
	}{
		{"their own", "bac-kan/huyen-tung", adminTung, ""},
		{"below the top", "bac-kan/huyen-tung", adminTop, "bac-kan/huyen-tung"},
		{"everywhere's, at the top", "", adminTop, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.Open(t)
			if _, err := db.OpenRound(ctx, store.Round{Name: "Đợt", AreaID: c.opened, From: "2026-11-01", To: "2026-12-15", Opened: now}); err != nil {
				t.Fatal(err)
			}
			r, err := (&office.Office{Store: db}).CloseRound(ctx, c.actor, c.area, now)
			if err != nil || r.IsOpen() {
				t.Fatalf("%+v, %v", r, err)
			}
		})
	}
}

// An admin sees the rounds of their area and below, and those above that
// cover it, newest first; only their own open ones are closable.
func TestRounds(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	for _, r := range []store.Round{
		{Name: "Cả tỉnh", AreaID: "", From: "2026-01-01", To: "2026-01-31"},
		{Name: "Đức Xuân", AreaID: "bac-kan/duc-xuan", From: "2026-11-01", To: "2026-12-15"},
		{Name: "Huyền Tụng", AreaID: "bac-kan/huyen-tung", From: "2026-11-01", To: "2026-12-15"},
	} {
		if r.AreaID == "bac-kan/duc-xuan" {
			if _, err := db.CloseRound(ctx, "", now, "a-top"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.OpenRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Rounds(ctx, officialTop); !errors.Is(err, office.ErrNotAllowed) {
		t.Fatalf("an official: %v", err)
	}
	for _, c := range []struct {
		actor store.User
		want  string // names, newest first, closable ones starred
	}{
		{adminTung, "Huyền Tụng* Cả tỉnh"},
		{adminTop, "Huyền Tụng* Đức Xuân* Cả tỉnh"},
	} {
		rows, err := o.Rounds(ctx, c.actor)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for i, r := range rows {
			if i > 0 {
				got += " "
			}
			got += r.Name
			if r.Closable {
				got += "*"
			}
		}
		if got != c.want {
			t.Errorf("%s sees %q, want %q", c.actor.ID, got, c.want)
		}
	}
}

// Before closing, the admin learns of the forms still waiting, listed up to
// the number asked; with none left, nothing is listed.
func TestBeforeClosing(t *testing.T) {
	db := storetest.Open(t)
	o := &office.Office{Store: db}
	_, err := o.BeforeClosing(ctx, adminTung, "", now, 10)
	refusedFor(t, err, store.ErrNoOpenRound, "round.none_open")
	if _, err := o.OpenRound(ctx, adminTung, office.RoundOpening{Name: "Đợt", From: "2026-11-01", To: "2026-12-15"}, now); err != nil {
		t.Fatal(err)
	}
	u, err := o.BeforeClosing(ctx, adminTung, "", now, 10)
	if err != nil || u.Left() || u.Round.Name != "Đợt" {
		t.Fatalf("an empty round: %+v, %v", u, err)
	}
	for _, name := range []string{"Nông Văn Tý", "Hoàng Thị Mai"} {
		s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: name, SubmittedAt: now, Class: "poor", Answers: map[string]string{}}
		if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	u, err = o.BeforeClosing(ctx, adminTung, "", now, 1)
	if err != nil || !u.Left() || u.Pending != 2 || u.Returned != 0 || len(u.Waiting) != 1 {
		t.Fatalf("two waiting, one listed: %+v, %v", u, err)
	}
	_, err = o.BeforeClosing(ctx, adminTung, "bac-kan/duc-xuan", now, 10)
	refusedFor(t, err, office.ErrOutside, "office.outside")
	_, err = o.BeforeClosing(ctx, officialTop, "", now, 10)
	refusedFor(t, err, office.ErrNotAllowed, "office.admins_only")
}
