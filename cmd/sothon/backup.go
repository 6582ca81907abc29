package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"sothon/store"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: sothon backup [--db F] OUT"}
	}
	db, err := c.openExisting()
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w\nWhile the server runs, it writes a backup every night into SOTHON_BACKUP_DIR (set it and restart the server once)", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	w, done, err := output(e, fs.Arg(0))
	if err != nil {
		return err
	}
	n, err := db.Backup(ctx, w)
	if err := done(err); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", c.db, fs.Arg(0), n)
	return nil
}
