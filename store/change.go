package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/store/counting"
)

// Change is everything one inbound message changes. Apply commits it in a
// single transaction, so an acknowledged answer and its reply are stored
// together or not at all.
type Change struct {
	// SeenKey marks the inbound message handled (SeenKey, SeenKeyInOrder);
	// when it was marked before, Apply changes nothing and returns
	// ErrDuplicate.
	SeenKey string
	// SeenAt is when the update was handled, kept with SeenKey so that
	// repeats are forgotten by when they were seen, not by the date the
	// platform gave the message; At stands in when it is zero.
	SeenAt time.Time
	At     time.Time
	UserID string
	// Run is saved for UserID; with DeleteRun the user's run is removed.
	Run       *flows.Run
	DeleteRun bool
	// RunAfter, when set with a Submission, gives the run to save once the
	// submission and its household have their ids.
	RunAfter func(Applied) *flows.Run
	User     *User // created or updated
	Identity *Identity
	// Submission is stored under a new id; a household is created for it
	// when HouseholdID is empty, and the household's status is updated.
	Submission *Submission
	// Replies builds the outbox messages once ids are known.
	Replies func(Applied) []Message
	Audit   []AuditEntry
	// Count adds one to a named counter (e.g. refusals of unknown chats).
	Count string
	// IncomingID removes the handled update from the inbox.
	IncomingID uint64
	// Unlink removes these chats from their user.
	Unlink []Identity
	// DropKeyboard forgets the open keyboard of the chat in Identity or Chat.
	DropKeyboard bool
	Chat         ChatRef
	// WrongCode notes a wrong invite code from this chat, kept for
	// WrongCodeWindow.
	WrongCode       string
	WrongCodeWindow time.Duration
	// UseInvite marks an invite used by User; ErrInviteUsed if it was.
	UseInvite string
	// From is the registered user who sent the message: their last
	// message is now, for the console's list of users. FromLast is their
	// last message as the caller read it: when it is of this minute
	// already, the user is not read again (it only grows).
	From     string
	FromLast time.Time
}

// ChatRef names a chat on a channel.
type ChatRef struct {
	Channel, ChatID string
}

// Identity ties a chat on a channel to a user.
type Identity struct {
	Channel, ChatID, UserID string
}

// Applied tells what ids a change was given and what it queued.
type Applied struct {
	SubmissionID uint64
	HouseholdID  string
	Replaces     uint64    // the returned form the submission corrects, 0 for none
	Queued       []Message // the outbox messages, with their ids
	// Standing is the submission's household's standing once it is stored.
	Standing Standing
}

// Apply commits a change. The user, identity and submission get their ids
// (when new) filled in.
func (db *DB) Apply(ctx context.Context, ch Change) (Applied, error) {
	a := &applying{ch: ch}
	if err := db.update(ctx, a.run); err != nil {
		return Applied{}, fmt.Errorf("store: apply change: %w", err)
	}
	ch.keep(a.final)
	return a.out, nil
}

// applying is one Apply under way, in one value: the change, and what its
// last attempt gave. (The commit's function holds it on the heap: one
// allocation a change rather than one for each.)
type applying struct {
	ch    Change
	final given
	out   Applied
}

// given are the records a change may give ids to.
type given struct {
	user       *User
	identity   *Identity
	submission *Submission
}

// run applies the change in tx. A batched commit may run it again: it
// works on fresh copies, so ids given in a failed attempt are not taken
// for granted.
func (a *applying) run(tx *bolt.Tx) error {
	c := a.ch.copy()
	var err error
	a.out, err = apply(tx, &c)
	a.final = given{c.User, c.Identity, c.Submission}
	return err
}

func (ch Change) copy() Change {
	c := ch
	if ch.User != nil {
		u := *ch.User
		c.User = &u
	}
	if ch.Identity != nil {
		id := *ch.Identity
		c.Identity = &id
	}
	if ch.Submission != nil {
		s := *ch.Submission
		c.Submission = &s
	}
	return c
}

// keep copies the ids a committed change was given back to the caller's values.
func (ch Change) keep(final given) {
	if ch.User != nil {
		*ch.User = *final.user
	}
	if ch.Identity != nil {
		*ch.Identity = *final.identity
	}
	if ch.Submission != nil {
		*ch.Submission = *final.submission
	}
}

