package server

import (
	"context"

	"sothon/bot"
	"sothon/bot/delivery"

	// The platforms register themselves; a new one is imported here.
	_ "sothon/bot/telegram"
	_ "sothon/bot/zalo"
)

// channel is one started platform with its sender.
type channel struct {
	name string
	*delivery.Started
	sender *delivery.Sender
}

// startChannels starts every configured platform, in the order they
// registered.
func (s *server) startChannels(ctx context.Context) ([]channel, error) {
	var out []channel
	for _, p := range s.cfg.platforms {
		if p.Start == nil || p.On == nil {
			continue
		}
		if on, err := p.On(s.cfg.Values); err != nil || !on {
			continue // ReadConfig refused the errors
		}
		h := &delivery.Host{Store: s.db, Engine: s.engine, Log: component(s.log, p.Name), Link: s.link,
			Context: s.requestCtx, Accept: s.receiver.Accept}
		st, err := p.Start(ctx, h, s.cfg.Values)
		if err != nil {
			return nil, err
		}
		if a, ok := st.Channel.(delivery.CallbackAnswerer); ok {
			s.receiver.Answerers[p.Name] = a
		}
		if f, ok := st.Channel.(bot.Fetcher); ok { // the platform's photos can be answers
			s.engine.AddFetcher(p.Name, f)
		}
		ch := channel{name: p.Name, Started: st, sender: &delivery.Sender{Store: s.db, Channel: st.Channel, Limits: st.Limits,
			Backoff: s.cfg.SendBackoff, Log: component(s.log, "sender."+p.Name)}}
		s.senders[p.Name] = ch.sender
		out = append(out, ch)
	}
	return out, nil
}
