package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows/poverty"
	"sothon/store/counting"
	"sothon/tree"
)

// A household's standing is where it stands on the official list and in
// each review round, derived from its register entries and its classified
// forms with their review states. It is the one rule every output follows:
// the counters behind /stats, the digest and the dashboard are the
// standings' sums, the posted lists are the standings themselves, and
// exports mark the forms the standings rest on.
//
// The rule: a household stands at its latest approved form (the register's
// status until one is; a register imported later is the newer word). A
// newer form waiting for review changes nothing until it is approved and is
// shown as a pending change; a returned, corrected or superseded form stands
// nowhere. Under BasisAll, "latest form received or approved" takes the
// place of "latest approved form".

// Basis is what a household's standing counts.
type Basis string

// Bases. The values are those of SettingCountBasis.
const (
	BasisApproved Basis = CountApproved // approved forms only
	BasisAll      Basis = CountAll      // every form received, until returned
)

// Bases lists both, in the order figures give them.
var Bases = []Basis{BasisApproved, BasisAll}

// stands tells whether a form in a review state counts on a basis.
func (b Basis) stands(state string) bool {
	return state == ReviewApproved || (b == BasisAll && state == ReviewReceived)
}

// Outcome is the form a household stands at and the class it gave; a zero
// Form with a Class is the register's word; all zero is none.
type Outcome struct {
	Form  uint64    `json:"form,omitempty"`
	Class string    `json:"class,omitempty"`
	At    time.Time `json:"at,omitzero"` // when it was approved (received, under BasisAll) or imported
}

// Stand is a household's decision in a round on one basis, with its status
// before the round, which the lists of those leaving poverty compare with.
type Stand struct {
	Baseline string
	Decision Outcome
}

// A household's review state in a round: that of its newest form there.
// Its figures count households approved (with a decision, whatever waits
// beside it), pending and returned.
const (
	RoundPending  = "pending"  // waits for review
	RoundReturned = "returned" // sent back and not corrected in the round
	RoundApproved = "approved" // decided, nothing newer waiting
)

// RoundStanding is where a household stands in one round.
type RoundStanding struct {
	Round         uint64
	Open          bool     // the round is open
	Area          string   // the village of its newest form in the round
	Forms         []uint64 // its forms the round counts, oldest first
	Approved, All Stand
	State         string  // RoundPending, RoundReturned, RoundApproved or ""
	Pending       Outcome // the form waiting for review, when State is RoundPending
	// Decided: a form of the household was approved or returned in the
	// round, which is what turns the automatic basis to approved forms.
	Decided bool
}

// By is the household's stand on a basis.
func (r RoundStanding) By(b Basis) Stand {
	if b == BasisAll {
		return r.All
	}
	return r.Approved
}

// PendingChange tells whether the form waiting would change the class the
// household was approved with in the round.
func (r RoundStanding) PendingChange() bool {
	d := r.Approved.Decision
	return r.Pending.Form != 0 && d.Form != 0 && r.Pending.Class != d.Class
}

// Standing is one household's standing.
type Standing struct {
	Household     Household
	Approved, All Outcome // on the official list, by basis
	Rounds        []RoundStanding
}

// Status is the household's class on the official list on a basis.
func (s Standing) Status(b Basis) Outcome {
	if b == BasisAll {
		return s.All
	}
	return s.Approved
}

// Open is the household's standing in the open round that counts any of
// its forms, if one does.
func (s Standing) Open() (RoundStanding, bool) {
	i := slices.IndexFunc(s.Rounds, func(r RoundStanding) bool { return r.Open })
	if i < 0 {
		return RoundStanding{}, false
	}
	return s.Rounds[i], true
}

// Holding is the household's standing in the round that counts a form.
func (s Standing) Holding(form uint64) (RoundStanding, bool) {
	for _, r := range s.Rounds {
		if slices.Contains(r.Forms, form) {
			return r, true
		}
	}
	return RoundStanding{}, false
}

