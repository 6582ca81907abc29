package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/tree"
)

// The village meeting (họp thôn) of an annual review: the head (or the
// commune) opens it with its day, attendance and the people who sign the
// minutes, records how many agreed with each household on the village's
// lists, and closes it; a household fewer than half of those present
// agreed with goes back for review.

// Causes of the village review's refusals, beside the store's.
var (
	ErrMeetingBad   = errors.New("office: a meeting needs its day, attendance and names")
	ErrVoteBad      = errors.New("office: the number who agreed is out of range")
	ErrNotListed    = errors.New("office: the household is not on the village's lists")
	ErrVotesMissing = errors.New("office: households on the lists have no vote")
)

// MaxPresent bounds a meeting's attendance.
const MaxPresent = 10000

// MeetingOpening is a meeting a head or the commune opens.
type MeetingOpening struct {
	Village string
	Round   uint64 // 0: the open round holding the village
	Day     string // YYYY-MM-DD
	Present int    // people who attended
	// The people who sign the minutes.
	Chair, Secretary, Front string
}

// VoteEntry is how many agreed with a household at a meeting.
type VoteEntry struct {
	Village   string
	Round     uint64 // 0: the open round holding the village
	Household string
	Agreed    int
	All       bool // everyone present agreed ("tất cả"); Agreed is ignored
}

// AgendaItem is a household the meeting votes on, with its vote so far.
type AgendaItem struct {
	Household store.Household
	Form      uint64   // the approved form its decision in the round rests on
	Class     string   // the class that form gave
	Lists     []string // the lists it is on (store.ListKinds)
	Vote      *store.Vote
}

// Agenda is a village's meeting with the households it votes on: those on
// the village's lists of the round, by their approved forms, in the
// order the lists give (by head's name).
type Agenda struct {
	Round   store.Round
	Village tree.Area
	Meeting store.Meeting // zero when not opened
	Items   []AgendaItem
}

// Missing counts the households with no vote yet.
func (a Agenda) Missing() int {
	n := 0
	for _, it := range a.Items {
		if it.Vote == nil {
			n++
		}
	}
	return n
}

// VillageReviewers take part in a village's review: its meeting, the
// complaints about its list and the households' requests are its head's,
// and the commune's above it (villageActor).
var VillageReviewers = []string{store.RoleHead, store.RoleReviewer, store.RoleOfficial, store.RoleAdmin}

// villageActor is a village for an action of its head (when heads may
// take it) or of a reviewer, official or admin of an area above it.
func (o *Office) villageActor(ctx context.Context, actor store.User, id string, heads bool, notAllowed string) (tree.Area, error) {
	may := mayReview(actor) || (heads && !actor.Revoked && actor.Role == store.RoleHead)
	return o.village(ctx, actor, id, may, notAllowed, "office.review_village")
}

// openRoundOf is the open round a village's review is in: the one asked
// for (0: the open round holding the village).
func (o *Office) openRoundOf(ctx context.Context, village tree.Area, id uint64) (store.Round, error) {
	if id == 0 {
		r, err := o.Store.RoundFor(ctx, village.ID)
		if err != nil {
			return store.Round{}, fmt.Errorf("office: round of %s: %w", village.ID, err)
		}
		if r == nil {
			return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
		}
		return *r, nil
	}
	r, err := o.Store.Round(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && (!r.IsOpen() || !r.Holds(village.ID))):
		return store.Round{}, refuse(store.ErrNoOpenRound, "round.none_open")
	case err != nil:
		return store.Round{}, fmt.Errorf("office: round %d: %w", id, err)
	}
	return r, nil
}

