package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/store/photos"
)

// diskWarningEvery is how often the admins hear that the disk is nearly
// full, while it is.
const diskWarningEvery = 24 * time.Hour

// media takes a message that is no text: a photo, a place, or something
// the bot cannot read (a sticker, a voice note). A photo is fetched only
// when the run waits for one; anything else gets the question again with
// how to answer it.
func (t *turn) media(ctx context.Context) {
	if t.run == nil || t.expired() {
		t.replyKey("answer.not_text")
		return
	}
	c := t.flowContext(ctx)
	switch want := t.run.Wants(t.form); {
	case want == flows.Image && t.in.Photo != "":
		t.photo(ctx, c)
	case want == flows.Geopoint && t.in.Place != nil:
		t.closeKeyboard("")
		t.step(ctx, t.run.Place(t.form, c, *t.in.Place))
	case want == flows.Image || want == flows.Geopoint:
		t.step(ctx, t.run.Refuse(t.form, c))
	default: // changes nothing, not even a question asked
		t.replyKey("answer.not_text")
		t.replies = append(t.replies, t.run.Show(t.form, c).Prompts...)
	}
}

// photo fetches the photo of the message from its channel and keeps it,
// before the answer naming it is committed. A failure worth trying again
// (the platform or the network down, the server stopping) becomes the
// turn's error: nothing is committed and the update stays in the inbox.
// A photo that can never be kept is refused with its reason.
func (t *turn) photo(ctx context.Context, c flows.Context) {
	st, err := t.e.fetchPhoto(ctx, t.in)
	if key, args := photoRefusal(err); key != "" {
		t.replyKey(key, args...)
		t.replies = append(t.replies, t.run.Show(t.form, c).Prompts...)
		if errors.Is(err, photos.ErrDiskFull) {
			t.e.log.Error("photo refused: disk full", "dir", t.e.photos.Dir())
			t.warnAdmins(ctx)
		}
		return
	}
	if err != nil {
		t.err = err
		return
	}
	if st.LowDisk {
		t.warnAdmins(ctx)
	}
	t.closeKeyboard("")
	t.step(ctx, t.run.Photo(t.form, c, st.Hash))
}

// photoRefusal is the message for a photo that cannot be kept, "" for an
// error worth trying again (or none).
func photoRefusal(err error) (key string, args []any) {
	switch {
	case errors.Is(err, ErrFileTooBig), errors.Is(err, photos.ErrTooBig):
		return "photo.too_big", []any{"mb", photos.MaxBytes >> 20}
	case errors.Is(err, photos.ErrTooManyPixels):
		return "photo.too_many_pixels", []any{"mp", photos.MaxPixels / 1_000_000}
	case errors.Is(err, photos.ErrNotImage):
		return "photo.unreadable", nil
	case errors.Is(err, ErrFileGone):
		return "photo.gone", nil
	case errors.Is(err, photos.ErrDiskFull):
		return "photo.disk_full", nil
	}
	return "", nil
}

// fetchPhoto downloads a message's photo through its channel's Fetcher
// and keeps it in the photo store.
func (e *Engine) fetchPhoto(ctx context.Context, in Inbound) (photos.Stored, error) {
	if in.PhotoSize > photos.MaxBytes {
		return photos.Stored{}, ErrFileTooBig
	}
	f := e.fetcher(in.Channel)
	if f == nil {
		return photos.Stored{}, fmt.Errorf("bot: no fetcher for %s: %w", in.Channel, ErrFileGone)
	}
	body, err := f.Fetch(ctx, in.Photo, photos.MaxBytes)
	if err != nil {
		return photos.Stored{}, fmt.Errorf("bot: fetch photo: %w", err)
	}
	defer body.Close()
	st, err := e.photos.Put(ctx, body)
	if err != nil {
		return photos.Stored{}, fmt.Errorf("bot: keep photo: %w", err)
	}
	if in.PhotoResend {
		if err := e.photos.SetRef(st.Hash, in.Channel, in.Photo); err != nil {
			// The photo is kept: without its id it is uploaded again.
			e.log.Warn("keep the platform's photo id", "channel", in.Channel, "err", err)
		}
	}
	return st, nil
}

// warnAdmins tells every admin, once a day at most, that the disk is
// nearly full, on the first chat of theirs that is read.
func (t *turn) warnAdmins(ctx context.Context) {
	if !t.e.diskWarned.first("disk", t.in.At, diskWarningEvery) {
		return
	}
	free, err := t.e.photos.FreeSpace(t.e.photos.Dir())
	if err != nil {
		t.e.log.Error("free disk", "err", err)
		return
	}
	t.e.log.Warn("disk nearly full", "free_bytes", free, "dir", t.e.photos.Dir())
	users, err := t.e.store.Users(ctx)
	if err != nil {
		t.e.log.Error("warn admins", "err", err)
		return
	}
	gb := func(n uint64) string { return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) }
	for _, u := range users {
		if u.Role != store.RoleAdmin || u.Revoked || u.Unreachable {
			continue
		}
		ids, err := t.e.store.IdentitiesOf(ctx, u.ID)
		if err != nil {
			t.e.log.Error("warn admins", "err", err)
			return
		}
		for _, id := range ids {
			if id.Channel == consoleChannel {
				continue
			}
			t.notices = append(t.notices, store.Message{Channel: id.Channel, ChatID: id.ChatID,
				Text: t.e.cat.T(u.Lang, "photo.disk_low", "free", gb(free), "min", gb(t.e.photos.MinFree))})
			break
		}
	}
}

// consoleChannel is the terminal's channel name (terminal.Name): nobody
// reads it between sessions.
const consoleChannel = "console"