// In is the household's standing in a round, if the round counts any of
// its forms.
func (s Standing) In(round uint64) (RoundStanding, bool) {
	i := slices.IndexFunc(s.Rounds, func(r RoundStanding) bool { return r.Round == round })
	if i < 0 {
		return RoundStanding{}, false
	}
	return s.Rounds[i], true
}

// classified is a form that gave a class, with its review: what a standing
// is made of.
type classified struct {
	counted
	Review Review
}

// standingOf derives a household's standing as of a moment (zero: now)
// from its register history and its classified forms, oldest first.
func standingOf(hh Household, forms []classified, rounds []Round, asOf time.Time) Standing {
	byID := make(map[uint64]classified, len(forms))
	for _, f := range forms {
		byID[f.ID] = f
	}
	st := Standing{Household: hh}
	st.Approved, st.All = officialStatus(hh, byID, asOf, asOf, 0)
	for _, r := range rounds {
		var in []classified
		for _, f := range forms {
			if r.Counts(f.AreaID, f.Class, f.SubmittedAt) {
				in = append(in, f)
			}
		}
		if len(in) > 0 {
			st.Rounds = append(st.Rounds, roundStanding(hh, byID, in, r, asOf))
		}
	}
	return st
}

// officialStatus walks a household's history as of asOf, with review states
// taken at the moment at, up to (not including) the form stopAt (0: all):
// the latest register entry or standing form on each basis.
func officialStatus(hh Household, forms map[uint64]classified, asOf, at time.Time, stopAt uint64) (approved, all Outcome) {
	for _, ch := range hh.History {
		if stopAt != 0 && ch.Submission == stopAt {
			break
		}
		if !asOf.IsZero() && ch.At.After(asOf) {
			continue
		}
		if ch.Submission == 0 {
			approved = Outcome{Class: ch.Status, At: ch.At}
			all = approved
			continue
		}
		f, ok := forms[ch.Submission]
		if !ok {
			continue
		}
		state := f.Review.StateAt(at)
		if BasisApproved.stands(state) {
			approved = Outcome{Form: f.ID, Class: f.Class, At: f.Review.approvedAt()}
		}
		if BasisAll.stands(state) {
			all = Outcome{Form: f.ID, Class: f.Class, At: f.SubmittedAt}
		}
	}
	return approved, all
}

// roundStanding is a household's standing in a round from the forms the
// round counts (in, oldest first). A closed round sees the review states as
// they were at its close, so that its figures stay as they were.
func roundStanding(hh Household, forms map[uint64]classified, in []classified, r Round, asOf time.Time) RoundStanding {
	at := asOf
	if !r.IsOpen() && (at.IsZero() || r.Closed.Before(at)) {
		at = r.Closed
	}
	rs := RoundStanding{Round: r.ID, Open: r.IsOpen(), Area: in[len(in)-1].AreaID}
	approved, all := officialStatus(hh, forms, asOf, at, in[0].ID)
	rs.Approved.Baseline, rs.All.Baseline = approved.Class, all.Class
	for _, f := range in {
		rs.Forms = append(rs.Forms, f.ID)
		state := f.Review.StateAt(at)
		switch state {
		case ReviewApproved, ReviewReturned, ReviewResubmitted:
			rs.Decided = true
		}
		if BasisApproved.stands(state) {
			rs.Approved.Decision = Outcome{Form: f.ID, Class: f.Class, At: f.Review.approvedAt()}
		}
		if BasisAll.stands(state) {
			rs.All.Decision = Outcome{Form: f.ID, Class: f.Class, At: f.SubmittedAt}
		}
	}
	last := in[len(in)-1]
	switch last.Review.StateAt(at) {
	case ReviewReceived:
		rs.State, rs.Pending = RoundPending, Outcome{Form: last.ID, Class: last.Class, At: last.SubmittedAt}
	case ReviewReturned, ReviewResubmitted:
		rs.State = RoundReturned
	default: // approved, or superseded by a form the round does not count
		if rs.Approved.Decision.Form != 0 {
			rs.State = RoundApproved
		}
	}
	return rs
}

