package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
	"sothon/store/photos"
)

// DefaultRunTTL is how long an unanswered run is kept.
const DefaultRunTTL = 72 * time.Hour

// Engine handles inbound messages. It is safe for concurrent use; messages
// of one chat are handled one at a time, in the order Handle is called.
type Engine struct {
	store     *store.DB
	forms     *flows.Set
	cat       *locales.Catalog
	standards poverty.Standards
	lowIncome poverty.LowIncomeLines
	now       func() time.Time
	runTTL    time.Duration
	log       *slog.Logger
	notify    func([]store.Message)
	commands  []Command

	photos   *photos.Store
	fetchers sync.Map // channel name → Fetcher

	refused    onceEvery // strangers answered lately
	diskWarned onceEvery // the admins told the disk is nearly full
	locks      [lockStripes]sync.Mutex
	people     sync.Map // "channel:chat" → the id of the user it was last found to be
}

// Config holds what an Engine is built from. Zero fields get defaults.
type Config struct {
	Store     *store.DB
	Forms     *flows.Set
	Catalog   *locales.Catalog
	Standards poverty.Standards
	// LowIncome are the dated low-income lines (NĐ 30/2025/NĐ-CP); nil
	// takes the embedded ones.
	LowIncome poverty.LowIncomeLines
	Now       func() time.Time
	RunTTL    time.Duration
	Log       *slog.Logger
	// Notify is told of replies queued in the outbox, once committed, so
	// the senders need not search the outbox for them.
	Notify func([]store.Message)
	// Commands are added to the engine's own (the officials' commands).
	Commands []Command
	// Photos keeps the photos answers refer to; nil takes the folder
	// beside the database (Store.Photos).
	Photos *photos.Store
	// Fetchers download the photos of each channel's messages, by channel
	// name (more can be added with AddFetcher). A channel without one takes
	// no photo nor place: its questions say to skip a photo and to type a
	// place (the terminal).
	Fetchers map[string]Fetcher
}

// AddFetcher lets the engine download the photos of a channel's messages,
// and so take photos and places on it: a platform's adapter, once started.
func (e *Engine) AddFetcher(channel string, f Fetcher) { e.fetchers.Store(channel, f) }

// fetcher is the channel's Fetcher, nil when it has none.
func (e *Engine) fetcher(channel string) Fetcher {
	f, _ := e.fetchers.Load(channel)
	fe, _ := f.(Fetcher)
	return fe
}

