package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"sothon/tree"
)

// Round is a review round (đợt rà soát): households reviewed while it is
// open count toward its coverage.
type Round struct {
	ID     uint64 `json:"id"`
	Name   string `json:"name"`
	AreaID string `json:"area_id,omitempty"` // the area it covers, with its sub-areas; "" is everywhere
	From   string `json:"from"`              // YYYY-MM-DD
	To     string `json:"to"`
	// Kind is RoundAnnual or RoundRegular ("" in rounds opened before
	// kinds: regular).
	Kind     string    `json:"kind,omitempty"`
	Opened   time.Time `json:"opened"`
	OpenedBy string    `json:"opened_by"`
	Closed   time.Time `json:"closed,omitzero"`
	// Villages, when set, are the only villages the round covers: those
	// of its area when a reorganisation merged it into a larger one.
	Villages []string `json:"villages,omitempty"`
	// Decision is the commune's decision that closed the round (nil for
	// a round closed without one, or open).
	Decision *RoundDecision `json:"decision,omitempty"`
}

// RoundDecision is the decision recognising the poor, near-poor and
// escaped households (quyết định công nhận) that closes a round: from
// then on the round's lists are those decided, its standings as they
// were at the close.
type RoundDecision struct {
	Number string    `json:"number"` // as written on the decision ("125/QĐ-UBND")
	Day    string    `json:"day"`    // YYYY-MM-DD, the day it was signed
	By     string    `json:"by"`     // who recorded it
	At     time.Time `json:"at"`
}

// Decided tells whether a decision closed the round.
func (r Round) Decided() bool { return r.Decision != nil }

// The kinds of round (QĐ 24/2021/QĐ-TTg): the annual review (định kỳ)
// decides the lists of the year after it, so it classifies by the standard
// in force then; a regular review (thường xuyên) classifies by the
// standard in force on the form's day.
const (
	RoundAnnual  = "annual"
	RoundRegular = "regular"
)

// RoundKind reads a kind as people type it: "annual" or "regular", or in
// Vietnamese "dinh-ky"/"định-kỳ" and "thuong-xuyen"/"thường-xuyên".
func RoundKind(word string) (string, bool) {
	switch strings.ToLower(strings.ReplaceAll(word, "_", "-")) {
	case RoundAnnual, "dinh-ky", "định-kỳ", "dinhky", "địnhkỳ":
		return RoundAnnual, true
	case RoundRegular, "thuong-xuyen", "thường-xuyên", "thuongxuyen", "thườngxuyên":
		return RoundRegular, true
	}
	return "", false
}

// Annual reports whether the round is an annual review.
func (r Round) Annual() bool { return r.Kind == RoundAnnual }

// ClassifyAt is the day whose poverty standard classifies a form of the
// round filled on formDay: 1 January after the round's last day for an
// annual round, the form's own day for a regular one.
func (r Round) ClassifyAt(formDay time.Time) time.Time {
	if !r.Annual() {
		return formDay
	}
	to, err := time.Parse(time.DateOnly, r.To)
	if err != nil {
		return formDay
	}
	return time.Date(to.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// Holds reports whether the round covers an area. A round of a merged
// area holds its own villages and the areas above them.
func (r Round) Holds(area string) bool {
	if len(r.Villages) > 0 {
		return slices.ContainsFunc(r.Villages, func(v string) bool { return tree.Within(area, v) || tree.Within(v, area) })
	}
	return r.AreaID == "" || tree.Within(area, r.AreaID)
}

// overlaps reports whether two rounds' areas share a village.
func (r Round) overlaps(other Round) bool { return r.Holds(other.AreaID) || other.Holds(r.AreaID) }

// IsOpen reports whether the round has not been closed.
func (r Round) IsOpen() bool { return r.Closed.IsZero() }

// Covers reports whether a moment falls on one of the round's days, taken
// in the moment's own time zone.
func (r Round) Covers(at time.Time) bool {
	day := at.Format(time.DateOnly)
	return day >= r.From && day <= r.To
}

// Round errors.
var (
	ErrRoundOpen   = errors.New("store: another round is open; close it first")
	ErrNoOpenRound = errors.New("store: no round is open")
	// ErrNoRound: no round holds the area (or not the round asked for).
	ErrNoRound  = errors.New("store: no review round holds that area")
	ErrRoundBad = errors.New("store: a round needs a name (up to 80 characters), dates YYYY-MM-DD, the first not after the last, and a kind annual or regular")
)

// check tells whether a round to open is well formed.
func (r Round) check() error {
	_, errFrom := time.Parse(time.DateOnly, r.From)
	_, errTo := time.Parse(time.DateOnly, r.To)
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Name)); n == 0 || n > 80 || errFrom != nil || errTo != nil || r.To < r.From ||
		(r.Kind != "" && r.Kind != RoundAnnual && r.Kind != RoundRegular) {
		return ErrRoundBad
	}
	return nil
}

// OpenRound starts a round for an area; no two open rounds share a village.
func (db *DB) OpenRound(ctx context.Context, r Round) (Round, error) {
	if err := r.check(); err != nil {
		return Round{}, err
	}
	r.Name = strings.TrimSpace(r.Name)
	if r.Kind == "" {
		r.Kind = RoundRegular
	}
	defer db.changingRounds()()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		rounds, err := allRounds(tx)
		if err != nil {
			return err
		}
		for _, open := range rounds {
			if open.IsOpen() && open.overlaps(r) {
				return fmt.Errorf("%w (%q)", ErrRoundOpen, open.Name)
			}
		}
		b := tx.Bucket(bucketRounds)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		if err := putJSON(b, seqKey(id), r); err != nil {
			return err
		}
		if err := countRoundSoFar(tx, r); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: r.Opened, Actor: r.OpenedBy, Action: "round_open", Detail: r.Name}})
	})
	if err != nil {
		return Round{}, fmt.Errorf("store: open round: %w", err)
	}
	return r, nil
}