// names are the counters a household's standing in a round adds to.
func (r RoundStanding) names() []string {
	names := []string{counting.ReviewedCounter(r.Round)}
	for _, b := range Bases {
		s := r.By(b)
		if s.Decision.Form == 0 {
			continue
		}
		names = append(names, counting.RoundClassCounter(r.Round, string(b), poverty.Class(s.Decision.Class)))
		for _, kind := range ListKinds(s.Baseline, s.Decision.Class) {
			names = append(names, counting.RoundListCounter(r.Round, string(b), kind))
		}
		if Escaped(s.Baseline, s.Decision.Class) {
			names = append(names, counting.RoundEscapedCounter(r.Round, string(b)))
		}
	}
	if r.State == RoundPending || r.State == RoundReturned {
		names = append(names, counting.RoundStateCounter(r.Round, r.State))
	}
	if r.Approved.Decision.Form != 0 {
		names = append(names, counting.RoundStateCounter(r.Round, RoundApproved))
	}
	if r.PendingChange() {
		names = append(names, counting.RoundStateCounter(r.Round, counting.RoundPendingChange))
	}
	if r.Decided {
		names = append(names, counting.RoundStateCounter(r.Round, counting.RoundDecided))
	}
	return names
}

// Lists a round posts: households classified poor and near-poor, and those
// leaving poverty and near-poverty in it.
const (
	ListPoor         = string(poverty.Poor)
	ListNearPoor     = string(poverty.NearPoor)
	ListLeftPoor     = "left_poor"
	ListLeftNearPoor = "left_near_poor"
)

// ListKindsAll are the lists in the order they are posted.
var ListKindsAll = []string{ListPoor, ListNearPoor, ListLeftPoor, ListLeftNearPoor}

// ListKinds are the lists a household goes on: its class now, and leaving
// poverty or near-poverty when it was there before the round.
func ListKinds(before, class string) []string {
	var kinds []string
	switch class {
	case ListPoor, ListNearPoor:
		kinds = append(kinds, class)
	}
	was, is := poverty.Class(before), poverty.Class(class)
	switch {
	case was == poverty.Poor && is != poverty.Poor:
		kinds = append(kinds, ListLeftPoor)
	case was == poverty.NearPoor && is != poverty.Poor && is != poverty.NearPoor:
		kinds = append(kinds, ListLeftNearPoor)
	}
	return kinds
}

// Escaped tells whether a household left poverty altogether: poor or
// near-poor before, neither now.
func Escaped(before, class string) bool {
	was, is := poverty.Class(before), poverty.Class(class)
	return (was == poverty.Poor || was == poverty.NearPoor) && (is == poverty.Middle || is == poverty.None)
}

// approvedAt is when the form was approved, zero if it was not.
func (r Review) approvedAt() time.Time {
	for _, s := range r.Steps {
		if s.State == ReviewApproved {
			return s.At
		}
	}
	return time.Time{}
}

func roundKind(round uint64) string { return fmt.Sprintf("round:%d", round) }

// restand derives a household's standing afresh and puts it on the
// household record and the counters: after anything that changes one of
// its forms, its review, its register entry or the rounds counting it.
func restand(tx *bolt.Tx, hh *Household, rounds []Round, bump bumper, put putter) (Standing, error) {
	st, err := standingNow(tx, *hh, rounds)
	if err != nil {
		return Standing{}, err
	}
	hh.Status, hh.StatusAt, hh.Approved = st.All.Class, st.All.At, st.Approved.Class
	st.Household = *hh
	if err := putHouseholdCounting(tx, hh, bump, put); err != nil {
		return Standing{}, err
	}
	if err := putContribution(tx, hh.AreaID, approvedContribution(hh.ID, st.Approved.Class), bump, put); err != nil {
		return Standing{}, err
	}
	for _, r := range st.Rounds {
		if err := putContribution(tx, r.Area, counting.Contribution{Kind: roundKind(r.Round), Key: hh.ID, Names: r.names()}, bump, put); err != nil {
			return Standing{}, err
		}
	}
	return st, nil
}

