package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
	"sothon/store/counting"
)

// migrations bring a file from schema version i to i+1. Append only; never
// edit one that has shipped.
var migrations = []func(tx *bolt.Tx) error{
	// 0 → 1: the first schema's buckets, named here as they were then.
	func(tx *bolt.Tx) error {
		return createBuckets(tx, []byte("meta"), []byte("areas"), []byte("users"), []byte("identities"),
			[]byte("invites"), []byte("households"), []byte("households_by_area"), []byte("submissions"),
			[]byte("submissions_by_area"), []byte("runs"), []byte("outbox"), []byte("seen"), []byte("rounds"),
			[]byte("audit"))
	},
	// 1 → 2: the inbox of received updates and the open keyboards per chat.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketInbox, bucketKeyboards) },
	// 2 → 3: counters per village and the facts behind them, digest snapshots.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketCounters, bucketFacts, bucketDigests) },
	// 3 → 4: submissions carry their class, household size and counted
	// contributions as fields; rounds count by date and by class. The counters are
	// recounted from the records.
	func(tx *bolt.Tx) error {
		if err := fillSubmissionFields(tx); err != nil {
			return err
		}
		return rebuildCounters(tx)
	},
	// 4 → 5: wrong invite codes, kept across restarts.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketThrottle) },
	// 5 → 6: files kept behind links for a day (charts and spreadsheets for Zalo).
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketFiles) },
	// 6 → 7: the office console's login tokens and sessions.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketLogins, bucketSessions, bucketAPITokens) },
	// 7 → 8: targets set in the console, kept over the areas file's.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketTargets) },
	// 8 → 9: review states of submissions, the queue of those waiting, and
	// their counters; every submission stored so far waits for review.
	func(tx *bolt.Tx) error {
		if err := createBuckets(tx, bucketReviews, bucketPending); err != nil {
			return err
		}
		err := tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
			var s counted
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			return tx.Bucket(bucketPending).Put(subAreaKey(s.AreaID, s.SubmittedAt, s.ID), nil)
		})
		if err != nil {
			return err
		}
		return rebuildCounters(tx)
	},
	// 9 → 10: each household's forms indexed, and the forms returned;
	// households counted by their standing (one decision per household
	// and round) instead of form by form; the household records' statuses
	// derived the same way.
	func(tx *bolt.Tx) error {
		if err := createBuckets(tx, bucketSubByHH, bucketReturned); err != nil {
			return err
		}
		err := tx.Bucket(bucketSubmissions).ForEach(func(k, v []byte) error {
			var s counted
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			if err := tx.Bucket(bucketSubByHH).Put(householdFormKey(s.HouseholdID, s.ID), []byte(s.Form)); err != nil {
				return err
			}
			if rv, err := reviewOf(tx, s.ID); err != nil || rv.State() != ReviewReturned {
				return err
			}
			return tx.Bucket(bucketReturned).Put(subAreaKey(s.AreaID, s.SubmittedAt, s.ID), nil)
		})
		if err != nil {
			return err
		}
		if err := restandAll(tx); err != nil {
			return err
		}
		return rebuildCounters(tx)
	},
	// 10 → 11: console sessions and login tokens kept by their hash, as the
	// API tokens were, so that a copy of the file opens no session. Those
	// kept in clear until now are ended rather than rehashed: they are in
	// every backup made so far, and their old pages stay in the file until
	// reused. Officials ask /web for a new link once; a session lasts 12
	// hours anyway.
	func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketLogins} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return createBuckets(tx, bucketSessions, bucketLogins)
	},
	// 11 → 12: the mapping of areas reorganised (old id → new id, from a date).
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketAreaMoves) },
	// 12 → 13: the village meetings and postings of a round, and the
	// households' requests for a regular review.
	func(tx *bolt.Tx) error { return createBuckets(tx, bucketMeetings, bucketPostings, bucketRequests) },
	// 13 → 14: counters and facts in the compact encoding (codec.go), each
	// bucket rewritten in key order with its pages filled.
	func(tx *bolt.Tx) error {
		in := names{}
		if err := reencode(tx, bucketCounters, func(v []byte) ([]byte, error) {
			c, err := decodeCounters(v, in)
			return encodeCounters(c), err
		}); err != nil {
			return fmt.Errorf("counters: %w", err)
		}
		if err := reencode(tx, bucketFacts, func(v []byte) ([]byte, error) {
			f, err := decodeContribution(v, in)
			return encodeContribution(f), err
		}); err != nil {
			return fmt.Errorf("facts: %w", err)
		}
		return nil
	},
	// 14 → 15: the records a chat reads or writes on every message (users,
	// runs, open keyboards, the inbox and the outbox) in the compact
	// encoding (codec_chat.go), each rewritten where it is: the buckets
	// keep their sequences, which give the ids of users and messages.
	func(tx *bolt.Tx) error {
		if err := recode(tx, bucketUsers, decodeUser, putUser); err != nil {
			return err
		}
		if err := recode(tx, bucketRuns, decodeRun, putRun); err != nil {
			return err
		}
		if err := recode(tx, bucketKeyboards, decodeKeyboard, putKeyboard); err != nil {
			return err
		}
		if err := recode(tx, bucketInbox, decodeIncoming, putIncoming); err != nil {
			return err
		}
		return recode(tx, bucketOutbox, decodeMessage, putMessage)
	},
	// 15 → 16: households in the compact encoding (household_codec.go),
	// the bucket rewritten in key order with its pages filled.
	func(tx *bolt.Tx) error {
		err := reencode(tx, bucketHouseholds, func(v []byte) ([]byte, error) {
			var hh Household
			err := decodeHousehold(v, &hh)
			return encodeHousehold(&hh), err
		})
		if err != nil {
			return fmt.Errorf("households: %w", err)
		}
		return nil
	},
	// 16 → 17: Telegram's marks of updates seen by their update_id first,
	// in its order (SeenKeyInOrder), no longer by chat first: an update Telegram
	// repeats after the upgrade is still known (rekeySeen). Its updates
	// waiting in the inbox are marked so too when handled: they say so as
	// those received since do.
	func(tx *bolt.Tx) error {
		if err := rekeySeen(tx, "telegram"); err != nil {
			return err
		}
		return sayInOrder(tx, "telegram")
	},
}

