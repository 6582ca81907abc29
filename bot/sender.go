package bot

import (
	"context"
	"fmt"
	"time"

	"sothon/store"
)

// Sender delivers queued replies from the outbox through a channel, oldest
// first. A message leaves the outbox only after its channel took it, so a
// crash can repeat at most the one message in flight.
type Sender struct {
	Store   *store.DB
	Channel Channel
	Now     func() time.Time
}

// batch is how many messages one outbox read returns.
const batch = 64

// Flush delivers every due message of the channel. It stops at the first
// error, leaving that message and the ones after it queued, in order.
func (s *Sender) Flush(ctx context.Context) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	for {
		msgs, err := s.Store.Pending(ctx, s.Channel.Name(), now(), batch)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		for _, m := range msgs {
			out := Outbound{ChatID: m.ChatID, Text: m.Text, Options: m.Options, Multi: m.Multi, Question: m.Question}
			if err := s.Channel.Send(ctx, out); err != nil {
				return fmt.Errorf("bot: send message %d on %s: %w", m.ID, m.Channel, err)
			}
			if err := s.Store.Delivered(ctx, m.ID); err != nil {
				return err
			}
		}
	}
}