func apply(tx *bolt.Tx, ch *Change) (Applied, error) {
	var out Applied
	if ch.SeenKey != "" {
		seenAt := ch.SeenAt
		if seenAt.IsZero() {
			seenAt = ch.At
		}
		if err := markSeen(tx, ch.SeenKey, seenAt); err != nil {
			return out, err
		}
	}
	if err := useInvite(tx, ch); err != nil {
		return out, err
	}
	if err := applyUser(tx, *ch); err != nil {
		return out, err
	}
	if err := applyChat(tx, *ch); err != nil {
		return out, err
	}
	if err := noteMessage(tx, ch.From, ch.FromLast, ch.At); err != nil {
		return out, err
	}
	if ch.Submission != nil {
		var err error
		if out, err = putSubmission(tx, ch.Submission); err != nil {
			return out, err
		}
		if ch.RunAfter != nil && ch.Run != nil {
			ch.Run = ch.RunAfter(out)
		}
	}
	if err := applyRun(tx, *ch); err != nil {
		return out, err
	}
	if ch.Replies != nil {
		var err error
		if out.Queued, err = enqueue(tx, ch.Replies(out), ch.At); err != nil {
			return out, err
		}
	}
	if ch.Count != "" {
		if err := increment(tx, ch.Count); err != nil {
			return out, err
		}
	}
	if ch.WrongCode != "" {
		if err := noteWrongCode(tx, ch.WrongCode, ch.At, ch.WrongCodeWindow); err != nil {
			return out, err
		}
	}
	return out, appendAudit(tx, ch.Audit)
}

// noteMessage keeps when a user last wrote, to the minute, on the user's
// record. known is the last message as the caller read it: of this minute
// already, there is nothing to write, and the record is not read.
func noteMessage(tx *bolt.Tx, userID string, known, at time.Time) error {
	if userID == "" || sameMinute(known, at) {
		return nil
	}
	var u User
	if err := getUser(tx.Bucket(bucketUsers), []byte(userID), &u); err != nil {
		return err
	}
	// Shown to the minute (the console's users page), so written once a
	// minute at most, not on every answer: a record and a page less in
	// most commits of a questionnaire.
	if !at.After(u.LastMessage) || sameMinute(u.LastMessage, at) {
		return nil
	}
	u.LastMessage = at.Truncate(time.Minute)
	return putUser(tx.Bucket(bucketUsers), []byte(userID), &u)
}

// sameMinute tells whether a and b fall in the same minute.
func sameMinute(a, b time.Time) bool { return a.Truncate(time.Minute).Equal(b.Truncate(time.Minute)) }

func applyUser(tx *bolt.Tx, ch Change) error {
	if ch.User != nil && ch.User.ID == "" {
		n, err := tx.Bucket(bucketUsers).NextSequence()
		if err != nil {
			return err
		}
		ch.User.ID = fmt.Sprintf("u%05d", n)
	}
	if ch.Identity != nil && ch.Identity.UserID == "" && ch.User != nil {
		ch.Identity.UserID = ch.User.ID
	}
	if ch.User != nil {
		if err := putUser(tx.Bucket(bucketUsers), []byte(ch.User.ID), ch.User); err != nil {
			return err
		}
	}
	if id := ch.Identity; id != nil {
		return tx.Bucket(bucketIdentities).Put([]byte(identityKey(id.Channel, id.ChatID)), []byte(id.UserID))
	}
	return nil
}

func applyRun(tx *bolt.Tx, ch Change) error {
	runs := tx.Bucket(bucketRuns)
	switch {
	case ch.DeleteRun:
		return runs.Delete([]byte(ch.UserID))
	case ch.Run != nil:
		return putRun(runs, []byte(ch.UserID), ch.Run)
	}
	return nil
}

