package delivery

import (
	"context"

	"sothon/flows"
	"sothon/store"
)

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
	// PartsSent is how many parts of a long text went out before an
	// earlier attempt failed: those are not sent again.
	PartsSent int
	// NoPreview asks for the text's links not to be previewed, where the
	// platform can.
	NoPreview bool
	// PlaceLabel, when set, asks for the phone's location: a platform that
	// can shows a button with this label that sends it, beside the
	// options as buttons that send their label as text.
	PlaceLabel string
	// Typed says each option's label, sent back as text, answers the
	// question as its button would: a platform that can may show the
	// options as buttons that send their label (Telegram's reply
	// keyboard), which the next message replaces.
	Typed bool
}

// Linker keeps an attachment behind a link that expires, for a channel that
// takes files only by their address.
type Linker func(ctx context.Context, a *store.Attachment) (url string, err error)

// Channel delivers replies on one platform.
type Channel interface {
	Name() string
	// Send delivers out, splitting long texts at the platform's limit, and
	// returns the platform's id of the last message sent, or "" when
	// there is nothing to edit later (no keyboard of the message is then
	// remembered, to be closed). Errors are classified with the types in
	// errors.go.
	Send(ctx context.Context, out Outbound) (string, error)
}

// CallbackAnswerer is a channel whose button presses must be acknowledged.
type CallbackAnswerer interface {
	AnswerCallback(ctx context.Context, callbackID, text string) error
}
