package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"sothon/bot"
	"sothon/setting"
	"sothon/store"
)

// Platform is a chat platform as the server knows it: its name, its
// settings, and how it starts. Each platform registers itself from its own
// package, so that adding one touches neither the server nor the command.
type Platform struct {
	Name  string
	Title string // how the documentation and errors call it: "Telegram"
	// Settings are the platform's own, in the order the docs list them.
	Settings []*setting.Spec
	// On tells, from the values read, whether the platform is configured,
	// or why its settings do not go together. Nil: never served (the
	// terminal, which `sothon chat` runs).
	On func(setting.Values) (bool, error)
	// Start connects a configured platform. It may check its token with the
	// platform but receives nothing before the server asks.
	Start func(ctx context.Context, h *Host, v setting.Values) (*Started, error)
	// Check tells `sothon doctor` whether a configured platform works: its
	// token, its webhook. Nil: nothing to check.
	Check func(ctx context.Context, c Checkup) []Finding
}

// Host is what the server lends a platform it starts.
type Host struct {
	Store  *store.DB
	Engine *bot.Engine
	Log    *slog.Logger // named for the platform
	// Link keeps files behind signed links; nil without a public address.
	Link Linker
	// Context ends the requests that deliver messages a few seconds into a
	// stop, so that a platform that hangs cannot hold it.
	Context context.Context
	// Accept takes updates in, for a webhook.
	Accept func(context.Context, ...bot.Inbound) error
}

// StoredSecret returns a secret kept in the database, made on first use,
// so that a webhook's secret survives restarts: 48 hex digits, which every
// platform takes (Telegram allows A-Z, a-z, 0-9, _ and -; Zalo 8 to 256
// characters).
func (h *Host) StoredSecret(ctx context.Context, key string) (string, error) {
	stored, err := h.Store.Setting(ctx, key)
	if err != nil || stored != "" {
		return stored, err
	}
	b := make([]byte, 24)
	rand.Read(b)
	stored = hex.EncodeToString(b)
	return stored, h.Store.SetSetting(ctx, key, stored)
}

// Started is a platform the server can run: it delivers through Channel
// within Limits, and receives through Webhook (mounted at
// /webhook/<name>) or Poll.
type Started struct {
	Channel Channel
	Limits  Limits
	Webhook http.Handler
	Poll    func(ctx context.Context, accept func(context.Context, ...bot.Inbound) error) error
}

var platforms []Platform

// Register adds a platform; a package registers its own in init.
func Register(p Platform) {
	for _, q := range platforms {
		if q.Name == p.Name {
			panic("delivery: platform " + p.Name + " registered twice")
		}
	}
	platforms = append(platforms, p)
}

// Platforms lists the registered platforms in the order they registered.
func Platforms() []Platform { return append([]Platform(nil), platforms...) }

// Rates are a platform's PREFIX_RATE and PREFIX_CHAT_RATE settings: the
// messages a second for the bot, and for one chat.
type Rates struct {
	Bot, Chat setting.Key[float64]
	defaults  Limits
}

// NewRates declares the rate settings of a platform whose limits are d.
func NewRates(prefix, title string, d Limits) Rates {
	return Rates{
		Bot:      setting.Rate(prefix+"_RATE", d.PerSecond, "messages a second the "+title+" sends"),
		Chat:     setting.Rate(prefix+"_CHAT_RATE", d.PerChat, "messages a second the "+title+" sends to one chat"),
		defaults: d,
	}
}

// Specs lists the two settings.
func (r Rates) Specs() []*setting.Spec { return []*setting.Spec{r.Bot.Spec, r.Chat.Spec} }

// In is the limits the settings read give.
func (r Rates) In(v setting.Values) Limits {
	l := r.defaults
	l.PerSecond, l.PerChat = r.Bot.In(v), r.Chat.In(v)
	return l
}
