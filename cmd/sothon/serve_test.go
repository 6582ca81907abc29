package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/bot/telegram/telegramtest"
	"sothon/server"
	"sothon/store"
)

// The server itself is tested in package server; these are the serve
// command's own: its refusals, and the office's commands beside it.

const testToken = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"

func freePort(t *testing.T) string { return platformtest.FreeAddr(t) }

// syncBuffer collects a server's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is `sothon serve` run in this process against a fake Bot API.
type served struct {
	t      testing.TB
	dbPath string
	env    map[string]string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func (h *served) getenv(k string) string { return h.env[k] }

// serveHere starts `sothon serve` and waits until it serves.
func serveHere(t testing.TB) *served {
	t.Helper()
	fake := telegramtest.New(testToken)
	t.Cleanup(fake.Close)
	return serveWith(t, map[string]string{"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": fake.URL, "SOTHON_ADDR": "127.0.0.1:0",
		"SOTHON_DB": filepath.Join(t.TempDir(), "sothon.db"), "SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *"})
}

// serveWith starts `sothon serve` with the settings env and waits until
// it serves.
func serveWith(t testing.TB, env map[string]string) *served {
	t.Helper()
	h := &served{t: t, dbPath: env["SOTHON_DB"], env: env, logs: &syncBuffer{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- run(ctx, []string{"serve"}, h.getenv, strings.NewReader(""), io.Discard, h.logs) }()
	t.Cleanup(h.stop)
	if !platformtest.WaitFor(10*time.Second, func() bool { return strings.Contains(h.logs.String(), "sothon serving") }) {
		t.Fatalf("serve did not start:\n%s", h.logs.String())
	}
	return h
}

func (h *served) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatal("serve did not stop within 5 s")
	}
}

func TestServeNeedsAChannel(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "x.db")}, func(string) string { return "" }, nil, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SOTHON_TELEGRAM_TOKEN") || exitCode(err) == 0 {
		t.Fatalf("serve without a channel: %v", err)
	}
}

// SOTHON_COUNT takes approved, all or auto, and nothing else.
func TestServeRefusesABadCountBasis(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SOTHON_COUNT": "some", "SOTHON_TELEGRAM_TOKEN": testToken}
	err := run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "x.db")}, func(k string) string { return env[k] }, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SOTHON_COUNT") || exitCode(err) != 2 {
		t.Fatalf("SOTHON_COUNT=some: %v", err)
	}
}

// While the server holds the database, the office's commands go through
// its admin socket, owner-only, and do their work on the live file.
func TestOfficeCommandsWhileServing(t *testing.T) {
	t.Parallel()
	h := serveHere(t)
	sock := server.SocketPath(h.dbPath)
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket: %v %v", err, st)
	}
	dir := t.TempDir()
	reg := filepath.Join(dir, "register.csv")
	os.WriteFile(reg, []byte("area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/khuoi-pai,K1,Hoàng Văn Thắng,4,ngheo\n"), 0o600)
	backup := filepath.Join(dir, "copy.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"invite", "--role", "head", "--area", "bac-kan/huyen-tung/khuoi-pai"}, "invite code:"},
		{[]string{"import", "households", reg}, "imported 1 households"},
		{[]string{"round", "open", "Cả năm", "2026-01-01", "2026-12-31"}, "opened round 1"},
		{[]string{"stats", "--area", "bac-kan/huyen-tung/khuoi-pai"}, "Hộ nghèo: 1"},
		{[]string{"check"}, "check out"},
		{[]string{"backup", backup}, "backed up"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append(tc.args, "--db", h.dbPath), h.getenv, strings.NewReader(""), &out, &errOut); err != nil || !strings.Contains(out.String(), tc.want) {
			t.Fatalf("%v while serving: %v\n%s%s", tc.args, err, out.String(), errOut.String())
		}
	}
	if err := store.VerifyCopy(backup); err != nil {
		t.Fatalf("the backup made through the server: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"chat", "--db", h.dbPath}, h.getenv, strings.NewReader(""), &out, &out); err == nil || !errors.Is(err, store.ErrLocked) {
		t.Fatalf("chat while serving: %v", err)
	}
	h.stop()
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the server: %v", err)
	}
}

// A socket left by a server that died (nothing listens) does not stop a
// command: it opens the file itself.
func TestCommandPastADeadSocket(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	if err := os.WriteFile(server.SocketPath(db), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := sothonIn(t, dir, "stats", "--db", db); err != nil || !strings.Contains(out, "Hộ nghèo") {
		t.Fatalf("stats past a dead socket: %v\n%s%s", err, out, stderr)
	}
}

// BenchmarkCommandWhileServing is `sothon stats` and `sothon invite` run
// while `sothon serve` holds the database: through its admin socket.
//
//	go test ./cmd/sothon -run '^$' -bench CommandWhileServing -benchtime 20x
func BenchmarkCommandWhileServing(b *testing.B) {
	h := serveHere(b)
	for _, args := range [][]string{{"stats"}, {"invite", "--role", "head", "--area", "bac-kan/huyen-tung/khuoi-pai"}} {
		b.Run(args[0], func(b *testing.B) {
			for range b.N {
				var out bytes.Buffer
				if err := run(context.Background(), append(args, "--db", h.dbPath), h.getenv, strings.NewReader(""), &out, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
