// Package terminal is the terminal channel: it reads a user's lines from a
// reader and prints the bot's replies, options numbered, to a writer. It
// drives the same engine and database as the chat platforms.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/store"
)

// Name is the channel name the terminal's chats are stored under.
const Name = "console"

// Channel prints replies to a writer.
type Channel struct {
	W io.Writer
	// Own is the chat typing here; a message to another terminal chat (a
	// village head's, when an official returns a form) is marked with it.
	Own string
}

// Name implements delivery.Channel.
func (c *Channel) Name() string { return Name }

// Send implements delivery.Channel: the text, then one line per option. The
// terminal has no buttons, so there is never a message to edit.
func (c *Channel) Send(_ context.Context, out delivery.Outbound) (string, error) {
	if out.Edit != "" {
		return "", nil
	}
	var b strings.Builder
	if c.Own != "" && out.ChatID != c.Own {
		fmt.Fprintf(&b, "[→ %s]\n", out.ChatID)
	}
	b.WriteString(out.Text)
	b.WriteByte('\n')
	for _, o := range out.Options {
		fmt.Fprintf(&b, "  %s. %s\n", o.Key, o.Label)
	}
	if a := out.Attachment; a != nil {
		fmt.Fprintf(&b, "  [%s, %d bytes]\n", a.Name, len(a.Data))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(c.W, b.String())
	return "", err
}

// Session is one terminal conversation.
type Session struct {
	Engine *bot.Engine
	Store  *store.DB
	ChatID string
	Out    io.Writer
	// Echo prints each input line after "> ", for transcripts.
	Echo bool
}

// Start greets the user: the run in progress or the menu.
func (s *Session) Start(ctx context.Context) error {
	if err := s.Engine.Greet(ctx, Name, s.ChatID); err != nil {
		return err
	}
	return s.flush(ctx)
}

// Say handles one line and prints the replies.
func (s *Session) Say(ctx context.Context, line string) error {
	if s.Echo {
		fmt.Fprintf(s.Out, "> %s\n", line)
	}
	if _, err := s.Engine.Handle(ctx, bot.Inbound{Channel: Name, ChatID: s.ChatID, Text: line}); err != nil {
		return err
	}
	return s.flush(ctx)
}

// Run reads lines until EOF or ctx ends. A run in progress stays stored,
// to be resumed next time.
func (s *Session) Run(ctx context.Context, in io.Reader) error {
	if err := s.Start(ctx); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := s.Say(ctx, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (s *Session) flush(ctx context.Context) error {
	sender := delivery.Sender{Store: s.Store, Channel: &Channel{W: s.Out, Own: s.ChatID}}
	return sender.Flush(ctx)
}
