// Package bot is the conversation engine: it routes each inbound message to
// registration, a command or the user's questionnaire run, and commits the
// result with its replies in one transaction. Delivering them is the
// delivery package's job; the officials' commands (bot/officials) join the
// engine's own in the command table, and all see the message as a Turn.
package bot

import "time"

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

	// Overflow marks the update that went past what one chat may have
	// waiting: it is answered with a request to slow down instead of being
	// handled, and what the chat sends next is dropped until its backlog
	// is cleared. The receiver sets it.
	Overflow bool `json:"overflow,omitempty"`

	// IncomingID is the inbox entry this came from, removed in the same
	// transaction as the answer; the receiver sets it.
	IncomingID uint64 `json:"-"`
}
