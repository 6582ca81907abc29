// Package bot is the conversation engine: it routes each inbound message to
// registration, a command or the user's questionnaire run, commits the
// result with its replies in one transaction, and delivers the replies
// through the channels from the outbox.
package bot

import (
	"context"
	"time"

	"sothon/flows"
)

// Inbound is one message from a user, as a channel adapter hands it over.
type Inbound struct {
	Channel string // "console", "telegram", …
	ChatID  string
	// MessageID identifies the platform update; a repeated one is dropped.
	// Empty means the channel cannot repeat messages (the terminal).
	MessageID string
	Name      string // the user's display name, for registration
	Text      string
	At        time.Time
}

// Outbound is one reply for a channel to deliver.
type Outbound struct {
	ChatID   string
	Text     string
	Options  []flows.Option // numbered choices; a channel may show them as buttons
	Multi    bool
	Question string // what the options answer, to recognise stale presses
}

// Channel delivers replies on one platform.
type Channel interface {
	Name() string
	Send(ctx context.Context, out Outbound) error
}