// New builds an engine.
func New(c Config) *Engine {
	e := &Engine{store: c.Store, forms: c.Forms, cat: c.Catalog, standards: c.Standards, lowIncome: c.LowIncome,
		now: c.Now, runTTL: c.RunTTL, log: c.Log, notify: c.Notify, photos: c.Photos}
	for ch, f := range c.Fetchers {
		e.AddFetcher(ch, f)
	}
	if e.photos == nil && e.store != nil {
		e.photos = e.store.Photos()
	}
	e.commands = e.commandTable(c.Commands)
	if e.standards == nil {
		e.standards = poverty.Default()
	}
	if e.lowIncome == nil {
		e.lowIncome = poverty.DefaultLowIncome()
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.runTTL <= 0 {
		e.runTTL = DefaultRunTTL
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.notify == nil {
		e.notify = func([]store.Message) {}
	}
	return e
}

// lockStripes is how many locks the engine keeps: every person's messages
// take the same one of them, so memory stays the same however many chats
// write; two people sharing a lock only wait for each other a moment.
const lockStripes = 1024

// lockConversation serialises the handling of one person's messages,
// whichever of their linked chats (Telegram, Zalo) they come from (their
// run is one), and reads their conversation under that lock: the user, the
// run and the open keyboard, in one read. A chat nobody registered is its
// own person. Whose a chat is comes from its last message (people); when
// the read finds another person (a chat just registered, linked or
// removed), the right lock is taken and the conversation read again.
// The caller unlocks the lock returned, whatever the error.
func (e *Engine) lockConversation(ctx context.Context, channel, chatID string) (store.Conversation, *sync.Mutex, error) {
	chat := channel + ":" + chatID
	for {
		key := "chat:" + chat
		if id, ok := e.people.Load(chat); ok {
			key = "user:" + id.(string)
		}
		mu := e.lockKey(key)
		conv, err := e.store.Conversation(ctx, channel, chatID)
		want := "chat:" + chat
		switch {
		case err == nil:
			want = "user:" + conv.User.ID
		case !errors.Is(err, store.ErrNotFound):
			return conv, mu, err
		}
		if want == key {
			return conv, mu, err
		}
		mu.Unlock()
		if err == nil { // a copy: chat is built on the stack, for the look-ups of every message
			e.people.Store(strings.Clone(chat), conv.User.ID)
		} else {
			e.people.Delete(chat)
		}
	}
}

// lockKey takes the lock of a person (or chat) key and returns it, for
// the caller to unlock.
func (e *Engine) lockKey(key string) *sync.Mutex {
	mu := &e.locks[fnv32a(key)%lockStripes]
	mu.Lock()
	return mu
}

// fnv32a is hash/fnv's 32-bit FNV-1a of s, without the hash's allocation.
func fnv32a(s string) uint32 {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= prime
	}
	return h
}

// seenKey names an update for dropping repeats: by chat too, as some
// platforms number messages per chat, but for a channel whose updates are
// numbered in one sequence (Telegram's).
func seenKey(in Inbound) string {
	if in.InOrder {
		if n, err := strconv.ParseUint(in.MessageID, 10, 64); err == nil {
			return store.SeenKeyInOrder(in.Channel, n, in.ChatID)
		}
	}
	return store.SeenKey(in.Channel, in.ChatID, in.MessageID)
}

// Result is what a channel needs to know after a message was handled.
type Result struct {
	// Toast is a short notice for a button press ("that question has
	// passed"); empty for most presses.
	Toast string
}

// Handle processes one inbound message. A message seen before is dropped
// without error.
func (e *Engine) Handle(ctx context.Context, in Inbound) (Result, error) {
	conv, mu, err := e.lockConversation(ctx, in.Channel, in.ChatID)
	defer mu.Unlock()
	if in.At.IsZero() {
		in.At = e.now()
	}
	t := &turn{e: e, in: in}
	t.change.Chat = store.ChatRef{Channel: in.Channel, ChatID: in.ChatID}
	t.change.IncomingID = in.IncomingID
	if in.MessageID != "" {
		t.change.SeenKey, t.change.SeenAt = seenKey(in), e.now()
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.stranger(ctx)
	case err != nil:
		return Result{}, fmt.Errorf("bot: handle: %w", err)
	default:
		t.user, t.lang, t.keyboard = conv.User, conv.User.Lang, conv.Keyboard
		t.change.From, t.change.FromLast = conv.User.ID, conv.User.LastMessage
		t.setRun(conv.Run)
		t.route(ctx)
	}
	if t.err != nil { // nothing is committed: the update stays in the inbox, to be handled again
		return Result{}, fmt.Errorf("bot: handle: %w", t.err)
	}
	return Result{Toast: t.toast}, e.commit(ctx, t)
}

// SetAside gives up on an update that kept failing: it leaves the inbox,
// marked handled, with a word to the chat asking to send it again later.
func (e *Engine) SetAside(ctx context.Context, in Inbound) error {
	lang := locales.Default
	if u, err := e.store.UserByIdentity(ctx, in.Channel, in.ChatID); err == nil {
		lang = u.Lang
	}
	reply := store.Message{Channel: in.Channel, ChatID: in.ChatID, Text: e.cat.T(lang, "error.set_aside")}
	ch := store.Change{At: e.now(), IncomingID: in.IncomingID, Replies: func(store.Applied) []store.Message { return []store.Message{reply} }}
	if in.MessageID != "" {
		ch.SeenKey, ch.SeenAt = seenKey(in), e.now()
	}
	applied, err := e.store.Apply(ctx, ch)
	if errors.Is(err, store.ErrDuplicate) {
		return e.store.DropIncoming(ctx, in.IncomingID)
	}
	if err != nil {
		return fmt.Errorf("bot: set aside: %w", err)
	}
	e.notify(applied.Queued)
	return nil
}

// Greet queues a welcome for a registered chat: the run in progress, or
// the menu. The terminal calls it when it starts.
func (e *Engine) Greet(ctx context.Context, channel, chatID string) error {
	conv, mu, err := e.lockConversation(ctx, channel, chatID)
	defer mu.Unlock()
	if err != nil {
		return fmt.Errorf("bot: greet: %w", err)
	}
	t := &turn{e: e, in: Inbound{Channel: channel, ChatID: chatID, At: e.now()}, user: conv.User, lang: conv.User.Lang}
	t.setRun(conv.Run)
	switch {
	case t.run != nil && t.expired():
		t.expire()
		t.menu(ctx)
	case t.run != nil:
		t.resume(ctx)
	default:
		t.greet(ctx, "menu.welcome")
		t.menu(ctx)
	}
	return e.commit(ctx, t)
}

func (e *Engine) commit(ctx context.Context, t *turn) error {
	t.change.At = t.in.At
	t.change.Replies = t.messages
	applied, err := e.store.Apply(ctx, t.change)
	if errors.Is(err, store.ErrDuplicate) {
		e.log.Info("duplicate message dropped", "channel", t.in.Channel, "message", t.in.MessageID)
		if t.in.IncomingID != 0 {
			return e.store.DropIncoming(ctx, t.in.IncomingID)
		}
		return nil
	}
	if errors.Is(err, store.ErrInviteUsed) {
		// Someone used the code between our check and the commit.
		return e.commit(ctx, t.inviteRace())
	}
	if err != nil {
		return fmt.Errorf("bot: commit: %w", err)
	}
	e.notify(applied.Queued)
	return nil
}

// setting tells whether an area is urban or rural, for the poverty lines,
// from the store's area tree (kept in memory until areas are saved).
func (e *Engine) setting(ctx context.Context, areaID string) poverty.Kind {
	a, err := e.store.Area(ctx, areaID)
	if err != nil {
		e.log.Error("area of a run is unknown; classifying as rural", "area", areaID, "err", err)
		return poverty.Rural
	}
	return a.Setting
}