// countRoundSoFar counts the reviews already stored on the days of a round
// being opened, so that a round opened late counts the answers given since
// its first day, just as if it had been open then.
func countRoundSoFar(tx *bolt.Tx, r Round) error {
	var households []string
	seen := map[string]bool{}
	err := tx.Bucket(bucketSubmissions).ForEach(func(_, v []byte) error {
		var s counted
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		if r.Counts(s.AreaID, s.Class, s.SubmittedAt) && !seen[s.HouseholdID] {
			seen[s.HouseholdID] = true
			households = append(households, s.HouseholdID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range households {
		if err := restandID(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// CloseRound closes the open round of an area (opened for that very area).
func (db *DB) CloseRound(ctx context.Context, areaID string, at time.Time, by string) (Round, error) {
	var r Round
	defer db.changingRounds()()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		open, err := openRoundFor(tx, areaID)
		if err != nil {
			return err
		}
		if open == nil || (open.AreaID != areaID && open.AreaID != "") {
			return ErrNoOpenRound
		}
		r = *open
		r.Closed = at
		if err := putJSON(tx.Bucket(bucketRounds), seqKey(r.ID), r); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: at, Actor: by, Action: "round_close", Detail: r.Name}})
	})
	if err != nil {
		return Round{}, fmt.Errorf("store: close round: %w", err)
	}
	return r, nil
}

// DecideRound records the decision for an open round and closes it with it,
// at d.At.
func (db *DB) DecideRound(ctx context.Context, id uint64, d RoundDecision) (Round, error) {
	var r Round
	defer db.changingRounds()()
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bucketRounds), seqKey(id), &r); err != nil {
			return err
		}
		if !r.IsOpen() {
			return ErrNoOpenRound
		}
		r.Closed, r.Decision = d.At, &d
		if err := putJSON(tx.Bucket(bucketRounds), seqKey(r.ID), r); err != nil {
			return err
		}
		return appendAudit(tx, []AuditEntry{{At: d.At, Actor: d.By, Action: "round_decision",
			Detail: fmt.Sprintf("%s: %s of %s", r.Name, d.Number, d.Day)}})
	})
	if err != nil {
		return Round{}, fmt.Errorf("store: decide round %d: %w", id, err)
	}
	return r, nil
}

// Round loads one round.
func (db *DB) Round(ctx context.Context, id uint64) (Round, error) {
	var r Round
	err := db.view(ctx, func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketRounds), seqKey(id), &r) })
	if err != nil {
		return Round{}, fmt.Errorf("store: round %d: %w", id, err)
	}
	return r, nil
}

// Rounds lists every round, oldest first.
func (db *DB) Rounds(ctx context.Context) ([]Round, error) {
	var out []Round
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = allRounds(tx)
		return err
	})
	return out, err
}

// RoundFor returns the open round that covers an area, or nil. The rounds
// are read from the file only when they changed: the engine asks on every
// answer, and a province's rounds are many (each commune's, year after
// year), each a JSON record.
func (db *DB) RoundFor(ctx context.Context, areaID string) (*Round, error) {
	rounds, err := db.cachedRounds(ctx)
	if err != nil {
		return nil, err
	}
	var open *Round
	for i := range rounds {
		if r := rounds[i]; r.IsOpen() && r.Holds(areaID) {
			open = &r
		}
	}
	return open, nil
}

// changingRounds marks the rounds as changing; call the result when the
// write is over (committed or not).
func (db *DB) changingRounds() func() { return db.rounds.changing() }

// cachedRounds are every round, oldest first, shared: callers copy what
// they change.
func (db *DB) cachedRounds(ctx context.Context) ([]Round, error) {
	return db.rounds.get(func() ([]Round, error) { return db.Rounds(ctx) })
}

// openRoundFor finds the open round that covers an area; rounds are few,
// so a scan is fine.
func openRoundFor(tx *bolt.Tx, areaID string) (*Round, error) {
	var open *Round
	err := tx.Bucket(bucketRounds).ForEach(func(_, v []byte) error {
		var r Round
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.IsOpen() && r.Holds(areaID) {
			open = &r
		}
		return nil
	})
	return open, err
}

// RoundOf is the round a question about an area means: the round asked for
// (id) when it holds the area, or else (id 0) the open round holding it, or
// else the latest that holds it. A round holds an area it covers and the
// areas above those; none is ErrNoRound.
func (db *DB) RoundOf(ctx context.Context, areaID string, id uint64) (Round, error) {
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return Round{}, err
	}
	var found *Round
	for i, r := range rounds {
		if !r.Holds(areaID) && !tree.Within(r.AreaID, areaID) {
			continue
		}
		switch {
		case id != 0 && r.ID == id:
			return r, nil
		case id == 0 && (found == nil || r.IsOpen() || !found.IsOpen()):
			found = &rounds[i]
		}
	}
	if found == nil || id != 0 {
		return Round{}, fmt.Errorf("%w: %s", ErrNoRound, areaID)
	}
	return *found, nil
}
