package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"sothon/store"
)

// defaultKeep is how many backups --dir keeps unless told: as many as the
// server's own nightly backup keeps in SOTHON_BACKUP_DIR.
const defaultKeep = 7

func newBackupCmd(e *env, c *common) *cobra.Command {
	var (
		force bool
		dir   string
		keep  int
	)
	cmd := &cobra.Command{
		Use:   "backup [OUT | --dir DIR [--keep N]]",
		Short: "write a checked copy of the database (and its photos, beside it in OUT.files/) to OUT, or into a folder of dated backups",
		Long: "Write a consistent copy of the database to OUT, or with --dir into DIR as sothon-YYYYMMDD-HHMMSS.db,\n" +
			"removing the oldest there beyond the newest --keep (files of other names stay). The copy is\n" +
			"checked before it takes its name, and readable by its owner only. While the server runs, the\n" +
			"copy is made through its admin socket.",
		Example: "  sothon backup /media/usb/sothon-copy.db\n  sothon backup --dir /var/lib/sothon/backups --keep 14",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := backupArgs(cmd, args, dir, keep, force); err != nil {
				return err
			}
			db, err := c.openReading()
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("%w\nWhile the server runs, it writes a backup every night into SOTHON_BACKUP_DIR (set it and restart the server once)", err)
			}
			if err != nil {
				return err
			}
			defer db.Close()
			if dir != "" {
				path, n, err := db.BackupInto(cmd.Context(), dir, time.Now(), keep)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes); the newest %d backups in %s are kept\n", c.db, path, n, keep, dir)
				return nil
			}
			out := args[0]
			if _, err := os.Stat(out); err == nil && !force {
				return usageError{fmt.Sprintf("%s exists; use --force to replace it", out)}
			}
			n, err := db.BackupFile(cmd.Context(), out)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", c.db, out, n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace OUT if it exists")
	cmd.Flags().StringVar(&dir, "dir", "", "write sothon-YYYYMMDD-HHMMSS.db into this folder (made, owner-only, if missing) instead of OUT")
	cmd.Flags().IntVar(&keep, "keep", defaultKeep, "with --dir: how many of the newest backups there to keep; older ones are removed")
	return cmd
}

// backupArgs refuses a backup command line that says neither where to
// write nor one thing only.
func backupArgs(cmd *cobra.Command, args []string, dir string, keep int, force bool) error {
	usage := "usage: sothon backup OUT, or sothon backup --dir DIR [--keep N]"
	switch {
	case len(args) > 1:
		return usageError{usage}
	case dir == "" && len(args) == 0:
		return usageError{usage}
	case dir != "" && len(args) == 1:
		return usageError{fmt.Sprintf("give OUT or --dir, not both (%s)", usage)}
	case dir == "" && cmd.Flags().Changed("keep"):
		return usageError{"--keep goes with --dir: it says how many backups stay in that folder"}
	case dir != "" && force:
		return usageError{"--force goes with OUT: --dir never replaces a backup, it removes the oldest beyond --keep"}
	case keep < 1:
		return usageError{fmt.Sprintf("--keep %d: keep at least 1 backup", keep)}
	}
	return nil
}