// OpenMeeting opens the meeting of a village for its round: its head, or a
// reviewer, official or admin above it. One meeting per village and round.
func (o *Office) OpenMeeting(ctx context.Context, actor store.User, req MeetingOpening, at time.Time) (store.Meeting, error) {
	village, err := o.villageActor(ctx, actor, req.Village, true, "office.meeting_not_allowed")
	if err != nil {
		return store.Meeting{}, err
	}
	round, err := o.openRoundOf(ctx, village, req.Round)
	if err != nil {
		return store.Meeting{}, err
	}
	m := store.Meeting{Round: round.ID, AreaID: village.ID, Day: strings.TrimSpace(req.Day), Present: req.Present,
		Chair: clean(req.Chair), Secretary: clean(req.Secretary), Front: clean(req.Front), Opened: at, OpenedBy: actor.ID}
	if _, err := time.Parse(time.DateOnly, m.Day); err != nil || m.Present < 1 || m.Present > MaxPresent ||
		!nameOK(m.Chair) || !nameOK(m.Secretary) || !nameOK(m.Front) {
		return store.Meeting{}, refuse(ErrMeetingBad, "office.meeting_bad", "max", MaxPresent)
	}
	m, err = o.Store.OpenMeeting(ctx, m)
	switch {
	case errors.Is(err, store.ErrMeetingExists):
		old, _ := o.Store.MeetingOf(ctx, round.ID, village.ID)
		return store.Meeting{}, refuse(err, "office.meeting_exists", "day", dayMonthYear(old.Day))
	case err != nil:
		return store.Meeting{}, fmt.Errorf("office: open meeting: %w", err)
	}
	return m, nil
}

// clean is typed text on one line with single spaces.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// nameOK tells whether a person's name is given, up to 100 characters.
func nameOK(s string) bool { n := utf8.RuneCountInString(s); return n >= 1 && n <= 100 }

// MeetingAgenda is the village's meeting in its round, with the
// households it votes on.
func (o *Office) MeetingAgenda(ctx context.Context, actor store.User, village string, round uint64) (Agenda, error) {
	area, err := o.villageActor(ctx, actor, village, true, "office.meeting_not_allowed")
	if err != nil {
		return Agenda{}, err
	}
	r, err := o.openRoundOf(ctx, area, round)
	if err != nil {
		return Agenda{}, err
	}
	return o.agenda(ctx, r, area)
}

// agenda gathers a village's meeting and the households on its lists.
func (o *Office) agenda(ctx context.Context, r store.Round, village tree.Area) (Agenda, error) {
	a := Agenda{Round: r, Village: village}
	m, err := o.Store.MeetingOf(ctx, r.ID, village.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return Agenda{}, fmt.Errorf("office: agenda: %w", err)
	default:
		a.Meeting = m
	}
	standings, err := o.Store.RoundStandings(ctx, village.ID, r.ID)
	if err != nil {
		return Agenda{}, fmt.Errorf("office: agenda: %w", err)
	}
	for _, st := range standings {
		rs, _ := st.In(r.ID)
		item, ok := onLists(st, rs, village.ID)
		if !ok {
			continue
		}
		if v, ok := a.Meeting.VoteOf(st.Household.ID); ok && v.Form == item.Form {
			item.Vote = &v
		}
		a.Items = append(a.Items, item)
	}
	slices.SortFunc(a.Items, func(x, y AgendaItem) int {
		return cmp.Or(cmp.Compare(flows.Fold(x.Household.HeadName), flows.Fold(y.Household.HeadName)), cmp.Compare(x.Household.ID, y.Household.ID))
	})
	return a, nil
}

// onLists is a household's line on a village's agenda, when its approved
// decision in the round puts it on one of the village's lists.
func onLists(st store.Standing, rs store.RoundStanding, village string) (AgendaItem, bool) {
	d := rs.Approved.Decision
	if rs.Area != village || d.Form == 0 {
		return AgendaItem{}, false
	}
	kinds := store.ListKinds(rs.Approved.Baseline, d.Class)
	if len(kinds) == 0 {
		return AgendaItem{}, false
	}
	return AgendaItem{Household: st.Household, Form: d.Form, Class: d.Class, Lists: kinds}, true
}

// RecordVote records how many agreed with a household on the village's
// lists at its meeting in progress; a second vote corrects the first.
func (o *Office) RecordVote(ctx context.Context, actor store.User, v VoteEntry, at time.Time) (store.Meeting, error) {
	return o.RecordVotes(ctx, actor, v.Village, v.Round, []VoteEntry{v}, at)
}

