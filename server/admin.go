package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"sothon/store"
)

// The admin socket lets the office's commands work while the server holds
// the database: a Unix socket beside the file, for its owner only. A
// command that finds the file held sends its words to the server, which
// runs it on its open database and sends back what it printed.

// SocketPath is where the server of a database file listens.
func SocketPath(db string) string { return db + ".sock" }

// AdminFunc runs a command line sent through the socket on the server's
// open database, printing to stdout and stderr, and returns its exit
// status. ErrNotAdmin refuses a command the socket does not run.
type AdminFunc func(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) (code int, err error)

// ErrNotAdmin is a command the server does not run through its socket.
var ErrNotAdmin = errors.New("not a command the server runs")

// AdminRequest is a command line sent to the server.
type AdminRequest struct {
	Args []string `json:"args"`
}

// AdminResult is what the command printed and how it ended.
type AdminResult struct {
	Stdout []byte `json:"stdout"`
	Stderr []byte `json:"stderr"`
	Error  string `json:"error,omitempty"`
	Code   int    `json:"code"`
}

// serveAdmin listens on the admin socket until stop is called.
func (s *server) serveAdmin(run AdminFunc) (stop func(), err error) {
	path := SocketPath(s.db.Path())
	os.Remove(path) // a socket left by a server that died; the file lock says we are alone
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) { s.runAdmin(w, r, run) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
		os.Remove(path)
	}, nil
}

func (s *server) runAdmin(w http.ResponseWriter, r *http.Request, run AdminFunc) {
	var req AdminRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || len(req.Args) == 0 {
		http.Error(w, ErrNotAdmin.Error(), http.StatusBadRequest)
		return
	}
	var out, errOut bytes.Buffer
	code, err := run(r.Context(), s.db, req.Args, &out, &errOut)
	if errors.Is(err, ErrNotAdmin) {
		http.Error(w, ErrNotAdmin.Error(), http.StatusBadRequest)
		return
	}
	res := AdminResult{Stdout: out.Bytes(), Stderr: errOut.Bytes(), Code: code}
	if err != nil {
		res.Error = err.Error()
	}
	s.log.Info("admin command", "command", req.Args[0], "code", res.Code)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}

// AdminListening tells whether a server listens on the admin socket of
// the database file dbPath: a command then asks it at once, instead of
// waiting for the file's lock first to find it held.
func AdminListening(dbPath string) bool {
	path := SocketPath(dbPath)
	if _, err := os.Stat(path); err != nil {
		return false
	}
	conn, err := net.DialTimeout("unix", path, 100*time.Millisecond)
	if err != nil {
		return false // a socket left by a server that died
	}
	conn.Close()
	return true
}

// AskAdmin sends args to the server of the database file dbPath. ok is
// false when no server listens there.
func AskAdmin(ctx context.Context, dbPath string, args []string) (res AdminResult, ok bool, err error) {
	path := SocketPath(dbPath)
	if _, err := os.Stat(path); err != nil {
		return res, false, nil
	}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
	body, _ := json.Marshal(AdminRequest{Args: args})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://sothon/run", bytes.NewReader(body))
	resp, err := client.Do(req)
	if err != nil {
		return res, false, nil // no server behind the socket after all
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return res, true, fmt.Errorf("the server refused the command: %s", bytes.TrimSpace(msg))
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return res, true, fmt.Errorf("the server's answer: %w", err)
	}
	return res, true, nil
}
