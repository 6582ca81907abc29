package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Settings of the posting (niêm yết) of a village's lists.
const (
	// SettingPostingDays is how many working days a posting lasts
	// (DefaultPostingDays when unset).
	SettingPostingDays = "posting_days"
	// SettingHolidays lists the days off besides weekends, as YYYY-MM-DD
	// separated by commas or spaces: the province's calendar, kept as data.
	SettingHolidays = "holidays"
)

// DefaultPostingDays is the posting's length when the setting is unset:
// commonly 3 working days; the number in the legal text is still to
// confirm, hence a setting.
const DefaultPostingDays = 3

// Posting is a village's list posted for a round: from Start for Days
// working days, the last being End; complaints are taken on those days.
type Posting struct {
	Round  uint64    `json:"round"`
	AreaID string    `json:"area_id"` // the village
	Start  string    `json:"start"`   // YYYY-MM-DD
	Days   int       `json:"days"`    // working days, as the setting was when posted
	End    string    `json:"end"`     // YYYY-MM-DD, the window's last working day
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// Complaints are kept in the order made.
	Complaints []Complaint `json:"complaints,omitempty"`
}

// Complaint is a complaint about a household during a posting: the form
// it stood at went back for review, with the complaint as its reason.
type Complaint struct {
	Household string    `json:"household"`
	From      string    `json:"from"` // who complains
	Text      string    `json:"text"` // what
	Day       string    `json:"day"`  // YYYY-MM-DD
	Form      uint64    `json:"form"` // the form returned
	Class     string    `json:"class"`
	By        string    `json:"by"` // who entered it
	At        time.Time `json:"at"`
}

// Open tells whether the window takes complaints on a day (YYYY-MM-DD).
func (p Posting) Open(day string) bool { return day >= p.Start && day <= p.End }

// Ended tells whether the window is over on a day (YYYY-MM-DD).
func (p Posting) Ended(day string) bool { return day > p.End }

// RecordPosting stores a village's posting, once its meeting was held;
// one per village and round.
func (db *DB) RecordPosting(ctx context.Context, p Posting) (Posting, error) {
	p.Complaints = nil
	err := db.update(ctx, func(tx *bolt.Tx) error {
		key := villageRoundKey(p.AreaID, p.Round)
		var m Meeting
		if err := getJSON(tx.Bucket(bucketMeetings), key, &m); (err != nil && !errors.Is(err, ErrNotFound)) || !m.Held() {
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			return ErrMeetingNotHeld
		}
		b := tx.Bucket(bucketPostings)
		if b.Get(key) != nil {
			return ErrPosted
		}
		if err := putJSON(b, key, p); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: p.At, Actor: p.By, Action: "posting",
			Detail: fmt.Sprintf("%s round %d from %s to %s (%d working days)", p.AreaID, p.Round, p.Start, p.End, p.Days)}})
	})
	if err != nil {
		return Posting{}, fmt.Errorf("store: posting of %s: %w", p.AreaID, err)
	}
	return p, nil
}

// AddComplaint keeps a complaint about a household of a posted village
// and sends the form it names (c.Form, which must be approved) back for
// review with reason (the complaint, as the head will read it), in one
// commit. The caller checks the window.
func (db *DB) AddComplaint(ctx context.Context, round uint64, village string, c Complaint, reason string) (Posting, error) {
	var p Posting
	err := db.update(ctx, func(tx *bolt.Tx) error {
		key := villageRoundKey(village, round)
		if err := getJSON(tx.Bucket(bucketPostings), key, &p); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrNotPosted
			}
			return err
		}
		if err := returnApproved(tx, c.Form, reason, c.By, c.At, "complaint_return"); err != nil {
			return err
		}
		p.Complaints = append(p.Complaints, c)
		if err := putJSON(tx.Bucket(bucketPostings), key, p); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: c.At, Actor: c.By, Action: "complaint",
			Detail: fmt.Sprintf("%s round %d household %s from %s: %s", village, round, c.Household, c.From, c.Text)}})
	})
	if err != nil {
		return Posting{}, fmt.Errorf("store: complaint in %s: %w", village, err)
	}
	return p, nil
}

// PostingOf is a village's posting in a round; ErrNotFound when none.
func (db *DB) PostingOf(ctx context.Context, round uint64, village string) (Posting, error) {
	var p Posting
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketPostings), villageRoundKey(village, round), &p)
	})
	if err != nil {
		return Posting{}, fmt.Errorf("store: posting of %s: %w", village, err)
	}
	return p, nil
}

// Postings lists the postings of a round, by village.
func (db *DB) Postings(ctx context.Context, round uint64) ([]Posting, error) {
	var out []Posting
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachOfRound(tx.Bucket(bucketPostings), round, func(v []byte) error {
			var p Posting
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: postings of round %d: %w", round, err)
	}
	return out, nil
}
