package main

import (
	"errors"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"sothon/locales"
	"sothon/server/doctor"
)

// doctorHTTP, when set, makes the doctor's requests; the tests trust
// their HTTPS server with it.
var doctorHTTP *http.Client

// newDoctorCmd checks the installation and says what to fix. While the
// server runs it goes through the admin socket, and so checks the server's
// own settings.
func newDoctorCmd(e *env, c *common) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "check the settings, the database, the backups, the disk, the public address and each chat channel, and say what to fix",
		Long: "Check the installation and explain each finding, in Vietnamese (--lang vi) or English (--lang en): " +
			"exit status 0 when all is well, 1 with what to fix. It never prints a secret.",
		Args: noWords,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !locales.Supported(lang) {
				return usageError{"--lang: use vi or en"}
			}
			_, dbErr := os.Stat(c.db)
			db, err := c.openReading()
			var held heldError
			if errors.As(err, &held) {
				return err // the server holds it: ask the server
			}
			if dbErr == nil {
				dbErr = err
			}
			if db != nil {
				defer db.Close()
			}
			report := doctor.Run(cmd.Context(), doctor.Options{Getenv: e.getenv, Flags: cmd.Flags(), DBPath: c.db, DB: db, DBErr: dbErr,
				TZ: c.tz, LoadForms: c.loadForms, HTTP: doctorHTTP})
			cat := locales.MustLoad()
			report.Write(e.stdout, cat, lang)
			if n := report.Problems(); n > 0 {
				return errors.New(cat.T(lang, "doctor.failed", "count", n))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", locales.Default, "the report's language: vi or en")
	return cmd
}
