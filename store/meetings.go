package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The village's part of an annual review (QĐ 24/2021/QĐ-TTg, steps 3 and
// 4): the village meeting (họp thôn) votes on each household of its lists,
// then the commune posts the lists (niêm yết) and takes complaints. A
// household the meeting does not back, or one complained about, goes back
// for review: the form it stands at is returned, as an official returns a
// form, so that the standing rule alone says where it stands meanwhile.

// Meeting is a village's meeting on its lists in a round.
type Meeting struct {
	Round     uint64 `json:"round"`
	AreaID    string `json:"area_id"` // the village
	Day       string `json:"day"`     // YYYY-MM-DD
	Present   int    `json:"present"` // people who attended
	Chair     string `json:"chair"`
	Secretary string `json:"secretary"`
	Front     string `json:"front"` // the Fatherland Front's representative
	// Votes are one per household, in the order first recorded.
	Votes    []Vote    `json:"votes,omitempty"`
	Opened   time.Time `json:"opened"`
	OpenedBy string    `json:"opened_by"`
	Closed   time.Time `json:"closed,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}

// Vote is how many of those present agreed with a household's class.
type Vote struct {
	Household string `json:"household"`
	Form      uint64 `json:"form"`  // the approved form voted on
	Class     string `json:"class"` // the class it gave
	Agreed    int    `json:"agreed"`
	// Returned: the household went back for review when the meeting closed.
	Returned bool `json:"returned,omitempty"`
}

// Passes tells whether at least half of those present agreed.
func (v Vote) Passes(present int) bool { return 2*v.Agreed >= present }

// States of a village's meeting in a round.
const (
	MeetingNone       = ""            // not held
	MeetingInProgress = "in_progress" // opened, votes being recorded
	MeetingHeld       = "held"        // closed
)

// State is the meeting's state.
func (m Meeting) State() string {
	switch {
	case m.Opened.IsZero():
		return MeetingNone
	case m.Closed.IsZero():
		return MeetingInProgress
	}
	return MeetingHeld
}

// Held tells whether the meeting was closed.
func (m Meeting) Held() bool { return m.State() == MeetingHeld }

// VoteOf is the vote recorded for a household, if one was.
func (m Meeting) VoteOf(household string) (Vote, bool) {
	i := slices.IndexFunc(m.Votes, func(v Vote) bool { return v.Household == household })
	if i < 0 {
		return Vote{}, false
	}
	return m.Votes[i], true
}

// Meeting and posting errors.
var (
	ErrMeetingExists  = errors.New("store: the village's meeting for the round was opened already")
	ErrMeetingNotOpen = errors.New("store: no meeting of the village is in progress")
	ErrMeetingNotHeld = errors.New("store: the village's meeting has not been held")
	ErrPosted         = errors.New("store: the village's list was posted already")
	ErrNotPosted      = errors.New("store: the village's list is not posted")
	ErrNotApproved    = errors.New("store: that form is not approved")
)

// villageRoundKey keys a village's record of a round: the village, NUL, the
// round (so that a reorganisation moves it as it moves other area keys).
func villageRoundKey(village string, round uint64) []byte {
	return append([]byte(village+"\x00"), seqKey(round)...)
}

// OpenMeeting stores a village's meeting as opened; one per village and round.
func (db *DB) OpenMeeting(ctx context.Context, m Meeting) (Meeting, error) {
	m.Votes, m.Closed, m.ClosedBy = nil, time.Time{}, ""
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeetings)
		key := villageRoundKey(m.AreaID, m.Round)
		if b.Get(key) != nil {
			return ErrMeetingExists
		}
		if err := putJSON(b, key, m); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: m.Opened, Actor: m.OpenedBy, Action: "meeting_open",
			Detail: fmt.Sprintf("%s round %d day %s present %d", m.AreaID, m.Round, m.Day, m.Present)}})
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("store: open meeting of %s: %w", m.AreaID, err)
	}
	return m, nil
}

// RecordVote records (or corrects) a household's vote at a meeting in progress.
func (db *DB) RecordVote(ctx context.Context, round uint64, village string, v Vote, by string, at time.Time) (Meeting, error) {
	var m Meeting
	v.Returned = false
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketMeetings), villageRoundKey(village, round), &m); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrMeetingNotOpen
			}
			return err
		}
		if m.State() != MeetingInProgress {
			return ErrMeetingNotOpen
		}
		if i := slices.IndexFunc(m.Votes, func(old Vote) bool { return old.Household == v.Household }); i >= 0 {
			m.Votes[i] = v
		} else {
			m.Votes = append(m.Votes, v)
		}
		if err := putJSON(tx.Bucket(bucketMeetings), villageRoundKey(village, round), m); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "meeting_vote",
			Detail: fmt.Sprintf("%s round %d household %s form %d agreed %d/%d", village, round, v.Household, v.Form, v.Agreed, m.Present)}})
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("store: vote at the meeting of %s: %w", village, err)
	}
	return m, nil
}

// CloseMeeting closes a village's meeting in progress. Each household with
// fewer than half of those present agreeing goes back for review: the form
// voted on is returned with the reason reason gives for its vote, when it
// is still approved. The returns are in the same commit as the close.
func (db *DB) CloseMeeting(ctx context.Context, round uint64, village string, reason func(Vote) string, by string, at time.Time) (Meeting, error) {
	var m Meeting
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketMeetings), villageRoundKey(village, round), &m); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrMeetingNotOpen
			}
			return err
		}
		if m.State() != MeetingInProgress {
			return ErrMeetingNotOpen
		}
		m.Closed, m.ClosedBy = at, by
		for i, v := range m.Votes {
			if v.Passes(m.Present) {
				continue
			}
			err := returnApproved(tx, v.Form, reason(v), by, at, "meeting_return")
			switch {
			case errors.Is(err, ErrNotApproved): // returned meanwhile by someone else
			case err != nil:
				return err
			default:
				m.Votes[i].Returned = true
			}
		}
		if err := putJSON(tx.Bucket(bucketMeetings), villageRoundKey(village, round), m); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "meeting_close",
			Detail: fmt.Sprintf("%s round %d", village, round)}})
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("store: close meeting of %s: %w", village, err)
	}
	return m, nil
}

// MeetingOf is a village's meeting in a round; ErrNotFound when none was opened.
func (db *DB) MeetingOf(ctx context.Context, round uint64, village string) (Meeting, error) {
	var m Meeting
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketMeetings), villageRoundKey(village, round), &m)
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("store: meeting of %s: %w", village, err)
	}
	return m, nil
}

// Meetings lists the meetings of a round, by village.
func (db *DB) Meetings(ctx context.Context, round uint64) ([]Meeting, error) {
	var out []Meeting
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachOfRound(tx.Bucket(bucketMeetings), round, func(v []byte) error {
			var m Meeting
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: meetings of round %d: %w", round, err)
	}
	return out, nil
}

// eachOfRound passes the values of a village-and-round bucket that are of a round.
func eachOfRound(b *bolt.Bucket, round uint64, fn func(v []byte) error) error {
	want := seqKey(round)
	return b.ForEach(func(k, v []byte) error {
		if len(k) < 9 || k[len(k)-9] != 0 || string(k[len(k)-8:]) != string(want) {
			return nil
		}
		return fn(v)
	})
}

// returnApproved sends an approved form back for review, with its reason
// and audit entry, and brings its household's standing up to date: the
// household stands where it stood before the form until a correction is
// approved, and its head finds the form among those to fix.
func returnApproved(tx *bolt.Tx, id uint64, reason, by string, at time.Time, action string) error {
	var s Submission
	if err := getJSON(tx.Bucket(bucketSubmissions), seqKey(id), &s); err != nil {
		return fmt.Errorf("form %d: %w", id, err)
	}
	rv, err := reviewOf(tx, id)
	if err != nil {
		return err
	}
	if rv.State() != ReviewApproved {
		return ErrNotApproved
	}
	if reason == "" {
		return ErrNoReason
	}
	if err := setReview(tx, s, rv, ReviewStep{State: ReviewReturned, Reason: reason, By: by, At: at}); err != nil {
		return err
	}
	if err := restandID(tx, s.HouseholdID); err != nil {
		return err
	}
	return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: action, Detail: fmt.Sprintf("%d %s", id, reason)}})
}