// RecordVotes records several households' counts of one village's meeting
// (the minutes of a meeting held on paper), each as RecordVote would; every
// count is checked before any is recorded, so a refused one records none.
// The entries' Village and Round are the village's and round's given.
func (o *Office) RecordVotes(ctx context.Context, actor store.User, villageID string, roundID uint64, votes []VoteEntry, at time.Time) (store.Meeting, error) {
	village, err := o.villageActor(ctx, actor, villageID, true, "office.meeting_not_allowed")
	if err != nil {
		return store.Meeting{}, err
	}
	round, err := o.openRoundOf(ctx, village, roundID)
	if err != nil {
		return store.Meeting{}, err
	}
	a, err := o.agenda(ctx, round, village)
	if err != nil {
		return store.Meeting{}, err
	}
	if a.Meeting.State() != store.MeetingInProgress {
		return store.Meeting{}, refuse(store.ErrMeetingNotOpen, "office.meeting_not_open")
	}
	checked := make([]store.Vote, 0, len(votes))
	for _, v := range votes {
		i := slices.IndexFunc(a.Items, func(it AgendaItem) bool { return it.Household.ID == v.Household })
		if i < 0 {
			return store.Meeting{}, refuse(ErrNotListed, "office.meeting_not_listed")
		}
		agreed := v.Agreed
		if v.All {
			agreed = a.Meeting.Present
		}
		if agreed < 0 || agreed > a.Meeting.Present {
			return store.Meeting{}, refuse(ErrVoteBad, "office.meeting_vote_bad", "present", a.Meeting.Present)
		}
		it := a.Items[i]
		checked = append(checked, store.Vote{Household: it.Household.ID, Form: it.Form, Class: it.Class, Agreed: agreed})
	}
	m := a.Meeting
	for _, v := range checked {
		m, err = o.Store.RecordVote(ctx, round.ID, village.ID, v, actor.ID, at)
		switch {
		case errors.Is(err, store.ErrMeetingNotOpen):
			return store.Meeting{}, refuse(err, "office.meeting_not_open")
		case err != nil:
			return store.Meeting{}, fmt.Errorf("office: vote: %w", err)
		}
	}
	return m, nil
}

// CloseMeeting closes a village's meeting once every household on its
// lists has a vote. Each household fewer than half of those present agreed
// with goes back for review: the form it stands at is returned with the
// meeting as its reason, worded in the actor's language (the head reads
// it when correcting the form).
func (o *Office) CloseMeeting(ctx context.Context, actor store.User, village string, round uint64, at time.Time) (store.Meeting, error) {
	area, err := o.villageActor(ctx, actor, village, true, "office.meeting_not_allowed")
	if err != nil {
		return store.Meeting{}, err
	}
	r, err := o.openRoundOf(ctx, area, round)
	if err != nil {
		return store.Meeting{}, err
	}
	a, err := o.agenda(ctx, r, area)
	if err != nil {
		return store.Meeting{}, err
	}
	if a.Meeting.State() != store.MeetingInProgress {
		return store.Meeting{}, refuse(store.ErrMeetingNotOpen, "office.meeting_not_open")
	}
	if n := a.Missing(); n > 0 {
		return store.Meeting{}, refuse(ErrVotesMissing, "office.meeting_votes_missing", "count", n)
	}
	lang := cmp.Or(actor.Lang, locales.Default)
	reason := func(v store.Vote) string {
		return english().T(lang, "office.meeting_reason", "day", dayMonthYear(a.Meeting.Day), "agreed", v.Agreed, "present", a.Meeting.Present)
	}
	m, err := o.Store.CloseMeeting(ctx, r.ID, area.ID, reason, actor.ID, at)
	switch {
	case errors.Is(err, store.ErrMeetingNotOpen):
		return store.Meeting{}, refuse(err, "office.meeting_not_open")
	case err != nil:
		return store.Meeting{}, fmt.Errorf("office: close meeting: %w", err)
	}
	return m, nil
}
