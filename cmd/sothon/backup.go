package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"sothon/store"
	"sothon/store/photos"
)

func newBackupCmd(e *env, c *common) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "backup OUT",
		Short: "write a consistent copy of the database to OUT, and its photos to OUT.files/",
		Args:  exactly(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := c.openReading()
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("%w\nWhile the server runs, it writes a backup every night into SOTHON_BACKUP_DIR (set it and restart the server once)", err)
			}
			if err != nil {
				return err
			}
			defer db.Close()
			w, done, err := output(e, args[0], force)
			if err != nil {
				return err
			}
			n, err := db.Backup(cmd.Context(), w)
			if err := done(err); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", c.db, args[0], n)
			// The photos go beside the copy, as they lie beside the database.
			if n, err := db.BackupPhotos(cmd.Context(), args[0]); err != nil {
				return err
			} else if n > 0 {
				fmt.Fprintf(e.stdout, "backed up %d photo(s) to %s\n", n, photos.Dir(args[0]))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace OUT if it exists")
	return cmd
}
