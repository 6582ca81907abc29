// Command sothon runs Sổ Thôn: the chat bot, its terminal chat and the
// office's tools (areas, questionnaires, exports, backups).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the office's time zone must resolve on any machine
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sothon:", err)
		os.Exit(exitCode(err))
	}
}