// standNew stores a household new to the file, with its register entry:
// restand without its look-ups (see newHousehold).
func standNew(tx *bolt.Tx, hh *Household, bump bumper, put putter) error {
	facts := newHousehold(hh)
	if err := putHouseholdRecord(tx, hh); err != nil {
		return err
	}
	for _, f := range facts {
		if err := addContribution(tx.Bucket(bucketFacts), hh.AreaID, f, bump, put); err != nil {
			return err
		}
	}
	return put(tx.Bucket(bucketHHByArea), hhAreaKey(hh.AreaID, hh.ID), []byte(hh.HeadName))
}

// standingNow derives a household's standing now from its stored forms.
func standingNow(tx *bolt.Tx, hh Household, rounds []Round) (Standing, error) {
	forms, err := formsOf(tx, hh.ID)
	if err != nil {
		return Standing{}, err
	}
	return standingOf(hh, forms, rounds, time.Time{}), nil
}

// restandID is restand for a household by id, counting directly.
func restandID(tx *bolt.Tx, id string) error {
	var hh Household
	if err := getHousehold(tx.Bucket(bucketHouseholds), []byte(id), &hh); err != nil {
		return fmt.Errorf("household %s: %w", id, err)
	}
	rounds, err := allRounds(tx)
	if err != nil {
		return err
	}
	_, err = restand(tx, &hh, rounds, func(area string, names []string, delta int64) error { return bumpAll(tx, area, names, delta) }, putNow)
	return err
}

// householdFormKey indexes a household's forms: household id, NUL, form id.
func householdFormKey(household string, id uint64) []byte {
	return append([]byte(household+"\x00"), seqKey(id)...)
}

// formIDsOf lists a household's forms, oldest first, with their
// questionnaire (the index's value).
func formIDsOf(tx *bolt.Tx, household string) (ids []uint64, forms []string, err error) {
	prefix := []byte(household + "\x00")
	c := tx.Bucket(bucketSubByHH).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		id, err := seqOf(k[len(prefix):])
		if err != nil {
			return nil, nil, fmt.Errorf("forms of household %s: %w", household, err)
		}
		ids = append(ids, id)
		forms = append(forms, string(v))
	}
	return ids, forms, nil
}

// formsOf loads a household's classified forms with their reviews.
func formsOf(tx *bolt.Tx, household string) ([]classified, error) {
	ids, _, err := formIDsOf(tx, household)
	if err != nil {
		return nil, err
	}
	var out []classified
	for _, id := range ids {
		var f classified
		if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(id), &f.counted); err != nil {
			return nil, fmt.Errorf("form %d of household %s: %w", id, household, err)
		}
		if f.Class == "" {
			continue
		}
		rv, err := reviewOf(tx, id)
		if err != nil {
			return nil, err
		}
		f.Review = rv
		out = append(out, f)
	}
	return out, nil
}

// HouseholdStanding is one household's standing now.
func (db *DB) HouseholdStanding(ctx context.Context, id string) (Standing, error) {
	var st Standing
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var hh Household
		if err := getHousehold(tx.Bucket(bucketHouseholds), []byte(id), &hh); err != nil {
			return err
		}
		rounds, err := allRounds(tx)
		if err != nil {
			return err
		}
		st, err = standingNow(tx, hh, rounds)
		return err
	})
	if err != nil {
		return Standing{}, fmt.Errorf("store: standing of household %s: %w", id, err)
	}
	return st, nil
}