// sayInOrder adds "in_order": true to a channel's updates waiting in the
// inbox. Their payload is the engine's inbound message as JSON
// (bot.Inbound, written by delivery.Receiver), whose InOrder has the
// engine mark it with SeenKeyInOrder.
func sayInOrder(tx *bolt.Tx, channel string) error {
	return recode(tx, bucketInbox, func(data []byte, in *Incoming) error {
		if err := decodeIncoming(data, in); err != nil {
			return err
		}
		body, ok := bytes.CutPrefix(bytes.TrimSpace(in.Payload), []byte("{"))
		if in.Channel != channel || !ok {
			return nil
		}
		field := []byte(`{"in_order":true`)
		if body = bytes.TrimSpace(body); !bytes.HasPrefix(body, []byte("}")) {
			field = append(field, ',')
		}
		if out := append(field, body...); json.Valid(out) {
			in.Payload = out
		}
		return nil
	}, putIncoming)
}

// rekeySeen moves a channel's marks "channel:chat:n" (SeenKey) to
// SeenKeyInOrder: those seen within two days of its last one. Telegram
// repeats only the updates it was not told were received, and keeps none
// past a day; older marks stay as they are until pruned, so that a
// province's month of marks is not read into memory at the upgrade.
func rekeySeen(tx *bolt.Tx, channel string) error {
	seen := tx.Bucket(bucketSeen)
	prefix := []byte(channel + ":")
	var last []byte
	c := seen.Cursor()
	for k, v := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if bytes.Compare(v, last) > 0 {
			last = v
		}
	}
	at, err := time.Parse(time.RFC3339, string(last))
	if err != nil { // no mark, or none readable: nothing to move
		return nil
	}
	since := []byte(timeKey(at.Add(-48 * time.Hour)))
	type move struct{ from, to, v []byte }
	var moves []move
	for k, v := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, v = c.Next() {
		// A mark of another shape, from before the marks were kept by
		// chat, is older than the marks are kept: it stays as it is.
		chat, id, ok := bytes.Cut(k[len(prefix):], []byte(":"))
		n, err := strconv.ParseUint(string(id), 10, 64)
		if ok && err == nil && bytes.Compare(v, since) >= 0 {
			moves = append(moves, move{bytes.Clone(k), []byte(SeenKeyInOrder(channel, n, string(chat))), bytes.Clone(v)})
		}
	}
	slices.SortFunc(moves, func(a, b move) int { return bytes.Compare(a.to, b.to) })
	seen.FillPercent = denseFill
	for _, m := range moves {
		if err := seen.Delete(m.from); err != nil {
			return err
		}
		if err := seen.Put(m.to, m.v); err != nil {
			return err
		}
	}
	return nil
}

// recode reads every record of a bucket with dec and stores it again with
// put, in place.
func recode[T any](tx *bolt.Tx, name []byte, dec func([]byte, *T) error, put func(*bolt.Bucket, []byte, *T) error) error {
	b := tx.Bucket(name)
	type kv struct {
		k []byte
		v T
	}
	var all []kv
	err := b.ForEach(func(k, v []byte) error {
		var rec T
		if err := dec(v, &rec); err != nil {
			return fmt.Errorf("%s %q: %w", name, k, err)
		}
		all = append(all, kv{bytes.Clone(k), rec})
		return nil
	})
	if err != nil {
		return err
	}
	for i := range all {
		if err := put(b, all[i].k, &all[i].v); err != nil {
			return fmt.Errorf("%s %q: %w", name, all[i].k, err)
		}
	}
	return nil
}