// putSubmission stores a submission and brings its household up to date:
// earlier forms of the same questionnaire it supersedes, its review queue,
// and the household's standing.
func putSubmission(tx *bolt.Tx, s *Submission) (Applied, error) {
	subs := tx.Bucket(bucketSubmissions)
	subs.FillPercent = denseFill
	id, err := subs.NextSequence()
	if err != nil {
		return Applied{}, err
	}
	s.ID = id
	hh, err := householdFor(tx, s)
	if err != nil {
		return Applied{}, err
	}
	s.HouseholdID = hh.ID
	superseded, err := supersede(tx, s)
	if err != nil {
		return Applied{}, err
	}
	if err := putJSON(subs, seqKey(id), s); err != nil {
		return Applied{}, err
	}
	if err := tx.Bucket(bucketSubByArea).Put(subAreaKey(s.AreaID, s.SubmittedAt, id), nil); err != nil {
		return Applied{}, err
	}
	if err := tx.Bucket(bucketSubByHH).Put(householdFormKey(hh.ID, id), []byte(s.Form)); err != nil {
		return Applied{}, err
	}
	if err := countSubmission(tx, s, hh); err != nil {
		return Applied{}, err
	}
	if err := receive(tx, s); err != nil {
		return Applied{}, err
	}
	for _, old := range superseded {
		if err := setState(tx, old, ReviewStep{State: ReviewSuperseded, By: s.SubmittedBy, At: s.SubmittedAt, ReplacedBy: id}); err != nil {
			return Applied{}, err
		}
	}
	if s.Class != "" {
		hh.History = append(hh.History, StatusChange{At: s.SubmittedAt, Status: s.Class, Submission: id})
	}
	if s.Members > 0 {
		hh.Members = s.Members
	}
	hh.LastSubmission = id
	applied := Applied{SubmissionID: id, HouseholdID: hh.ID, Replaces: s.Replaces}
	if s.Class == "" { // the household's standing rests on the forms that classify it
		return applied, putHousehold(tx, hh)
	}
	rounds, err := allRounds(tx)
	if err != nil {
		return Applied{}, err
	}
	applied.Standing, err = restand(tx, hh, rounds, func(area string, names []string, delta int64) error { return bumpAll(tx, area, names, delta) }, putNow)
	return applied, err
}

// supersede finds the household's earlier forms of the same questionnaire
// that a new one makes void: one still waiting for review is superseded;
// a returned one not yet corrected is corrected by it (the newest such,
// unless the form names the one it replaces; any other is superseded).
// Only a form that classifies the household stands for the whole
// household; the others (a person's training wishes, one livelihood
// model) are records of their own, side by side.
func supersede(tx *bolt.Tx, s *Submission) ([]uint64, error) {
	if s.Class == "" {
		return nil, nil
	}
	ids, forms, err := formIDsOf(tx, s.HouseholdID)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for i := len(ids) - 1; i >= 0; i-- {
		if forms[i] != s.Form || ids[i] == s.Replaces {
			continue
		}
		rv, err := reviewOf(tx, ids[i])
		if err != nil {
			return nil, err
		}
		switch rv.State() {
		case ReviewReturned:
			if s.Replaces == 0 {
				s.Replaces = ids[i]
				continue
			}
			out = append(out, ids[i])
		case ReviewReceived:
			out = append(out, ids[i])
		}
	}
	return out, nil
}

// countSubmission keeps the village's counters of a submission itself:
// activity this week and its contributions.
func countSubmission(tx *bolt.Tx, s *Submission, hh *Household) error {
	week := ISOWeek(s.SubmittedAt)
	if err := bumpAll(tx, s.AreaID, []string{counting.WeekCounter(week), counting.WeekFormCounter(week, s.Form)}, 1); err != nil {
		return err
	}
	for _, f := range submissionContributions(s.Contributions, s.Counted) {
		if err := setContribution(tx, s.AreaID, counting.Contribution{Kind: f.Kind, Key: hh.ID + "\x00" + f.Key, Names: f.Names}); err != nil {
			return err
		}
	}
	return nil
}

// submissionContributions are what a submission counts beside its week:
// the contributions it was given and those the counting rule reads from
// its counted answers. Live counting and the recount both take them here.
func submissionContributions(given []counting.Contribution, counted map[string]string) []counting.Contribution {
	return append(slices.Clip(given), counting.Contributions(counted)...)
}

// householdFor loads the submission's household, or registers a new one.
func householdFor(tx *bolt.Tx, s *Submission) (*Household, error) {
	b := tx.Bucket(bucketHouseholds)
	if s.HouseholdID != "" {
		var hh Household
		if err := getHousehold(b, []byte(s.HouseholdID), &hh); err != nil {
			return nil, fmt.Errorf("household %s: %w", s.HouseholdID, err)
		}
		return &hh, nil
	}
	for {
		n, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		id := fmt.Sprintf("new-%06d", n)
		if b.Get([]byte(id)) == nil {
			return &Household{ID: id, AreaID: s.AreaID, HeadName: s.HouseholdName}, nil
		}
	}
}

