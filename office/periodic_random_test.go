package office_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"sothon/office"
	"sothon/report"
	"sothon/report/lists"
	"sothon/store"
)

// Random sequences of a village's review — forms sent, approved, returned
// and corrected, the meeting voting at random, the posting, complaints —
// keep the counters, the household records and the lists agreeing with
// the figures after every step.
func TestPeriodicReviewRandom(t *testing.T) {
	classes := []string{"poor", "near_poor", "middle", "none"}
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 20))
			db, o, r := reviewRound(t)
			// Households 4 to 6 come to the round poor or near-poor, so
			// that some leave poverty in it.
			for i, class := range []string{"poor", "near_poor", "poor"} {
				approvedForm(t, db, demo(4+i), class, day("2026-10-20", 8+i))
			}
			if err := db.SetSetting(ctx, store.SettingPostingDays, "30"); err != nil {
				t.Fatal(err)
			}
			at := day("2026-11-20", 8)
			for step := range 40 {
				at = at.Add(time.Hour)
				op := rng.IntN(7)
				var err error
				switch op {
				case 0: // a form for a household
					sentForm(t, db, demo(1+rng.IntN(6)), classes[rng.IntN(len(classes))], at)
				case 1, 2: // a decision on a waiting form
					waiting, _ := db.PendingIn(ctx, khuoiPai, 10)
					if len(waiting) == 0 {
						continue
					}
					_, _, err = o.Decide(ctx, officialTung, office.Verdict{Form: waiting[rng.IntN(len(waiting))].ID, Approve: op == 1, Reason: "Sai thu nhập"}, nil, at, nil)
				case 3: // a correction of a returned form
					returned, _ := db.ReturnedIn(ctx, khuoiPai)
					if len(returned) == 0 {
						continue
					}
					sentForm(t, db, returned[rng.IntN(len(returned))].HouseholdID, classes[rng.IntN(len(classes))], at)
				case 4: // the meeting, voting at random
					err = randomMeeting(o, rng, at)
				case 5: // the posting
					_, err = o.RecordPosting(ctx, officialTung, office.PostingEntry{Village: khuoiPai, Start: at.Format(time.DateOnly)}, at)
				case 6: // a complaint
					_, err = o.AddComplaint(ctx, headKhuoiPai, office.ComplaintEntry{Village: khuoiPai, Household: demo(1 + rng.IntN(6)),
						From: "Người dân", Text: "Hộ chưa đúng diện"}, at)
				}
				var refusal *office.Refusal
				if err != nil && !errors.As(err, &refusal) {
					t.Fatalf("step %d, op %d: %v", step, op, err)
				}
				if d, err := lists.Agreement(ctx, db); err != nil || len(d) > 0 {
					t.Fatalf("step %d, op %d: the lists and the figures disagree: %v %v", step, op, d, err)
				}
				if d, err := db.CheckCounters(ctx); err != nil || len(d) > 0 {
					t.Fatalf("step %d, op %d: counters: %v %v", step, op, d, err)
				}
				if d, err := db.CheckStandings(ctx); err != nil || len(d) > 0 {
					t.Fatalf("step %d, op %d: standings: %v %v", step, op, d, err)
				}
				progressAgrees(t, db, r, at, fmt.Sprintf("step %d, op %d", step, op))
			}
			entries, _ := db.Audit(ctx)
			done := map[string]int{}
			for _, e := range entries {
				done[e.Action]++
			}
			t.Logf("returned by meetings %d, by complaints %d; forms approved %d, returned %d",
				done["meeting_return"], done["complaint_return"], done["review_approved"], done["review_returned"])
			if p, err := o.ReviewProgress(ctx, officialTung, khuoiPai, r.ID, at.AddDate(0, 2, 0)); err != nil || len(p.Villages) != 1 {
				t.Fatalf("progress: %+v, %v", p, err)
			}
		})
	}
}

// randomMeeting opens the village's meeting if it is not, votes at random
// on every household of its lists, and closes it.
func randomMeeting(o *office.Office, rng *rand.Rand, at time.Time) error {
	present := 1 + rng.IntN(20)
	m := meeting
	m.Present = present
	if _, err := o.OpenMeeting(ctx, headKhuoiPai, m, at); err != nil {
		return err
	}
	a, err := o.MeetingAgenda(ctx, headKhuoiPai, khuoiPai, 0)
	if err != nil {
		return err
	}
	for _, it := range a.Items {
		v := office.VoteEntry{Village: khuoiPai, Household: it.Household.ID, Agreed: rng.IntN(present + 1)}
		if _, err := o.RecordVote(ctx, headKhuoiPai, v, at); err != nil {
			return err
		}
	}
	_, err = o.CloseMeeting(ctx, headKhuoiPai, khuoiPai, 0, at)
	return err
}

// progressAgrees checks the villages' households and listed households
// ProgressOf reads from the counters against those the households'
// standings in the round give, for the village's commune; and the progress
// from the counts the figures read with them (ProgressOfFigures) against
// ProgressOf's.
func progressAgrees(t *testing.T, db *store.DB, r store.Round, at time.Time, where string) {
	t.Helper()
	village, err := db.Area(ctx, khuoiPai)
	if err != nil {
		t.Fatal(err)
	}
	commune, err := db.Area(ctx, village.Parent)
	if err != nil {
		t.Fatal(err)
	}
	p, err := office.ProgressOf(ctx, db, commune, r, at)
	if err != nil {
		t.Fatalf("%s: progress: %v", where, err)
	}
	standings, err := db.RoundStandings(ctx, commune.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	households, listed := map[string]int{}, map[string]int{}
	for _, st := range standings {
		rs, _ := st.In(r.ID)
		households[rs.Area]++
		if d := rs.Approved.Decision; d.Form != 0 && len(store.ListKinds(rs.Approved.Baseline, d.Class)) > 0 {
			listed[rs.Area]++
		}
	}
	for _, v := range p.Villages {
		id := v.Village.ID
		if v.Households != households[id] || v.Listed != listed[id] {
			t.Fatalf("%s: %s: progress counts %d households, %d listed; the standings %d, %d",
				where, id, v.Households, v.Listed, households[id], listed[id])
		}
	}
	if households[khuoiPai] > 0 && len(p.Villages) == 0 {
		t.Fatalf("%s: no village in the progress", where)
	}
	st, err := report.ComputeRound(ctx, db, commune.ID, &r, at)
	if err != nil {
		t.Fatal(err)
	}
	fromFigures, err := office.ProgressOfFigures(ctx, db, st, at)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFigures, p) {
		t.Fatalf("%s: progress from the figures' counts\n%+v\nProgressOf\n%+v", where, fromFigures.Villages, p.Villages)
	}
}
