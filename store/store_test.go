package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

var ctx = context.Background()

var t0 = time.Date(2023, 6, 15, 9, 0, 0, 0, time.UTC)

func TestOpenHeldFileFailsFast(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "held.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = store.Open(path)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "sothon serve") {
		t.Errorf("message %q does not say what to do", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("second open took %v", waited)
	}
}

func TestSchemaVersion(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	v, err := db.Version()
	if err != nil || v != store.SchemaVersion {
		t.Fatalf("version %d, %v; want %d", v, err, store.SchemaVersion)
	}
}

func countOutbox(t *testing.T, db *store.DB, channel string) int {
	t.Helper()
	msgs, err := db.Outbox(ctx, channel, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

func TestApplyDropsRepeatedMessage(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ch := store.Change{SeenKey: "telegram:42", At: t0, UserID: "u1",
		Run: &flows.Run{Form: "household", Answers: map[string]string{"members": "4"}},
		Replies: func(store.Applied) []store.Message {
			return []store.Message{{Channel: "telegram", ChatID: "7", Text: "hi"}}
		}}
	if _, err := db.Apply(ctx, ch); err != nil {
		t.Fatal(err)
	}
	ch.Run = &flows.Run{Form: "household", Answers: map[string]string{"members": "9"}}
	if _, err := db.Apply(ctx, ch); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("replay: %v, want ErrDuplicate", err)
	}
	if n := countOutbox(t, db, "telegram"); n != 1 {
		t.Errorf("outbox has %d messages after a replay, want 1", n)
	}
	run, err := db.Run(ctx, "u1")
	if err != nil || run.Answers["members"] != "4" {
		t.Errorf("run after replay: %+v, %v; the replay must change nothing", run, err)
	}
}

func submission(hh, class string, at time.Time) *store.Submission {
	return &store.Submission{Form: "household", FormVersion: "1", AreaID: "bac-kan/huyen-tung/khuoi-pai",
		HouseholdID: hh, HouseholdName: "Hà Văn Sơn", SubmittedBy: "u1", SubmittedAt: at,
		Answers: map[string]string{"class": class, "members": "4"}, Class: class, Members: 4}
}

func TestSubmissionUpdatesHouseholdAndKeepsHistory(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	first, err := db.Apply(ctx, store.Change{At: t0, Submission: submission("", "poor", t0)})
	if err != nil {
		t.Fatal(err)
	}
	if first.SubmissionID != 1 || !strings.HasPrefix(first.HouseholdID, "new-") {
		t.Fatalf("first: %+v", first)
	}
	second, err := db.Apply(ctx, store.Change{At: t0.Add(time.Hour), Submission: submission(first.HouseholdID, "near_poor", t0.Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	hh, err := db.Household(ctx, first.HouseholdID)
	if err != nil {
		t.Fatal(err)
	}
	if hh.Status != "near_poor" || hh.LastSubmission != second.SubmissionID || len(hh.History) != 2 || hh.History[0].Status != "poor" || hh.Members != 4 {
		t.Fatalf("household: %+v", hh)
	}
	old, err := db.Submission(ctx, first.SubmissionID)
	if err != nil || old.Answers["class"] != "poor" {
		t.Fatalf("first submission changed: %+v, %v", old, err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, Submission: submission("no-such", "poor", t0)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown household: %v", err)
	}
}

func TestSubmissionsFilterByAreaSubtree(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	for i, area := range []string{"a/b", "a/b/c", "a/b-c", "a/bc", "a/b"} {
		s := submission("", "poor", t0.Add(time.Duration(i)*time.Minute))
		s.AreaID = area
		if i == 4 {
			s.Form = "model"
		}
		if _, err := db.Apply(ctx, store.Change{At: t0, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := db.Submissions(ctx, store.SubmissionFilter{AreaID: "a/b", Form: "household"}, func(s store.Submission) error {
		got = append(got, s.AreaID)
		return nil
	})
	if err != nil || strings.Join(got, " ") != "a/b a/b/c" {
		t.Fatalf("subtree a/b: %v, %v; want a/b a/b/c", got, err)
	}
}

func TestOutboxOrderAndDelivery(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	_, err := db.Apply(ctx, store.Change{At: t0, Replies: func(store.Applied) []store.Message {
		return []store.Message{{Channel: "console", ChatID: "1", Text: "a"}, {Channel: "telegram", ChatID: "1", Text: "x"},
			{Channel: "console", ChatID: "1", Text: "b"}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Outbox(ctx, "console", 10)
	if err != nil || len(msgs) != 2 || msgs[0].Text != "a" || msgs[1].Text != "b" {
		t.Fatalf("pending: %+v, %v", msgs, err)
	}
	if err := db.Delivered(ctx, msgs[0], &store.Keyboard{MessageID: "55", Text: "a", Question: "q"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Defer(ctx, msgs[1].ID, t0.Add(time.Minute), 2, 0); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Outbox(ctx, "console", 10); len(again) != 1 || again[0].Attempts != 2 || !again[0].NotBefore.Equal(t0.Add(time.Minute)) {
		t.Fatalf("deferred: %+v", again)
	}
	if n := countOutbox(t, db, "console"); n != 1 {
		t.Fatalf("after delivery %d left, want 1", n)
	}
	if n := countOutbox(t, db, "telegram"); n != 1 {
		t.Fatalf("other channel's message touched: %d", n)
	}
}

func TestBackupIsAWorkingDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := db.Apply(ctx, store.Change{At: t0, Submission: submission("", "poor", t0)}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := db.Backup(ctx, &buf)
	if err != nil || n == 0 {
		t.Fatal(n, err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := writeFile(path, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if s, err := cp.Submission(ctx, 1); err != nil || s.Answers["class"] != "poor" {
		t.Fatalf("backup lacks the submission: %+v, %v", s, err)
	}
}

func TestRefusalsAreCountedOnly(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	for i := 0; i < 3; i++ {
		if _, err := db.Apply(ctx, store.Change{At: t0, Count: "refusals"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.Counter(ctx, "refusals"); err != nil || n != 3 {
		t.Fatalf("refusals = %d, %v", n, err)
	}
}

func TestUndeliverableMarksUserUnreachable(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := store.User{Name: "A", Role: store.RoleHead, AreaID: "bac-kan"}
	_, err := db.Apply(ctx, store.Change{At: t0, User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: "5"},
		Replies: func(store.Applied) []store.Message {
			return []store.Message{{Channel: "telegram", ChatID: "5", Text: "x"}}
		}})
	if err != nil || u.ID == "" {
		t.Fatalf("user %q, %v", u.ID, err)
	}
	msgs, _ := db.Outbox(ctx, "telegram", 10)
	if err := db.Undeliverable(ctx, msgs[0], true, "403 blocked", t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.UserByIdentity(ctx, "telegram", "5")
	if err != nil || !got.Unreachable {
		t.Fatalf("user after 403: %+v, %v", got, err)
	}
	if n := countOutbox(t, db, "telegram"); n != 0 {
		t.Fatalf("%d messages left", n)
	}
}

func TestInviteIsUsedOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	inv := store.Invite{Code: "ABCD2345", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Created: t0, Expires: t0.Add(time.Hour)}
	if err := db.CreateInvite(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateInvite(ctx, inv); !errors.Is(err, store.ErrCodeTaken) {
		t.Fatalf("same code twice: %v", err)
	}
	join := func(chat string) error {
		u := store.User{Name: chat, Role: inv.Role, AreaID: inv.AreaID}
		_, err := db.Apply(ctx, store.Change{At: t0, User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: chat}, UseInvite: inv.Code})
		return err
	}
	if err := join("1"); err != nil {
		t.Fatal(err)
	}
	if err := join("2"); !errors.Is(err, store.ErrInviteUsed) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := db.UserByIdentity(ctx, "telegram", "2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second user stored: %v", err)
	}
	got, _ := db.InviteByCode(ctx, inv.Code)
	if got.UsedBy == "" {
		t.Fatal("invite not marked used")
	}
}

func TestInboxKeepsUpdatesUntilHandled(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	items := []store.Incoming{{Channel: "telegram", ChatID: "1", Payload: []byte(`{"a":1}`)}, {Channel: "telegram", ChatID: "2", Payload: []byte(`{"b":2}`)}}
	if err := db.Receive(ctx, items); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, IncomingID: items[0].ID}); err != nil {
		t.Fatal(err)
	}
	left, err := db.Inbox(ctx, 0, 10)
	if err != nil || len(left) != 1 || string(left[0].Payload) != `{"b":2}` {
		t.Fatalf("inbox: %+v, %v", left, err)
	}
	if more, err := db.Inbox(ctx, left[0].ID, 10); err != nil || len(more) != 0 {
		t.Fatalf("inbox after the last id: %+v, %v", more, err)
	}
}

// Concurrent writes share commits; a failing one (a repeated message) must
// not disturb the others or the ids they get.
func TestConcurrentChangesShareCommitsSafely(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const n = 64
	var wg sync.WaitGroup
	users := make([]store.User, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			users[i] = store.User{Name: fmt.Sprint(i), Role: store.RoleHead, AreaID: "bac-kan"}
			seen := fmt.Sprint("telegram:", i/2) // every other change repeats a message
			_, errs[i] = db.Apply(ctx, store.Change{At: t0, SeenKey: seen, User: &users[i],
				Identity:   &store.Identity{Channel: "telegram", ChatID: fmt.Sprint(i)},
				Submission: submission("", "poor", t0)})
		}(i)
	}
	wg.Wait()
	ids := map[string]bool{}
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if ids[users[i].ID] || users[i].ID == "" {
				t.Fatalf("user id %q given twice or empty", users[i].ID)
			}
			ids[users[i].ID] = true
			if got, err := db.UserByIdentity(ctx, "telegram", fmt.Sprint(i)); err != nil || got.ID != users[i].ID {
				t.Fatalf("chat %d: %+v, %v", i, got, err)
			}
		case !errors.Is(err, store.ErrDuplicate):
			t.Fatal(err)
		}
	}
	if ok != n/2 {
		t.Fatalf("%d changes committed, want %d", ok, n/2)
	}
	subs := 0
	db.Submissions(ctx, store.SubmissionFilter{}, func(store.Submission) error { subs++; return nil })
	if subs != n/2 {
		t.Fatalf("%d submissions, want %d", subs, n/2)
	}
}

func TestPruneSeenKeepsRecentIDs(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	for i, at := range []time.Time{t0.Add(-40 * 24 * time.Hour), t0.Add(-time.Hour)} {
		if _, err := db.Apply(ctx, store.Change{At: at, SeenKey: fmt.Sprint("telegram:", i)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneSeen(ctx, t0.Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: "telegram:1"}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("a recent id was forgotten: %v", err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: "telegram:0"}); err != nil {
		t.Fatalf("an old id still blocks: %v", err)
	}
}

// A file cut short is reported as damaged, pointing to the backups, by
// whatever touches it first: never a crash.
func TestDamagedFileIsAnError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cut.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	hhs := make([]store.Household, 5000)
	for i := range hhs {
		hhs[i] = store.Household{ID: fmt.Sprintf("H%05d", i), AreaID: "bac-kan/huyen-tung/khuoi-pai", HeadName: strings.Repeat("Nông Văn Tý ", 4), Status: "poor"}
	}
	if err := db.ImportHouseholds(ctx, hhs); err != nil {
		t.Fatal(err)
	}
	db.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int64{info.Size() / 2, 3 * 4096, 4096, 100} {
		cut := filepath.Join(t.TempDir(), "cut.db")
		data, _ := os.ReadFile(path)
		if err := os.WriteFile(cut, data[:keep], 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(cut)
		if err == nil {
			_, err = db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
			if err == nil {
				err = db.Check()
			}
			db.Close()
		}
		if !errors.Is(err, store.ErrDamaged) {
			t.Errorf("a file cut to %d bytes: %v; want ErrDamaged", keep, err)
		}
		// A copy of its own: a fault inside bbolt's open leaves that file locked.
		readOnly := filepath.Join(t.TempDir(), "cut.db")
		os.WriteFile(readOnly, data[:keep], 0o600)
		if db, err := store.OpenReadOnly(readOnly); !errors.Is(err, store.ErrDamaged) {
			if err == nil {
				db.Close()
			}
			t.Errorf("a file cut to %d bytes, read-only: %v; want ErrDamaged", keep, err)
		}
	}
}

// An empty file is not a new database: it is refused as damaged, unless a
// new database is asked for; then it becomes one. A file that is not there
// is created as before, and a new database never replaces one with data.
func TestEmptyFileIsDamagedUnlessNew(t *testing.T) {
	t.Parallel()
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(string) (*store.DB, error){"Open": store.Open, "OpenReadOnly": store.OpenReadOnly} {
		db, err := open(empty)
		if err == nil {
			db.Close()
		}
		if !errors.Is(err, store.ErrDamaged) || !errors.Is(err, store.ErrEmpty) || !strings.Contains(err.Error(), "--new") {
			t.Errorf("%s of an empty file: %v; want ErrEmpty, a kind of ErrDamaged, naming --new", name, err)
		}
	}
	if st, err := os.Stat(empty); err != nil || st.Size() != 0 {
		t.Fatalf("the refused file was touched: %v, %v", st, err)
	}
	db, err := store.OpenNew(empty)
	if err != nil {
		t.Fatalf("OpenNew of an empty file: %v", err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for name, open := range map[string]func(string) (*store.DB, error){"Open": store.Open, "OpenNew": store.OpenNew} {
		db, err := open(empty)
		if err != nil {
			t.Fatalf("%s once it holds a database: %v", name, err)
		}
		if areas, err := db.Areas(ctx); err != nil || len(areas) == 0 {
			t.Errorf("%s: the areas are gone (%d, %v)", name, len(areas), err)
		}
		db.Close()
	}
	db, err = store.Open(filepath.Join(t.TempDir(), "missing.db"))
	if err != nil {
		t.Fatalf("a missing file is created: %v", err)
	}
	db.Close()
}

// Expired invites and old wrong-code counts are forgotten; recent ones stay.
func TestPruneInvitesAndThrottle(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	for code, expires := range map[string]time.Time{"OLDCODE1": t0.Add(-40 * 24 * time.Hour), "NEWCODE1": t0.Add(time.Hour)} {
		if err := db.CreateInvite(ctx, store.Invite{Code: code, Role: store.RoleHead, AreaID: "bac-kan", Created: t0, Expires: expires}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.PruneInvites(ctx, t0.Add(-30*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("pruned %d invites, %v", n, err)
	}
	if _, err := db.InviteByCode(ctx, "NEWCODE1"); err != nil {
		t.Fatalf("a live invite was pruned: %v", err)
	}
	// The newer try is noted first: tries are kept in time order whatever
	// order they come in, and pruning goes by the newest.
	for _, try := range []struct {
		chat string
		at   time.Time
	}{{"new", t0}, {"old", t0.Add(-48 * time.Hour)}} {
		if _, err := db.Apply(ctx, store.Change{At: try.at, WrongCode: try.chat, WrongCodeWindow: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PruneThrottle(ctx, t0.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	old, err := db.WrongCodes(ctx, "old", t0.Add(-72*time.Hour))
	recent, _ := db.WrongCodes(ctx, "new", t0.Add(-time.Hour))
	if err != nil || len(old.Chat) != 0 || len(recent.Chat) != 1 || len(old.All) != 1 {
		t.Fatalf("after pruning: old %v, new %v, all %v, %v", old.Chat, recent.Chat, old.All, err)
	}
}

// Files behind links are kept until they expire; an upload an earlier
// version kept in the database goes at the first pruning.
func TestFilesExpire(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	old, err := db.PutFile(ctx, store.File{Name: "a.png", Image: true, Data: []byte("x"), Expires: t0.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	live, _ := db.PutFile(ctx, store.File{Name: "b.xlsx", Data: []byte("PK"), Expires: t0.Add(time.Hour)})
	if old == live || len(live) != 32 {
		t.Fatalf("ids %q and %q", old, live)
	}
	upload, _ := db.PutFile(ctx, store.File{Name: "so-ho.csv", Owner: "a-ht", Data: []byte("area_id"), Expires: t0.Add(time.Hour)})
	if n, err := db.PruneFiles(ctx, t0); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	if _, err := db.GetFile(ctx, upload); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an upload left in the database: %v", err)
	}
	if _, err := db.GetFile(ctx, old); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an expired file: %v", err)
	}
	if f, err := db.GetFile(ctx, live); err != nil || string(f.Data) != "PK" {
		t.Fatalf("a live file: %+v, %v", f, err)
	}
}

// A revoked user keeps their record, marked, but none of their ways in: the
// chats become strangers', sessions and tokens stop, no new login is made;
// another user's access stays.
func TestRevokeTakesEveryWayIn(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	lost := store.User{Name: "Mất máy", Role: store.RoleOfficial, AreaID: "bac-kan"}
	kept := store.User{Name: "Còn máy", Role: store.RoleOfficial, AreaID: "bac-kan"}
	for _, c := range []store.Change{
		{At: t0, User: &lost, Identity: &store.Identity{Channel: "telegram", ChatID: "5"}},
		{At: t0, User: &kept, Identity: &store.Identity{Channel: "zalo", ChatID: "z6"}},
	} {
		if _, err := db.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, Identity: &store.Identity{Channel: "zalo", ChatID: "z5", UserID: lost.ID}}); err != nil {
		t.Fatal(err)
	}
	if u, err := db.UserByIdentity(ctx, "zalo", "z5"); err != nil || u.ID != lost.ID {
		t.Fatalf("second chat not linked: %+v, %v", u, err)
	}
	session, _ := db.CreateSession(ctx, lost.ID, t0, time.Hour)
	token, _ := db.CreateAPIToken(ctx, lost.ID, t0)
	keptSession, _ := db.CreateSession(ctx, kept.ID, t0, time.Hour)

	if err := db.Revoke(ctx, lost.ID, "admin-1", t0); err != nil {
		t.Fatal(err)
	}
	for _, chat := range []store.Identity{{Channel: "telegram", ChatID: "5"}, {Channel: "zalo", ChatID: "z5"}} {
		if _, err := db.UserByIdentity(ctx, chat.Channel, chat.ChatID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s chat still linked: %v", chat.Channel, err)
		}
	}
	if _, err := db.SessionUser(ctx, session, t0); err == nil {
		t.Error("the session still works")
	}
	if _, err := db.APITokenUser(ctx, token); err == nil {
		t.Error("the API token still works")
	}
	if _, err := db.CreateLogin(ctx, lost.ID, t0, time.Minute); err == nil {
		t.Error("a login link was made for a revoked user")
	}
	if u, err := db.UserByID(ctx, lost.ID); err != nil || !u.Revoked {
		t.Errorf("the record: %+v, %v", u, err)
	}
	if u, err := db.SessionUser(ctx, keptSession, t0); err != nil || u.ID != kept.ID {
		t.Errorf("another user's session: %+v, %v", u, err)
	}
	if _, err := db.UserByIdentity(ctx, "zalo", "z6"); err != nil {
		t.Errorf("another user's chat: %v", err)
	}
	audit, _ := db.Audit(ctx)
	if last := audit[len(audit)-1]; last.Action != "revoke" || last.Actor != "admin-1" || last.Detail != lost.ID {
		t.Errorf("audit: %+v", last)
	}
	if err := db.Revoke(ctx, "nobody", "admin-1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking no one: %v", err)
	}
}

func TestMoveUserNeedsAKnownArea(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := store.User{Name: "A", Role: store.RoleOfficial, AreaID: "bac-kan"}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u}); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveUser(ctx, u.ID, "nowhere", "admin-1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("moving to no area: %v", err)
	}
	if err := db.MoveUser(ctx, u.ID, "bac-kan/duc-xuan", "admin-1", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.UserByID(ctx, u.ID); got.AreaID != "bac-kan/duc-xuan" {
		t.Fatalf("moved to %s", got.AreaID)
	}
}

// The newest audit entries come first, filtered, and no more than asked.
func TestRecentAudit(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	for i, actor := range []string{"a", "b", "a", "b", "a"} {
		e := store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: actor, Action: "x", Detail: fmt.Sprint(i)}
		if _, err := db.Apply(ctx, store.Change{At: e.At, Audit: []store.AuditEntry{e}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.RecentAudit(ctx, 2, func(e store.AuditEntry) bool { return e.Actor == "a" })
	if err != nil || len(got) != 2 || got[0].Detail != "4" || got[1].Detail != "2" {
		t.Fatalf("%+v, %v", got, err)
	}
}

// A chat's open keyboard is the last one delivered with buttons to close:
// options delivered with none to close (the chat's own keyboard on
// Telegram) take its place; a message without options leaves it.
func TestOpenKeyboardTakenByNewerOptions(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := store.User{ID: "u1", Name: "Thắng", Role: store.RoleHead}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: "7", UserID: u.ID}}); err != nil {
		t.Fatal(err)
	}
	open := func() *store.Keyboard {
		t.Helper()
		c, err := db.Conversation(ctx, "telegram", "7")
		if err != nil {
			t.Fatal(err)
		}
		return c.Keyboard
	}
	options := []flows.Option{{Key: "1", Label: "Có"}}
	for _, step := range []struct {
		m    store.Message
		kb   *store.Keyboard
		open bool
	}{
		{store.Message{Text: "picker", Options: options}, &store.Keyboard{MessageID: "55", Text: "picker", Question: "household"}, true},
		{store.Message{Text: "a notice"}, nil, true},
		{store.Message{Text: "job", Options: options, Typed: true}, nil, false},
	} {
		step.m.Channel, step.m.ChatID = "telegram", "7"
		if err := db.Delivered(ctx, step.m, step.kb); err != nil {
			t.Fatal(err)
		}
		if got := open(); (got != nil) != step.open {
			t.Fatalf("after %q: open keyboard %+v, want open %v", step.m.Text, got, step.open)
		}
	}
}

// Marks kept in order are pruned from the oldest up to the first one seen
// since the cutoff, and from the newest back to the last one seen since;
// marks kept by chat are each held against it, before and after an
// ordered channel's. A mark handled late holds back the older ones after
// it, up to a newer one, until it is old itself.
func TestPruneSeenInOrder(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	day := 24 * time.Hour
	mark := func(key string, at time.Time) {
		t.Helper()
		if _, err := db.Apply(ctx, store.Change{At: at, SeenKey: key}); err != nil {
			t.Fatal(err)
		}
	}
	old, recent := t0.Add(-40*day), t0.Add(-time.Hour)
	for n := uint64(1); n <= 5; n++ {
		mark(store.SeenKeyInOrder("telegram", n, "1"), old)
	}
	mark(store.SeenKeyInOrder("telegram", 6, "1"), t0.Add(-35*day+time.Hour)) // handled late
	mark(store.SeenKeyInOrder("telegram", 7, "1"), old)
	mark(store.SeenKeyInOrder("telegram", 8, "1"), recent)
	mark(store.SeenKeyInOrder("alpha", 1, "1"), old) // another ordered channel, before telegram's marks
	mark(store.SeenKeyInOrder("alpha", 2, "1"), recent)
	mark(store.SeenKeyInOrder("alpha", 3, "1"), old) // the newest, yet old: numbered anew since (TestPruneSeenAfterUpdateIDRestart)
	mark(store.SeenKey("zalo", "42", "a1"), old)
	mark(store.SeenKey("zalo", "42", "b2"), recent)
	mark(store.SeenKey("console", "7", "c3"), old)
	known := func(key string) bool {
		t.Helper()
		_, err := db.Apply(ctx, store.Change{At: t0, SeenKey: key}) // marks it anew when forgotten
		if err != nil && !errors.Is(err, store.ErrDuplicate) {
			t.Fatal(err)
		}
		return err != nil
	}
	// alpha 1 and 3, console c3, telegram 1–5 and zalo a1; telegram 7 waits behind 6.
	if n, err := db.PruneSeen(ctx, t0.Add(-36*day)); err != nil || n != 9 {
		t.Fatalf("pruned %d, want 9 (%v)", n, err)
	}
	for _, key := range []string{store.SeenKeyInOrder("telegram", 6, "1"), store.SeenKeyInOrder("telegram", 7, "1"),
		store.SeenKeyInOrder("telegram", 8, "1"), store.SeenKeyInOrder("alpha", 2, "1"), store.SeenKey("zalo", "42", "b2")} {
		if !known(key) {
			t.Errorf("%s was forgotten", key)
		}
	}
	// Once the late mark is old too, the one behind it goes with it.
	if n, err := db.PruneSeen(ctx, t0.Add(-30*day)); err != nil || n != 2 {
		t.Fatalf("the second prune took %d, want telegram 6 and 7 (%v)", n, err)
	}
	for _, key := range []string{store.SeenKeyInOrder("telegram", 1, "1"), store.SeenKeyInOrder("telegram", 5, "1"),
		store.SeenKeyInOrder("telegram", 6, "1"), store.SeenKeyInOrder("telegram", 7, "1"), store.SeenKeyInOrder("alpha", 1, "1"),
		store.SeenKeyInOrder("alpha", 3, "1"), store.SeenKey("zalo", "42", "a1"), store.SeenKey("console", "7", "c3")} {
		if known(key) {
			t.Errorf("%s is still known after the prunes", key)
		}
	}
}

// Telegram numbers updates in order, but after a week without any it
// starts again from a random number, which may be below the marks it
// left: the marks of before the pause then sort after those of since, and
// are still forgotten once old. Kept, the new sequence would climb into
// them and its updates be dropped as repeats.
func TestPruneSeenAfterUpdateIDRestart(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	day := 24 * time.Hour
	mark := func(n uint64, at time.Time) error {
		_, err := db.Apply(ctx, store.Change{At: at, SeenKey: store.SeenKeyInOrder("telegram", n, "1")})
		return err
	}
	before := t0.Add(-45 * day) // the marks of before the pause
	for n := uint64(5_000_000); n < 5_000_010; n++ {
		if err := mark(n, before.Add(time.Duration(n%100)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	since := t0.Add(-time.Hour) // after a quiet week, numbered from a random start below
	for n := uint64(1_200_000); n < 1_200_005; n++ {
		if err := mark(n, since); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.PruneSeen(ctx, t0.Add(-30*day)); err != nil || n != 10 {
		t.Fatalf("pruned %d, want the 10 marks of before the pause (%v)", n, err)
	}
	if err := mark(5_000_003, t0); err != nil {
		t.Errorf("update 5000003 of the new sequence, 45 days after its namesake: %v", err)
	}
	if err := mark(1_200_002, t0); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("a repeat of a recent update: %v, want ErrDuplicate", err)
	}
}

// A number Telegram gives again (it starts anew after a quiet week; a new
// bot token starts its own) is a repeat only in the chat it was seen in.
func TestSeenInOrderIsARepeatOnlyInItsChat(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: store.SeenKeyInOrder("telegram", 5, "100")}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: store.SeenKeyInOrder("telegram", 5, "200")}); err != nil {
		t.Errorf("the same number from another chat: %v", err)
	}
	if _, err := db.Apply(ctx, store.Change{At: t0, SeenKey: store.SeenKeyInOrder("telegram", 5, "100")}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("the same update again: %v, want a repeat", err)
	}
}
