package main

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
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The admin socket lets the office's commands work while `sothon serve`
// holds the database: a Unix socket beside the file, for its owner only.
// A command that finds the file held sends its words to the server, which
// runs it on its open database and sends back what it printed.

// socketPath is where the server of a database file listens.
func socketPath(db string) string { return db + ".sock" }

// remoteCommands may run through the socket; chat and serve may not.
var remoteCommands = []string{"invite", "import", "round", "stats", "backup", "check", "export", "digest", "remind", "areas", "login-link", "lists", "users"}

// remoteRequest is a command line sent to the server.
type remoteRequest struct {
	Args []string `json:"args"`
}

// remoteResult is what the command printed and how it ended.
type remoteResult struct {
	Stdout []byte `json:"stdout"`
	Stderr []byte `json:"stderr"`
	Error  string `json:"error,omitempty"`
	Code   int    `json:"code"`
}

// serveAdmin listens on the admin socket until ctx ends.
func (s *server) serveAdmin(ctx context.Context, e *env) (stop func(), err error) {
	path := socketPath(s.db.Path())
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
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) { s.runRemote(w, r, e) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
		os.Remove(path)
	}, nil
}

func (s *server) runRemote(w http.ResponseWriter, r *http.Request, e *env) {
	var req remoteRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || len(req.Args) == 0 ||
		!slices.Contains(remoteCommands, req.Args[0]) {
		http.Error(w, "not a command the server runs", http.StatusBadRequest)
		return
	}
	var out, errOut bytes.Buffer
	remote := &env{getenv: e.getenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, served: s.db}
	err := runWith(r.Context(), remote, req.Args)
	res := remoteResult{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	if err != nil {
		res.Error, res.Code = err.Error(), exitCode(err)
	}
	s.log.Info("admin command", "command", req.Args[0], "code", res.Code)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}

// tryRemote runs args through the server of dbPath, when one holds it.
// ok is false when there is no server to ask.
func tryRemote(ctx context.Context, e *env, dbPath string, args []string) (ok bool, err error) {
	path := socketPath(dbPath)
	if _, err := os.Stat(path); err != nil || len(args) == 0 || !slices.Contains(remoteCommands, args[0]) {
		return false, nil
	}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
	body, _ := json.Marshal(remoteRequest{Args: absolutePaths(args)})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://sothon/run", bytes.NewReader(body))
	resp, err := client.Do(req)
	if err != nil {
		return false, nil // no server behind the socket after all
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return true, fmt.Errorf("the server refused the command: %s", strings.TrimSpace(string(msg)))
	}
	var res remoteResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return true, fmt.Errorf("the server's answer: %w", err)
	}
	e.stdout.Write(res.Stdout)
	e.stderr.Write(res.Stderr)
	switch {
	case res.Code == 2:
		return true, usageError{res.Error}
	case res.Code != 0:
		return true, errors.New(res.Error)
	}
	return true, nil
}

// pathFlags hold file names, made absolute before the server sees them:
// it runs in another folder.
var pathFlags = []string{"--out", "--chart", "--forms", "--areas", "--db"}

// absolutePaths makes the file names of a command line absolute: the
// values of pathFlags, and the files that import and backup name.
func absolutePaths(args []string) []string {
	out := slices.Clone(args)
	for i := 0; i < len(out); i++ {
		name, value, inline := strings.Cut(out[i], "=")
		if !slices.Contains(pathFlags, name) {
			continue
		}
		if inline {
			out[i] = name + "=" + absolute(value)
		} else if i+1 < len(out) {
			out[i+1] = absolute(out[i+1])
			i++
		}
	}
	if words := positional(out); (out[0] == "import" && len(words) == 3) || (out[0] == "backup" && len(words) == 2) {
		last := words[len(words)-1]
		out[last.at] = absolute(last.word)
	}
	return out
}

type word struct {
	at   int
	word string
}

// positional lists the words of a command line that are not flags.
func positional(args []string) []word {
	var out []word
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			if name, _, inline := strings.Cut(a, "="); !inline && (slices.Contains(pathFlags, name) || takesValue(name)) {
				i++
			}
		default:
			out = append(out, word{i, a})
		}
	}
	return out
}

// takesValue tells the flags followed by a value, besides pathFlags.
func takesValue(flag string) bool {
	return slices.Contains([]string{"--tz", "--area", "--format", "--form", "--lang", "--role", "--name", "--ttl", "--week", "--user"}, flag)
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
