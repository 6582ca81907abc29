package main

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"sothon/server"
)

// A command that finds the database held by a running server goes
// through the server's admin socket (server.AskAdmin); these are the
// commands the server runs there, with their file names made absolute.

// remoteCommands may run through the socket; chat and serve may not.
var remoteCommands = []string{"invite", "import", "round", "stats", "backup", "check", "export", "digest", "remind", "areas", "login-link", "lists", "users", "doctor"}

func remote(args []string) bool { return slices.Contains(remoteCommands, command(args)) }

// command is the command a command line names: its first word that is not
// a flag, as flags may come first ("sothon --db F invite …").
func command(args []string) string {
	if words := positional(args); len(words) > 0 {
		return words[0].word
	}
	return ""
}

// tryRemote runs args through the server of dbPath, when one holds it.
// ok is false when there is no server to ask.
func tryRemote(ctx context.Context, e *env, dbPath string, args []string) (ok bool, err error) {
	if !remote(args) {
		return false, nil
	}
	res, ok, err := server.AskAdmin(ctx, dbPath, commandFirst(absolutePaths(args)))
	if !ok || err != nil {
		return ok, err
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
var pathFlags = []string{"--out", "--chart", "--forms", "--areas", "--db", "--dir"}

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
	if words, name := positional(out), command(out); (name == "import" && len(words) == 3) || (name == "backup" && len(words) == 2) {
		last := words[len(words)-1]
		out[last.at] = absolute(last.word)
	}
	return out
}

// commandFirst moves the command's name to the front of its command line,
// where the server looks for it (and names it in its log).
func commandFirst(args []string) []string {
	words := positional(args)
	if len(words) == 0 || words[0].at == 0 {
		return args
	}
	return append([]string{words[0].word}, slices.Delete(slices.Clone(args), words[0].at, words[0].at+1)...)
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
	return slices.Contains([]string{"--tz", "--area", "--format", "--form", "--lang", "--role", "--name", "--ttl", "--week", "--user", "--keep", "--standards"}, flag)
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
