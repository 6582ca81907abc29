// Package bot is the conversation engine: it routes each inbound message to
// registration, a command or the user's questionnaire run, commits the
// result with its replies in one transaction, and delivers the replies
// through the channels from the outbox.
package bot

import (
	"context"
	"time"

	"sothon/flows"
	"sothon/store"
)

// Inbound is one message or button press from a user, as a channel adapter
// hands it over.
type Inbound struct {
	Channel string `json:"channel"` // "console", "telegram", …
	ChatID  string `json:"chat_id"`
	// MessageID identifies the platform update; a repeated one is dropped.
	// Empty means the channel cannot repeat messages (the terminal).
	MessageID string `json:"message_id,omitempty"`
	Name      string `json:"name,omitempty"` // the user's display name, for registration
	Lang      string `json:"lang,omitempty"` // the platform's language hint
	Text      string `json:"text,omitempty"`
	NotText   bool   `json:"not_text,omitempty"` // a photo, sticker or other message without text
	// Button is the data of a pressed button; CallbackID acknowledges it.
	Button     string    `json:"button,omitempty"`
	CallbackID string    `json:"callback_id,omitempty"`
	At         time.Time `json:"at"`

	incomingID uint64 // the inbox entry this came from, removed on commit
}

// Outbound is one reply for a channel to deliver.
type Outbound struct {
	ChatID  string
	Text    string
	Options []flows.Option // numbered choices; a channel may show them as buttons
	Multi   bool
	// DoneLabel is the text of the button that ends a multi-choice.
	DoneLabel string
	// Selected lists the toggled keys of a multi-choice keyboard.
	Selected []string
	// Question is what the options answer, to recognise stale presses.
	Question string
	// Edit names an earlier message (the platform's id) to replace instead
	// of sending a new one; platforms without edits ignore it.
	Edit string
	// Attachment is a file to send with the text, where the platform can.
	Attachment *store.Attachment
}

// Channel delivers replies on one platform.
type Channel interface {
	Name() string
	// Send delivers out, splitting long texts at the platform's limit, and
	// returns the platform's id of the last message sent. Errors are
	// classified with the types in errors.go.
	Send(ctx context.Context, out Outbound) (string, error)
}

// CallbackAnswerer is a channel whose button presses must be acknowledged.
type CallbackAnswerer interface {
	AnswerCallback(ctx context.Context, callbackID, text string) error
}
