package terminal

import "sothon/bot/delivery"

// The terminal is a channel the server does not serve: `sothon chat` runs
// a Session on the terminal it was started from. It registers so that the
// list of platforms names every channel a chat can be stored under.
func init() {
	delivery.Register(delivery.Platform{Name: Name, Title: "terminal"})
}
