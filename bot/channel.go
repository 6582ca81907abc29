// Package bot is the conversation engine: it routes each inbound message to
// registration, a command or the user's questionnaire run, and commits the
// result with its replies in one transaction. Delivering them is the
// delivery package's job; the officials' commands (bot/officials) join the
// engine's own in the command table, and all see the message as a Turn.
package bot

import (
	"context"
	"errors"
	"io"
	"time"

	"sothon/flows"
)

// Inbound is one message or button press from a user, as a channel adapter
// hands it over.
type Inbound struct {
	Channel string `json:"channel"` // "console", "telegram", …
	ChatID  string `json:"chat_id"`
	// MessageID identifies the platform update; a repeated one is dropped.
	// Empty means the channel cannot repeat messages (the terminal).
	MessageID string `json:"message_id,omitempty"`
	// InOrder says MessageID is a number the whole bot's updates share and
	// that grows with each (Telegram's update_id), not an id within the
	// chat: its seen mark is kept in that order (store.SeenKeyInOrder).
	InOrder bool   `json:"in_order,omitempty"`
	Name    string `json:"name,omitempty"` // the user's display name, for registration
	Lang    string `json:"lang,omitempty"` // the platform's language hint
	Text    string `json:"text,omitempty"`
	NotText bool   `json:"not_text,omitempty"` // a photo, sticker or other message without text
	// Photo is the photo the message carries, as its channel's Fetcher
	// can download it while the message is handled (Telegram's file_id, a
	// Zalo image's address); "" for none. PhotoSize is its size in bytes as
	// the platform told it, 0 when it did not. The update stays in the
	// inbox until the photo is fetched and its answer committed.
	Photo     string `json:"photo,omitempty"`
	PhotoSize int64  `json:"photo_size,omitempty"`
	// PhotoResend says Photo also sends the same photo again on its
	// channel (Telegram's file_id of a photo, not of an image sent as a
	// file, which keeps the metadata the store drops): the engine keeps it
	// beside the photo (photos.Store.SetRef), and the review card goes by
	// it rather than uploading the photo again.
	PhotoResend bool `json:"photo_resend,omitempty"`
	// Place is the location the message carries (a shared location).
	Place *flows.Point `json:"place,omitempty"`
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

// Fetcher downloads the file a message referred to (Inbound.Photo), from
// the channel the message came by. limit is the most bytes wanted: a
// fetcher returns ErrFileTooBig rather than more, when it can tell before
// downloading. Any error but those below is taken for one worth trying
// again (the platform or the network down), and the update stays in the
// inbox.
type Fetcher interface {
	Fetch(ctx context.Context, ref string, limit int64) (io.ReadCloser, error)
}

// PlaceSender is a Fetcher that tells whether its platform sends
// locations; one that does not (the Zalo Bot Platform) has its place
// questions typed. A Fetcher without the method is taken to send them.
type PlaceSender interface {
	SendsPlaces() bool
}

// Errors a Fetcher returns for a file it will never get.
var (
	// ErrFileGone says the platform no longer has the file or refuses it
	// for good (an expired address, a file id of another bot).
	ErrFileGone = errors.New("bot: the platform has no such file")
	// ErrFileTooBig says the file is larger than the limit asked for.
	ErrFileTooBig = errors.New("bot: file larger than the limit")
)
