package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/server"
	"sothon/setting"
	"sothon/store"
	"sothon/tree"
)

// common holds the settings most subcommands share. Flags win over
// SOTHON_* environment variables, which win over the defaults.
type common struct {
	db, forms, areas, tz string
	standards            string    // a province's poverty standards file, "" for the built-in ones
	served               *store.DB // the server's database, for a command through its socket
	// fresh lets a command that writes make a new database in an empty
	// file (--new); without it an empty file is refused as damaged.
	fresh bool
}

// heldError is a database held by another process, with its path, so that
// the command can be sent to the server that holds it.
type heldError struct {
	path string
	err  error
}

func (h heldError) Error() string { return h.err.Error() }
func (h heldError) Unwrap() error { return h.err }

// open opens the database file, or lends the server's when the command came
// through its socket.
func (c *common) open() (*store.DB, error) {
	if c.fresh {
		return c.openWith(store.OpenNew)
	}
	return c.openWith(store.Open)
}

// allowNew gives a command that writes the --new flag.
func (c *common) allowNew(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&c.fresh, "new", false, "start a new database in an empty database file (refused as damaged otherwise)")
}

// openReading opens the database file for reading only (a backup on
// read-only media), or lends the server's.
func (c *common) openReading() (*store.DB, error) {
	if _, err := os.Stat(c.db); err != nil {
		return nil, fmt.Errorf("no database at %s (set --db or SOTHON_DB)", c.db)
	}
	return c.openWith(store.OpenReadOnly)
}

func (c *common) openWith(openFile func(string) (*store.DB, error)) (*store.DB, error) {
	if c.served != nil {
		if absolute(c.db) != absolute(c.served.Path()) {
			return nil, fmt.Errorf("the server holds %s, not %s", c.served.Path(), c.db)
		}
		return c.served.Borrow(), nil
	}
	if server.AdminListening(c.db) {
		// The server holds the file: go through its socket now rather
		// than after the lock's wait.
		return nil, heldError{path: c.db, err: fmt.Errorf("store: open %s: %w", c.db, store.ErrLocked)}
	}
	db, err := openFile(c.db)
	if errors.Is(err, store.ErrLocked) {
		return nil, heldError{path: c.db, err: err}
	}
	return db, err
}

// register declares the shared settings as the root's persistent flags,
// from the table of settings (server.Shared).
func (c *common) register(root *cobra.Command, e *env) {
	fs := root.PersistentFlags()
	for _, f := range []struct {
		dst *string
		key setting.Key[string]
	}{{&c.db, server.DBFile}, {&c.forms, server.FormsDir}, {&c.standards, server.StandardsFile}, {&c.areas, server.AreasFile}, {&c.tz, server.TimeZone}} {
		fs.StringVar(f.dst, f.key.Flag, f.key.FromEnv(e.getenv), f.key.Usage())
	}
}

func (c *common) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.tz)
	if err != nil {
		return nil, usageError{fmt.Sprintf("time zone %q: %v", c.tz, err)}
	}
	return loc, nil
}

func (c *common) loadForms() (*flows.Set, error) {
	if err := c.loadStandards(); err != nil {
		return nil, err
	}
	if c.forms == "" {
		return flows.Default()
	}
	return flows.LoadDir(c.forms)
}

// loadStandards puts a province's poverty standards file in use, before
// the forms are checked against it.
func (c *common) loadStandards() error {
	if c.standards == "" {
		return nil
	}
	data, err := os.ReadFile(c.standards)
	if err != nil {
		return fmt.Errorf("standards: %w", err)
	}
	ss, err := poverty.ParseStandards(data)
	if err != nil {
		return fmt.Errorf("%s: %w", c.standards, err)
	}
	poverty.Use(ss)
	return nil
}

func (c *common) loadAreas() ([]tree.Area, error) {
	if c.areas == "" {
		return tree.Default(), nil
	}
	if name, ok := strings.CutPrefix(c.areas, "builtin:"); ok {
		return tree.Builtin(name)
	}
	data, err := os.ReadFile(c.areas)
	if err != nil {
		return nil, fmt.Errorf("areas file: %w", err)
	}
	return tree.Parse(data)
}

// openDB opens the database and writes the configured area tree into it.
func (c *common) openDB(ctx context.Context) (*store.DB, error) {
	areas, err := c.loadAreas()
	if err != nil {
		return nil, err
	}
	db, err := c.open()
	if err != nil || c.served != nil { // the server saved its areas itself
		return db, err
	}
	err = db.SaveAreas(ctx, areas)
	if errors.Is(err, store.ErrAreasReorganised) && c.areas == "" {
		err = nil // reorganised since: the built-in default gives way to the tree of today
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openExisting opens a database that must already exist, for commands
// that read it: a mistyped path must not create an empty file.
func (c *common) openExisting() (*store.DB, error) {
	if _, err := os.Stat(c.db); err != nil {
		return nil, fmt.Errorf("no database at %s (set --db or SOTHON_DB)", c.db)
	}
	return c.open()
}

// world is what most subcommands work with: the time zone, the
// questionnaires and the open database (to be closed by the caller).
type world struct {
	loc   *time.Location
	forms *flows.Set
	db    *store.DB
}

// openWorld opens the world, creating the database when there is none
// (the terminal chat and the server start from nothing).
func (c *common) openWorld(ctx context.Context) (*world, error) {
	return c.world(func() (*store.DB, error) { return c.openDB(ctx) })
}

// openExistingWorld opens the world of a database that must exist, for
// commands that read it or act on what it holds.
func (c *common) openExistingWorld() (*world, error) {
	return c.world(c.openExisting)
}

// openReadingWorld opens the world of a database only to read it.
func (c *common) openReadingWorld() (*world, error) {
	return c.world(c.openReading)
}

func (c *common) world(open func() (*store.DB, error)) (*world, error) {
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	forms, err := c.loadForms()
	if err != nil {
		return nil, err
	}
	db, err := open()
	if err != nil {
		return nil, err
	}
	return &world{loc: loc, forms: forms, db: db}, nil
}