func putHousehold(tx *bolt.Tx, hh *Household) error {
	return putHouseholdCounting(tx, hh, func(area string, names []string, delta int64) error { return bumpAll(tx, area, names, delta) }, putNow)
}

// putHouseholdCounting is putHousehold counting with bump.
func putHouseholdCounting(tx *bolt.Tx, hh *Household, bump bumper, put putter) error {
	if err := putHouseholdRecord(tx, hh); err != nil {
		return err
	}
	if err := putContribution(tx, hh.AreaID, statusContribution(hh), bump, put); err != nil {
		return err
	}
	// The index carries the name so the picker lists a village without
	// reading every household record.
	return put(tx.Bucket(bucketHHByArea), hhAreaKey(hh.AreaID, hh.ID), []byte(hh.HeadName))
}

// statusContribution counts a household, and its status when it has one.
func statusContribution(hh *Household) counting.Contribution {
	names := []string{counting.HouseholdsCounter}
	if hh.Status != "" {
		names = append(names, counting.StatusCounter(poverty.Class(hh.Status)))
	}
	return counting.Contribution{Kind: "status", Key: hh.ID, Names: names}
}

func enqueue(tx *bolt.Tx, msgs []Message, at time.Time) ([]Message, error) {
	out := tx.Bucket(bucketOutbox)
	out.FillPercent = denseFill // a queue: keys only grow
	queued := make([]Message, len(msgs))
	for i, m := range msgs {
		id, err := out.NextSequence()
		if err != nil {
			return nil, err
		}
		m.ID, m.Created = id, at
		if err := putMessage(out, seqKey(id), &m); err != nil {
			return nil, err
		}
		queued[i] = m
	}
	return queued, nil
}

func appendAudit(tx *bolt.Tx, entries []AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	b.FillPercent = denseFill
	for _, e := range entries {
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := putJSON(b, seqKey(id), e); err != nil {
			return err
		}
	}
	return nil
}

func identityKey(channel, chatID string) string { return channel + ":" + chatID }

// Index keys: the area id, a NUL (which sorts before '/', so a prefix scan of
// "a\x00" finds a's own records and "a/" its sub-areas'), then the rest.
func hhAreaKey(area, id string) []byte { return []byte(area + "\x00" + id) }

func subAreaKey(area string, at time.Time, id uint64) []byte {
	return append([]byte(area+"\x00"+timeKey(at)), seqKey(id)...)
}

func increment(tx *bolt.Tx, name string) error {
	meta := tx.Bucket(bucketMeta)
	key := []byte("count:" + name)
	n, _ := strconv.ParseUint(string(meta.Get(key)), 10, 64)
	return meta.Put(key, []byte(strconv.FormatUint(n+1, 10)))
}

func applyChat(tx *bolt.Tx, ch Change) error {
	if ch.IncomingID != 0 {
		if err := tx.Bucket(bucketInbox).Delete(seqKey(ch.IncomingID)); err != nil {
			return err
		}
	}
	for _, id := range ch.Unlink {
		key := []byte(identityKey(id.Channel, id.ChatID))
		if err := tx.Bucket(bucketIdentities).Delete(key); err != nil {
			return err
		}
		if err := tx.Bucket(bucketKeyboards).Delete(key); err != nil {
			return err
		}
	}
	if ch.DropKeyboard {
		return tx.Bucket(bucketKeyboards).Delete([]byte(identityKey(ch.Chat.Channel, ch.Chat.ChatID)))
	}
	return nil
}

func useInvite(tx *bolt.Tx, ch *Change) error {
	if ch.UseInvite == "" {
		return nil
	}
	b := tx.Bucket(bucketInvites)
	var inv Invite
	if err := getJSON(b, []byte(ch.UseInvite), &inv); err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	if inv.UsedBy != "" {
		return ErrInviteUsed
	}
	switch {
	case ch.User != nil && ch.User.ID == "":
		n, err := tx.Bucket(bucketUsers).NextSequence()
		if err != nil {
			return err
		}
		ch.User.ID = fmt.Sprintf("u%05d", n)
		inv.UsedBy = ch.User.ID
	case ch.User != nil:
		inv.UsedBy = ch.User.ID
	case ch.Identity != nil:
		inv.UsedBy = ch.Identity.UserID
	}
	inv.UsedAt = ch.At
	return putJSON(b, []byte(inv.Code), inv)
}
