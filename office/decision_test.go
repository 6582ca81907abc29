package office_test

import (
	"testing"
	"time"

	"sothon/office"
	"sothon/store"
)

// final brings Khuổi Pài's list to final: meeting held, posting over.
func final(t *testing.T, o *office.Office) {
	t.Helper()
	posted(t, o)
}

// The decision is recorded by an official or admin for the open round of
// their commune or ward, once its villages' lists are final; refusals leave
// the round open without a decision.
func TestRecordDecision(t *testing.T) {
	good := office.DecisionEntry{Number: "125/QĐ-UBND", Day: "2026-11-27"}
	with := func(f func(*office.DecisionEntry)) office.DecisionEntry { d := good; f(&d); return d }
	after := day("2026-11-27", 10)
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, o *office.Office)
		actor store.User
		req   office.DecisionEntry
		at    time.Time
		cause error
		key   string
	}{
		{"a reviewer", final, reviewerTung, good, after, office.ErrNotAllowed, "office.decision_officials_only"},
		{"a village head", final, headKhuoiPai, good, after, office.ErrNotAllowed, "office.decision_officials_only"},
		{"a revoked admin", final, revokedTop, good, after, office.ErrNotAllowed, "office.decision_officials_only"},
		{"another ward", final, officialTung, with(func(d *office.DecisionEntry) { d.AreaID = "bac-kan/duc-xuan" }), after, office.ErrOutside, "office.outside"},
		{"a village", final, officialTung, with(func(d *office.DecisionEntry) { d.AreaID = khuoiPai }), after, office.ErrVillage, "office.decision_village"},
		{"a ward without a round", final, officialTop, with(func(d *office.DecisionEntry) { d.AreaID = "bac-kan/duc-xuan" }), after, store.ErrNoOpenRound, "round.none_open"},
		{"the city, whose round it is not", final, officialTop, with(func(d *office.DecisionEntry) { d.AreaID = "bac-kan" }), after, store.ErrNoOpenRound, "round.none_open"},
		{"no number", final, officialTung, with(func(d *office.DecisionEntry) { d.Number = " " }), after, office.ErrDecisionBad, "office.decision_bad"},
		{"a day not ISO", final, officialTung, with(func(d *office.DecisionEntry) { d.Day = "27/11/2026" }), after, office.ErrDecisionBad, "office.decision_bad"},
		{"no meeting yet", nil, officialTung, good, after, office.ErrNotFinal, "office.decision_not_final"},
		{"the posting not over", final, officialTung, good, day("2026-11-25", 10), office.ErrNotFinal, "office.decision_not_final"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, o, r := reviewRound(t)
			if c.setup != nil {
				c.setup(t, o)
			}
			audit := auditLen(t, db)
			_, err := o.RecordDecision(ctx, c.actor, c.req, c.at)
			refusedFor(t, err, c.cause, c.key)
			if got, _ := db.Round(ctx, r.ID); !got.IsOpen() || got.Decided() || auditLen(t, db) != audit {
				t.Fatalf("a refused decision changed the round: %+v", got)
			}
		})
	}
	t.Run("a round of the city, asked for a ward", func(t *testing.T) {
		db := reviewRoundOf(t, "bac-kan")
		o := &office.Office{Store: db}
		_, err := o.RecordDecision(ctx, officialTung, good, after)
		refusedFor(t, err, office.ErrDecisionArea, "office.decision_round_area")
	})
	t.Run("recorded once", func(t *testing.T) {
		_, o, r := reviewRound(t)
		final(t, o)
		got, err := o.RecordDecision(ctx, adminTung, with(func(d *office.DecisionEntry) { d.Round = r.ID }), after)
		if err != nil || !got.Decided() || !got.Closed.Equal(after) || got.Decision.Day != "2026-11-27" {
			t.Fatalf("%+v, %v", got, err)
		}
		_, err = o.RecordDecision(ctx, adminTung, with(func(d *office.DecisionEntry) { d.Round = r.ID }), after)
		refusedFor(t, err, store.ErrNoOpenRound, "round.none_open")
	})
}

// reviewRoundOf opens an annual round for an area with no form in it.
func reviewRoundOf(t *testing.T, area string) *store.DB {
	t.Helper()
	db, _, r := reviewRound(t)
	if _, err := db.CloseRound(ctx, r.AreaID, now.Add(-time.Hour), "a-ht"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "Thành phố", Kind: store.RoundAnnual, AreaID: area, From: "2026-11-21", To: "2026-12-15", Opened: now}); err != nil {
		t.Fatal(err)
	}
	return db
}
