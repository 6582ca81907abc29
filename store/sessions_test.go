package store_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/store"
	"sothon/store/storetest"
)

// A backup holds no secret that opens the console: sessions, login tokens
// and API tokens are kept by their hash, and each still works by itself.
func TestBackupHoldsNoLiveSecret(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := store.User{Name: "Cán bộ", Role: store.RoleOfficial, AreaID: "bac-kan"}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u}); err != nil {
		t.Fatal(err)
	}
	session, err := db.CreateSession(ctx, u.ID, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	login, err := db.CreateLogin(ctx, u.ID, t0, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	api, err := db.CreateAPIToken(ctx, u.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if _, err := db.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{"session": session, "login token": login, "API token": api} {
		if bytes.Contains(backup.Bytes(), []byte(secret)) {
			t.Errorf("the backup holds the %s in clear", name)
		}
	}
	if got, err := db.SessionUser(ctx, session, t0); err != nil || got.ID != u.ID {
		t.Errorf("the session: %+v, %v", got, err)
	}
	if got, err := db.APITokenUser(ctx, api); err != nil || got.ID != u.ID {
		t.Errorf("the API token: %+v, %v", got, err)
	}
	if id, err := db.UseLogin(ctx, login, t0); err != nil || id != u.ID {
		t.Errorf("the login token: %q, %v", id, err)
	}
	if err := db.EndSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, session, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a session logged out: %v", err)
	}
}

// Asking whether a login token works spends nothing: the token is spent
// once, by UseLogin, and neither an expired nor a spent one is usable.
func TestLoginUsableSpendsNothing(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	u := store.User{Name: "Cán bộ", Role: store.RoleOfficial, AreaID: "bac-kan"}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u}); err != nil {
		t.Fatal(err)
	}
	token, _ := db.CreateLogin(ctx, u.ID, t0, 10*time.Minute)
	for range 3 {
		if err := db.LoginUsable(ctx, token, t0); err != nil {
			t.Fatalf("a fresh token: %v", err)
		}
	}
	if err := db.LoginUsable(ctx, token, t0.Add(11*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the token after 11 minutes: %v", err)
	}
	if _, err := db.UseLogin(ctx, token, t0); err != nil {
		t.Fatalf("the token after being asked about: %v", err)
	}
	if err := db.LoginUsable(ctx, token, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a spent token: %v", err)
	}
	if _, err := db.UseLogin(ctx, token, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token spent twice: %v", err)
	}
	if err := db.LoginUsable(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown token: %v", err)
	}
}

// A schema-10 file, with a session and a login token kept in clear (and so
// in every backup made of it), opens as schema 11 with both ended; a
// session started afterwards works and is kept hashed.
func TestMigrateEndsSessionsKeptInClear(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sothon.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{Name: "Cán bộ", Role: store.RoleOfficial, AreaID: "bac-kan"}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u}); err != nil {
		t.Fatal(err)
	}
	api, err := db.CreateAPIToken(ctx, u.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Back to schema 10 as it was written: the grants keyed by the token.
	const session, login = "5e55105e55105e55105e55105e55105e55105e55105e55105e55105e55105e55", "10910910910910910910910910910910910910910910910910910910910910ab"
	atSchema(t, path, 10, func(tx *bolt.Tx) error {
		grant := []byte(`{"user_id":"` + u.ID + `","expires":"` + t0.Add(time.Hour).Format(time.RFC3339) + `"}`)
		if err := tx.Bucket([]byte("sessions")).Put([]byte(session), grant); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("logins")).Put([]byte(login), grant); err != nil {
			return err
		}
		return nil
	})
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.Version(); v != store.SchemaVersion || v < 11 {
		t.Fatalf("schema %d", v)
	}
	if _, err := db.SessionUser(ctx, session, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a session kept in clear, after the upgrade: %v", err)
	}
	if _, err := db.UseLogin(ctx, login, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a login link kept in clear, after the upgrade: %v", err)
	}
	if got, err := db.APITokenUser(ctx, api); err != nil || got.ID != u.ID {
		t.Errorf("the API token (hashed already) after the upgrade: %+v, %v", got, err)
	}
	fresh, err := db.CreateSession(ctx, u.ID, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.SessionUser(ctx, fresh, t0); err != nil || got.ID != u.ID {
		t.Errorf("a new session: %+v, %v", got, err)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}