// reencode rewrites every value of a bucket with conv, into a new bucket
// filled in key order (no room left on pages for keys that never come).
func reencode(tx *bolt.Tx, name []byte, conv func([]byte) ([]byte, error)) error {
	type kv struct{ k, v []byte }
	var all []kv
	err := tx.Bucket(name).ForEach(func(k, v []byte) error {
		nv, err := conv(v)
		if err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		all = append(all, kv{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(name); err != nil {
		return err
	}
	b, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	b.FillPercent = 1.0
	for _, e := range all {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// restandAll brings every household record's statuses to its standing.
func restandAll(tx *bolt.Tx) error {
	var ids []string
	if err := tx.Bucket(bucketHouseholds).ForEach(func(k, _ []byte) error {
		ids = append(ids, string(k))
		return nil
	}); err != nil {
		return err
	}
	rounds, err := allRounds(tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var hh Household
		if err := getHousehold(tx.Bucket(bucketHouseholds), []byte(id), &hh); err != nil {
			return err
		}
		st, err := standingNow(tx, hh, rounds)
		if err != nil {
			return err
		}
		hh.Status, hh.StatusAt, hh.Approved = st.All.Class, st.All.At, st.Approved.Class
		if err := putHouseholdRecord(tx, &hh); err != nil {
			return err
		}
	}
	return nil
}

// fillSubmissionFields gives schema-3 submissions the fields schema 4 keeps:
// class and members from the answers with the ids the household form had,
// and the contributions by the rule that counted them then.
func fillSubmissionFields(tx *bolt.Tx) error {
	subs := tx.Bucket(bucketSubmissions)
	type change struct {
		key []byte
		sub Submission
	}
	var changes []change
	err := subs.ForEach(func(k, v []byte) error {
		var s Submission
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		switch s.Form {
		case "household":
			s.Class = s.Answers["class"]
			s.Members, _ = strconv.Atoi(s.Answers["members"])
		case "model", "training":
			s.Contributions = schema3Contributions(s.Form, s.Answers)
		default:
			return nil
		}
		changes = append(changes, change{bytes.Clone(k), s})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := putJSON(subs, c.key, c.sub); err != nil {
			return err
		}
	}
	return nil
}

func createBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the version this program writes.
var SchemaVersion = len(migrations)

var keySchema = []byte("schema_version")

func (db *DB) migrate() (err error) {
	defer damaged(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.bolt.Update(func(tx *bolt.Tx) error {
		version := 0
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if v := meta.Get(keySchema); v != nil {
				n, err := strconv.Atoi(string(v))
				if err != nil {
					return fmt.Errorf("store: schema version %q: %w", v, err)
				}
				version = n
			}
		}
		if version > SchemaVersion {
			return fmt.Errorf("store: the database has schema %d, newer than this program's %d: upgrade sothon", version, SchemaVersion)
		}
		for ; version < SchemaVersion; version++ {
			if err := migrations[version](tx); err != nil {
				return fmt.Errorf("store: migrate to schema %d: %w", version+1, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(version)))
	})
}

// Version reads the file's schema version.
func (db *DB) Version() (int, error) {
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n, err := strconv.Atoi(string(tx.Bucket(bucketMeta).Get(keySchema)))
		v = n
		return err
	})
	return v, err
}

// schema3Contributions is the counting rule of schema 3, frozen here as it
// was: it reads the answers by the ids the forms had then. It is not
// counting.Contributions, today's rule, and must not follow it, so that
// this migration does what it did.
func schema3Contributions(form string, a map[string]string) []counting.Contribution {
	switch form {
	case "model":
		m := a["model"]
		if m == "" {
			return nil
		}
		names := []string{"model:" + m, "model:" + m + ":" + a["status"]}
		if a["below_min"] == "yes" {
			names = append(names, "model_below_min", "model_below_min:"+m)
		}
		if a["cofund"] == "no" {
			names = append(names, "model_cofund_no", "model_cofund_no:"+m)
		}
		return []counting.Contribution{{Kind: "model", Key: m, Names: names}}
	case "training":
		person := flows.Fold(a["person"])
		if person == "" {
			return nil
		}
		names := []string{"training:people"}
		if a["wants_training"] == "yes" {
			names = append(names, "training:trade:"+a["trade"])
		}
		if a["wants_job"] == "yes" {
			names = append(names, "training:job")
		}
		if a["wants_abroad"] == "yes" {
			names = append(names, "training:abroad")
		}
		return []counting.Contribution{{Kind: "training", Key: person, Names: names}}
	}
	return nil
}
