package store_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
	"sothon/store"
	"sothon/tree"
)

// A schema-9 file (forms not indexed by household nor returned ones, counters counted form
// by form, a household's status taken from its latest form even when that
// form was returned) opens as schema 10 with its households indexed and
// standing at their decisions, and every check passes.
func TestMigrateToStandings(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "R", AreaID: "bac-kan", From: "2023-06-01", To: "2023-06-30", Opened: t0}); err != nil {
		t.Fatal(err)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	submit := func(class string, at time.Time) uint64 {
		s := &store.Submission{Form: "household", AreaID: village, HouseholdID: "demo-bac-kan-huyen-tung-khuoi-pai-01", SubmittedAt: at, Class: class, Answers: map[string]string{}}
		a, err := db.Apply(ctx, store.Change{At: at, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		return a.SubmissionID
	}
	first := submit("poor", t0)
	if _, _, err := db.Decide(ctx, store.Decision{Submission: first, Approve: true, By: "o1", At: t0}, nil); err != nil {
		t.Fatal(err)
	}
	second := submit("middle", t0.Add(time.Hour))
	if _, _, err := db.Decide(ctx, store.Decision{Submission: second, Reason: "Thu nhập chưa hợp lý", By: "o1", At: t0.Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	stored, err := db.Household(ctx, "demo-bac-kan-huyen-tung-khuoi-pai-01")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Back to schema 9 as it was written: no index by household, the
	// household's status its latest form's, counters by the old names.
	atSchema(t, path, 9, func(tx *bolt.Tx) error {
		for _, b := range []string{"submissions_by_household", "returned"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		hh := tx.Bucket([]byte("households"))
		key := []byte("demo-bac-kan-huyen-tung-khuoi-pai-01")
		var rec map[string]any
		if err := json.Unmarshal(mustJSON(t, stored), &rec); err != nil {
			return err
		}
		rec["status"], rec["approved"], rec["approved_by"] = "middle", "poor", first
		old, _ := json.Marshal(rec)
		if err := hh.Put(key, old); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("counters")).Put([]byte(village), []byte(`{"reviewed:1":1,"reviewed:1:middle":1,"review:1:returned":1}`)); err != nil {
			return err
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.Version(); v != store.SchemaVersion {
		t.Fatalf("schema %d", v)
	}
	hh, _ := db.Household(ctx, "demo-bac-kan-huyen-tung-khuoi-pai-01")
	if hh.Status != "poor" || hh.Approved != "poor" {
		t.Errorf("the household after migration: status %q, approved %q (its returned form stands nowhere)", hh.Status, hh.Approved)
	}
	st, _ := db.HouseholdStanding(ctx, hh.ID)
	if rs, ok := st.In(1); !ok || rs.Approved.Decision.Form != first || rs.State != store.RoundReturned {
		t.Errorf("its standing in the round: %+v", rs)
	}
	if returned, err := db.ReturnedIn(ctx, village); err != nil || len(returned) != 1 || returned[0].ID != second {
		t.Errorf("the village's returned forms: %v %v", returned, err)
	}
	if diffs, err := db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("counters: %v %v", diffs, err)
	}
	if diffs, err := db.CheckStandings(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("households: %v %v", diffs, err)
	}
}

// A schema-12 file (no meetings, postings nor requests) opens as schema 13
// with their buckets, and takes a meeting, a posting and a request.
func TestMigrateToVillageReview(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	atSchema(t, path, 12, func(tx *bolt.Tx) error {
		for _, b := range []string{"meetings", "postings", "requests"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.Version(); v != store.SchemaVersion || v < 13 {
		t.Fatalf("schema %d, the program's %d", v, store.SchemaVersion)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	m := store.Meeting{Round: 1, AreaID: village, Day: "2026-11-20", Present: 9, Opened: t0, OpenedBy: "h1"}
	if _, err := db.OpenMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseMeeting(ctx, 1, village, func(store.Vote) string { return "" }, "h1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordPosting(ctx, store.Posting{Round: 1, AreaID: village, Start: "2026-11-23", End: "2026-11-25", Days: 3, At: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddRequest(ctx, store.ReviewRequest{AreaID: village, Household: "demo-bac-kan-huyen-tung-khuoi-pai-01", Reason: "Ốm nặng", Day: "2026-11-20", At: t0}); err != nil {
		t.Fatal(err)
	}
	if ms, _ := db.Meetings(ctx, 1); len(ms) != 1 || !ms[0].Held() {
		t.Errorf("meetings: %+v", ms)
	}
	if ps, _ := db.Postings(ctx, 1); len(ps) != 1 {
		t.Errorf("postings: %+v", ps)
	}
	if ps, _ := db.Postings(ctx, 2); len(ps) != 0 {
		t.Errorf("postings of another round: %+v", ps)
	}
}

// A schema-13 file (counters and facts as JSON) opens as schema 14 with
// both in the compact encoding, the same figures, and every check passing;
// a counter bumped after the migration is counted once.
func TestMigrateToCompactCounters(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	if err := db.ImportHouseholds(ctx, []store.Household{{ID: "h1", AreaID: village, HeadName: "Nông Văn Tý", Status: "poor"},
		{ID: "h2", AreaID: village, HeadName: "Hoàng Thị Mai", Status: "near_poor"}}); err != nil {
		t.Fatal(err)
	}
	s := &store.Submission{Form: "model", AreaID: village, HouseholdID: "h1", SubmittedAt: t0, Answers: map[string]string{},
		Counted: map[string]string{flows.RoleModel: "pig", flows.RoleModelStatus: "taking_part"}}
	if _, err := db.Apply(ctx, store.Change{At: t0, Submission: s}); err != nil {
		t.Fatal(err)
	}
	before, err := db.CountersIn(ctx, "bac-kan")
	if err != nil || len(before[village]) < 4 {
		t.Fatalf("counters before: %v %v", before, err)
	}
	db.Close()
	// Back to schema 13 as it was written: JSON records.
	atSchema(t, path, 13, func(tx *bolt.Tx) error {
		tx.Bucket([]byte("counters")).Put([]byte(village), mustJSON(t, before[village]))
		facts := tx.Bucket([]byte("facts"))
		var keys [][]byte
		facts.ForEach(func(k, _ []byte) error { keys = append(keys, k); return nil })
		if len(keys) < 4 {
			t.Errorf("facts: %d", len(keys))
		}
		for _, k := range keys {
			// The schema-13 record of a household's status.
			old := map[string]any{"area": village, "names": []string{"households", "status:poor"}}
			if string(k) == "status\x00h2" {
				old["names"] = []string{"households", "status:near_poor"}
			} else if string(k) != "status\x00h1" {
				continue
			}
			if err := facts.Put(k, mustJSON(t, old)); err != nil {
				return err
			}
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.Version(); v != store.SchemaVersion {
		t.Fatalf("schema %d", v)
	}
	after, err := db.CountersIn(ctx, "bac-kan")
	if err != nil || !maps.Equal(after[village], before[village]) {
		t.Errorf("counters after migration: %v, before %v (%v)", after[village], before[village], err)
	}
	if diffs, err := db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("counters: %v %v", diffs, err)
	}
	// A new status for h2 takes its old fact off, as read after migration.
	if err := db.ImportHouseholds(ctx, []store.Household{{ID: "h2", AreaID: village, HeadName: "Hoàng Thị Mai", Status: "poor", StatusAt: t0}}); err != nil {
		t.Fatal(err)
	}
	after, _ = db.CountersIn(ctx, village)
	if after[village]["status:poor"] != 2 || after[village]["status:near_poor"] != 0 || after[village]["households"] != before[village]["households"] {
		t.Errorf("counters after a new status: %v", after[village])
	}
	if diffs, err := db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("counters: %v %v", diffs, err)
	}
	db.Close()
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.View(func(tx *bolt.Tx) error {
		for _, b := range []string{"counters", "facts"} {
			tx.Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				if len(v) == 0 || v[0] == '{' {
					t.Errorf("%s %q is still %q", b, k, v)
				}
				return nil
			})
		}
		return nil
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A file of schema 15 keeps its households in JSON: once migrated they are
// compact records that read back as they were, and every check passes.
func TestMigrateToCompactHouseholds(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	hanoi := time.FixedZone("ICT", 7*3600)
	if err := db.ImportHouseholds(ctx, []store.Household{
		{ID: "h1", AreaID: village, HeadName: "Nông Văn Tý", Members: 4, Status: "poor", StatusAt: t0},
		{ID: "h2", AreaID: village, HeadName: `Hoàng "Thị" <Mai>`, Status: "near_poor", StatusAt: t0.In(hanoi)},
		{ID: "h3", AreaID: village, HeadName: "Lý A Páo", Status: "none"}}); err != nil {
		t.Fatal(err)
	}
	s := &store.Submission{Form: "household", AreaID: village, HouseholdID: "h1", SubmittedAt: t0.Add(time.Hour), Class: "middle", Members: 5, Answers: map[string]string{}}
	if _, err := db.Apply(ctx, store.Change{At: s.SubmittedAt, Submission: s}); err != nil {
		t.Fatal(err)
	}
	before, err := db.HouseholdsIn(ctx, village)
	if err != nil || len(before) != 15 {
		t.Fatalf("households before: %d, %v", len(before), err)
	}
	db.Close()
	// Back to schema 15 as it was written: households in JSON.
	atSchema(t, path, 15, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("households"))
		for _, hh := range before {
			if err := b.Put([]byte(hh.ID), mustJSON(t, hh)); err != nil {
				return err
			}
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Version(); v != store.SchemaVersion {
		t.Fatalf("schema %d", v)
	}
	after, err := db.HouseholdsIn(ctx, village)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("households after migration:\n%+v\nbefore:\n%+v (%v)", after, before, err)
	}
	if h1 := after[slices.IndexFunc(after, func(hh store.Household) bool { return hh.ID == "h1" })]; len(h1.History) != 2 || h1.Status != "middle" || h1.Members != 5 || h1.LastSubmission == 0 {
		t.Errorf("h1 after migration: %+v", h1)
	}
	if diffs, err := db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("counters: %v %v", diffs, err)
	}
	if diffs, err := db.CheckStandings(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("standings: %v %v", diffs, err)
	}
	db.Close()
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("households")).ForEach(func(k, v []byte) error {
			if len(v) == 0 || v[0] == '{' {
				t.Errorf("household %q is still %q", k, v)
			}
			return nil
		})
	})
}

// A schema-14 file (users, runs, open keyboards, the inbox and the outbox
// as JSON) opens as schema 15 with all of them in the compact encoding,
// read the same as before, and the buckets' sequences kept: the next
// update and the next message take the ids after the last ones.
func TestMigrateToCompactChat(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	u := store.User{Name: "Nông Văn Tý", Role: store.RoleHead, AreaID: village, Lang: "vi", Created: t0, LastMessage: t0.Add(time.Minute)}
	chat := store.Identity{Channel: "telegram", ChatID: "42"}
	run := &flows.Run{Form: "household", Version: "1", AreaID: village, Stage: flows.StageAsk, Current: "members",
		Answers: map[string]string{"household": "h1"}, Trail: []string{"household"}, Started: t0, Updated: t0}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u, Identity: &chat}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, UserID: u.ID, Run: run}); err != nil {
		t.Fatal(err)
	}
	kb := &store.Keyboard{MessageID: "7", Text: "Hộ nào?", Question: "household"}
	if err := db.Delivered(ctx, store.Message{Channel: chat.Channel, ChatID: chat.ChatID}, kb); err != nil {
		t.Fatal(err)
	}
	// Zalo's: Telegram's waiting updates are changed by schema 17 (TestMigrateSeenInOrder).
	in := []store.Incoming{{Channel: "zalo", ChatID: "42", Payload: []byte(`{"update_id":1,"message":{"text":"3"}}`)},
		{Channel: "zalo", ChatID: "99", Payload: []byte(`{"update_id":2}`), Stranger: true}}
	if err := db.Receive(ctx, in); err != nil {
		t.Fatal(err)
	}
	queued, err := db.Queue(ctx, t0, []store.Message{{Channel: "telegram", ChatID: "42", Text: "Có bao nhiêu người?",
		Options: []flows.Option{{Key: "1", Label: "Một"}}, NotBefore: t0.Add(time.Hour)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.Conversation(ctx, chat.Channel, chat.ChatID)
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := db.Inbox(ctx, 0, 10)
	outbox, _ := db.Outbox(ctx, "telegram", 10)
	mark := inbox[len(inbox)-1].ID // the inbox's sequence: nothing left it
	db.Close()
	// Back to schema 14 as it was written: JSON records.
	atSchema(t, path, 14, func(tx *bolt.Tx) error {
		put := func(bucket string, key []byte, v any) {
			if err := tx.Bucket([]byte(bucket)).Put(key, mustJSON(t, v)); err != nil {
				t.Fatal(err)
			}
		}
		put("users", []byte(u.ID), before.User)
		put("runs", []byte(u.ID), before.Run)
		put("keyboards", []byte("telegram:42"), before.Keyboard)
		for _, m := range inbox {
			put("inbox", seqKey(m.ID), m)
		}
		put("outbox", seqKey(queued[0].ID), queued[0])
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Version(); v != store.SchemaVersion || v < 15 {
		t.Fatalf("schema %d", v)
	}
	after, err := db.Conversation(ctx, chat.Channel, chat.ChatID)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("conversation after migration:\n%+v\nbefore:\n%+v (%v)", after, before, err)
	}
	if got, err := db.Inbox(ctx, 0, 10); err != nil || !reflect.DeepEqual(got, inbox) {
		t.Errorf("inbox after migration: %+v, before %+v (%v)", got, inbox, err)
	}
	if got, err := db.Outbox(ctx, "telegram", 10); err != nil || !reflect.DeepEqual(got, outbox) {
		t.Errorf("outbox after migration: %+v, before %+v (%v)", got, outbox, err)
	}
	more := []store.Incoming{{Channel: "telegram", ChatID: "42", Payload: []byte(`{"update_id":3}`)}}
	if err := db.Receive(ctx, more); err != nil || more[0].ID != mark+1 {
		t.Errorf("the next update's id: %d after %d (%v)", more[0].ID, mark, err)
	}
	next, err := db.Queue(ctx, t0, []store.Message{{Channel: "telegram", ChatID: "42", Text: "Cảm ơn"}}, nil)
	if err != nil || next[0].ID != queued[0].ID+1 {
		t.Errorf("the next message's id: %+v after %d (%v)", next, queued[0].ID, err)
	}
	db.Close()
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.View(func(tx *bolt.Tx) error {
		for _, b := range []string{"users", "runs", "keyboards", "inbox", "outbox"} {
			n := 0
			tx.Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				if n++; len(v) == 0 || v[0] == '{' {
					t.Errorf("%s %q is still %q", b, k, v)
				}
				return nil
			})
			if n == 0 {
				t.Errorf("%s: no record", b)
			}
		}
		return nil
	})
}
func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// Telegram's marks move from by chat to by update_id first (schema 17): an
// update Telegram repeats after the upgrade is still dropped, marks of
// other channels stay as they were, and each keeps when it was seen.
func TestMigrateSeenInOrder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]time.Time{
		"telegram:42:900001":    t0,
		"telegram:7:900002":     t0.Add(time.Minute),
		"telegram:77":           t0.Add(2 * time.Minute), // a mark of before they were kept by chat
		"telegram:5:800000":     t0.Add(-72 * time.Hour), // older than Telegram repeats: left as it is
		"zalo:123456:8f3ab2c01": t0.Add(3 * time.Minute),
	}
	// Updates waiting in the inbox, stored as the engine's inbound messages.
	waiting := []store.Incoming{
		{Channel: "telegram", ChatID: "42", Payload: []byte(`{"channel":"telegram","chat_id":"42","message_id":"900004","text":"3"}`)},
		{Channel: "telegram", ChatID: "43", Payload: []byte(`{}`)},
		{Channel: "zalo", ChatID: "123456", Payload: []byte(`{"channel":"zalo","chat_id":"123456","message_id":"9c1d","text":"2"}`)},
	}
	if err := db.Receive(ctx, waiting); err != nil {
		t.Fatal(err)
	}
	db.Close()
	atSchema(t, path, 16, func(tx *bolt.Tx) error {
		for k, at := range old {
			if err := tx.Bucket([]byte("seen")).Put([]byte(k), []byte(at.UTC().Format("2006-01-02T15:04:05Z"))); err != nil {
				return err
			}
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.Version(); v != store.SchemaVersion || v < 17 {
		t.Fatalf("schema %d", v)
	}
	for _, key := range []string{store.SeenKeyInOrder("telegram", 900001, "42"), store.SeenKeyInOrder("telegram", 900002, "7"), "telegram:77", "zalo:123456:8f3ab2c01", "telegram:5:800000"} {
		if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: key}); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("%s after the migration: %v, want a repeat", key, err)
		}
	}
	inbox, err := db.Inbox(ctx, 0, 10)
	if err != nil || len(inbox) != 3 {
		t.Fatalf("inbox after the migration: %+v, %v", inbox, err)
	}
	for i, in := range inbox {
		var fields map[string]any
		if err := json.Unmarshal(in.Payload, &fields); err != nil {
			t.Fatalf("%s: %v", in.Payload, err)
		}
		if wantInOrder := in.Channel == "telegram"; (fields["in_order"] == true) != wantInOrder {
			t.Errorf("inbox %d (%s) after the migration: %s", i, in.Channel, in.Payload)
		}
		want := len(mustFields(t, waiting[i].Payload))
		if in.Channel == "telegram" {
			want++
		}
		if len(fields) != want {
			t.Errorf("inbox %d lost fields: %s", i, in.Payload)
		}
	}
	if _, err := db.Apply(ctx, store.Change{At: t0.Add(time.Hour), SeenKey: store.SeenKeyInOrder("telegram", 900003, "42")}); err != nil {
		t.Errorf("a new update: %v", err)
	}
	// Not moved: marked here for the first time (as seen long ago, to be pruned below).
	if _, err := db.Apply(ctx, store.Change{At: t0.Add(-100 * time.Hour), SeenKey: store.SeenKeyInOrder("telegram", 800000, "5")}); err != nil {
		t.Errorf("a mark older than Telegram repeats was moved: %v", err)
	}
	// Each mark is forgotten by when it was seen, as before.
	if n, err := db.PruneSeen(ctx, t0.Add(90*time.Second)); err != nil || n != 4 {
		t.Errorf("pruned %d marks seen before %v, want the four Telegram marks (%v)", n, t0.Add(90*time.Second), err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: "zalo:123456:8f3ab2c01"}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("the Zalo mark was pruned with them: %v", err)
	}
}

func mustFields(t *testing.T, payload []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// atSchema writes a file as a program of that schema left it: fn changes
// its records, and the schema it says is version. The store opens it next
// and migrates it.
func atSchema(t *testing.T, path string, version int, fn func(tx *bolt.Tx) error) {
	t.Helper()
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte(strconv.Itoa(version)))
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
}