// RoundStandings are the standings of the households of an area's subtree
// that a round counts, by village and household id. A household stands in
// a round by its forms, so only households with a form are read: found
// from the forms' index when the database holds fewer forms than the area
// households (a province early in a round), or else among the area's
// households, skipping those with none.
func (db *DB) RoundStandings(ctx context.Context, areaID string, round uint64) ([]Standing, error) {
	var out []Standing
	err := db.view(ctx, func(tx *bolt.Tx) error {
		rounds, err := allRounds(tx)
		if err != nil {
			return err
		}
		households := tx.Bucket(bucketHouseholds)
		take := func(hh Household) error {
			st, err := standingNow(tx, hh, rounds)
			if err == nil {
				if _, ok := st.In(round); ok {
					out = append(out, st)
				}
			}
			return err
		}
		if fewerForms(tx, areaID) {
			if err := eachWithForms(tx, func(hh Household) error {
				if hh.AreaID != areaID && !strings.HasPrefix(hh.AreaID, areaID+"/") {
					return nil
				}
				return take(hh)
			}); err != nil {
				return err
			}
			slices.SortFunc(out, func(a, b Standing) int {
				return bytes.Compare(hhAreaKey(a.Household.AreaID, a.Household.ID), hhAreaKey(b.Household.AreaID, b.Household.ID))
			})
			return nil
		}
		c := tx.Bucket(bucketHHByArea).Cursor()
		forms := tx.Bucket(bucketSubByHH).Cursor()
		for _, prefix := range [][]byte{[]byte(areaID + "\x00"), []byte(areaID + "/")} {
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				_, id, _ := bytes.Cut(k, []byte{0})
				own := append(append(make([]byte, 0, len(id)+1), id...), 0)
				if f, _ := forms.Seek(own); f == nil || !bytes.HasPrefix(f, own) {
					continue
				}
				var hh Household
				if err := getHousehold(households, id, &hh); err != nil {
					return err
				}
				if err := take(hh); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: standings of %s in round %d: %w", areaID, round, err)
	}
	return out, nil
}

// fewerForms tells whether the database holds fewer forms than the area
// households, by the forms' sequence and the area tree's count.
func fewerForms(tx *bolt.Tx, areaID string) bool {
	var a tree.Area
	if err := getJSON(tx.Bucket(bucketAreas), []byte(areaID), &a); err != nil {
		return false
	}
	return tx.Bucket(bucketSubmissions).Sequence() < uint64(a.HouseholdsTotal)
}

// eachWithForms gives fn every household with a form, in id order.
func eachWithForms(tx *bolt.Tx, fn func(Household) error) error {
	households := tx.Bucket(bucketHouseholds)
	c := tx.Bucket(bucketSubByHH).Cursor()
	var last []byte
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		id, _, _ := bytes.Cut(k, []byte{0}) // a household id has no NUL
		if last != nil && bytes.Equal(id, last) {
			continue
		}
		last = append(last[:0], id...)
		var hh Household
		err := getHousehold(households, id, &hh)
		if errors.Is(err, ErrNotFound) {
			continue // as the area's households would not list it
		}
		if err != nil {
			return err
		}
		if err := fn(hh); err != nil {
			return err
		}
	}
	return nil
}

// EffectiveBasis is the basis an area's figures, lists and exports count
// on in a round (nil: none open), by BasisFor. The whole database (area
// "") counts on approved forms as soon as any open round has a decision.
func (db *DB) EffectiveBasis(ctx context.Context, areaID string, round *Round) (Basis, error) {
	setting, err := db.Setting(ctx, SettingCountBasis)
	if err != nil {
		return "", err
	}
	rounds := []*Round{round}
	if areaID == "" && round == nil {
		all, err := db.Rounds(ctx)
		if err != nil {
			return "", err
		}
		for i := range all {
			if all[i].IsOpen() {
				rounds = append(rounds, &all[i])
			}
		}
	}
	counters, err := db.CountersIn(ctx, areaID)
	if err != nil {
		return "", err
	}
	sum := Counters{}
	for _, c := range counters {
		sum.Add(c)
	}
	basis := BasisFor(setting, nil, sum)
	for _, r := range rounds {
		if b := BasisFor(setting, r, sum); r != nil && b == BasisApproved {
			basis = b
		}
	}
	return basis, nil
}

// BasisFor is the one rule for the basis: as configured (SOTHON_COUNT), or
// by default approved forms once any form of the round in the area (whose
// counters are given) was approved or returned, and all forms until then
// and without a round.
func BasisFor(setting string, round *Round, area Counters) Basis {
	switch {
	case setting == CountApproved:
		return BasisApproved
	case setting == CountAll || round == nil:
		return BasisAll
	case area[counting.RoundStateCounter(round.ID, counting.RoundDecided)] > 0:
		return BasisApproved
	}
	return BasisAll
}

// StandingDiff is a household record whose statuses differ from its
// standing derived afresh.
type StandingDiff struct {
	Household                string
	Status, Approved         string // on the record
	WantStatus, WantApproved string // derived
}

func (d StandingDiff) String() string {
	return fmt.Sprintf("household %s: status %q and approved %q on record, its forms give %q and %q",
		d.Household, d.Status, d.Approved, d.WantStatus, d.WantApproved)
}

// CheckStandings derives every household's standing afresh and lists the
// records that say otherwise.
func (db *DB) CheckStandings(ctx context.Context) ([]StandingDiff, error) {
	var diffs []StandingDiff
	err := db.view(ctx, func(tx *bolt.Tx) error {
		rounds, err := allRounds(tx)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketHouseholds).ForEach(func(k, v []byte) error {
			var hh Household
			if err := decodeHousehold(v, &hh); err != nil {
				return fmt.Errorf("household %s: %w", k, err)
			}
			st, err := standingNow(tx, hh, rounds)
			if err != nil {
				return err
			}
			if st.All.Class != hh.Status || st.Approved.Class != hh.Approved {
				diffs = append(diffs, StandingDiff{Household: hh.ID, Status: hh.Status, Approved: hh.Approved,
					WantStatus: st.All.Class, WantApproved: st.Approved.Class})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: check standings: %w", err)
	}
	return diffs, nil
}

// FormReview is a form's review as exports give it.
type FormReview struct {
	State      string
	ReplacedBy uint64 // the form that corrected or superseded it
	// Current: the household stands at this form, on the basis asked for.
	// Of the forms that classify the household, it is the one its class on
	// the official list comes from (none when the register's word is
	// newer); the others (a person's training wishes, a livelihood model)
	// are records side by side, each current while it stands.
	Current bool
}

// SubmissionsReviewed is Submissions with each form's review, and whether
// the household stands at it, on a basis.
func (db *DB) SubmissionsReviewed(ctx context.Context, f SubmissionFilter, basis Basis, fn func(Submission, FormReview) error) error {
	err := db.view(ctx, func(tx *bolt.Tx) error {
		rounds, err := allRounds(tx)
		if err != nil {
			return err
		}
		current := map[string]map[uint64]bool{} // by household, read once
		return eachSubmission(ctx, tx, f, func(s Submission) error {
			rv, err := reviewOf(tx, s.ID)
			if err != nil {
				return err
			}
			cur, ok := current[s.HouseholdID]
			if !ok {
				if cur, err = currentForms(tx, s.HouseholdID, basis, rounds); err != nil {
					return err
				}
				current[s.HouseholdID] = cur
			}
			return fn(s, FormReview{State: rv.State(), ReplacedBy: rv.Last().ReplacedBy, Current: cur[s.ID]})
		})
	})
	if err != nil {
		return fmt.Errorf("store: submissions with reviews: %w", err)
	}
	return nil
}

// currentForms are the forms a household stands at, on a basis: of those
// that classify it, the one its official class comes from; of the others,
// every one that stands.
func currentForms(tx *bolt.Tx, household string, basis Basis, rounds []Round) (map[uint64]bool, error) {
	var hh Household
	if err := getHousehold(tx.Bucket(bucketHouseholds), []byte(household), &hh); err != nil {
		return nil, fmt.Errorf("household %s: %w", household, err)
	}
	st, err := standingNow(tx, hh, rounds)
	if err != nil {
		return nil, err
	}
	out := map[uint64]bool{}
	if d := st.Status(basis); d.Form != 0 {
		out[d.Form] = true
	}
	ids, _, err := formIDsOf(tx, household)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var s counted
		if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(id), &s); err != nil {
			return nil, err
		}
		if s.Class != "" {
			continue
		}
		rv, err := reviewOf(tx, id)
		if err != nil {
			return nil, err
		}
		out[id] = basis.stands(rv.State())
	}
	return out, nil
}
