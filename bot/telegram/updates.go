package telegram

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// updatesHead is how the Bot API's answer to getUpdates begins.
const updatesHead = `{"ok":true,"result":[`

// maxPoll is the most updates one getUpdates answer holds (its limit's
// default and greatest value).
const maxPoll = 100

// readUpdates reads getUpdates' answer without reflection when every
// update in it is a plain message or a button press, in the Bot API's own
// form: what a head sends for every answer. It gives exactly what
// encoding/json gives into the library's types (FuzzReadUpdates holds it
// to that), and ok is false for anything else (a photo, a place, a key
// it does not know, a key twice, a null, an escape it leaves to
// encoding/json), which call then decodes whole. Decoding into the
// library's structs by reflection was about a third of receiving's cost
// (docs/BENCHMARKS.md, issue 22, sixth session).
func readUpdates(answer []byte) (updates []tgbotapi.Update, ok bool) {
	if len(answer) < len(updatesHead) || string(answer[:len(updatesHead)]) != updatesHead {
		return nil, false
	}
	// One string for the whole answer: every text and name in it is a
	// part of it, not a copy of its own.
	r := jsonReader{s: string(answer), i: len(updatesHead)}
	// As many as it holds, but not a batch for every key in an answer
	// that is not in the Bot API's form, refused anyway.
	updates = make([]tgbotapi.Update, 0, min(strings.Count(r.s, `"update_id"`), maxPoll))
	r.space()
	if !r.take(']') {
		for {
			var u tgbotapi.Update
			if !r.update(&u) {
				return nil, false
			}
			updates = append(updates, u)
			r.space()
			if r.take(']') {
				break
			}
			if !r.take(',') {
				return nil, false
			}
		}
	}
	r.space()
	if !r.take('}') {
		return nil, false
	}
	r.space()
	return updates, r.i == len(r.s)
}

// readUpdate reads one update, a webhook's body, as readUpdates reads a
// poll's; ok is false where encoding/json is to read it.
func readUpdate(body []byte) (u tgbotapi.Update, ok bool) {
	r := jsonReader{s: string(body)}
	if !r.update(&u) {
		return tgbotapi.Update{}, false
	}
	if r.space(); r.i != len(r.s) {
		return tgbotapi.Update{}, false
	}
	return u, true
}

// jsonReader reads the few shapes of JSON readUpdates knows from s at i.
// Each method reads one value, skipping the space before it, and tells
// whether it was in the form it knows.
type jsonReader struct {
	s string
	i int
}

func (r *jsonReader) space() {
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// take skips c, the next byte after space, if it is there.
func (r *jsonReader) take(c byte) bool {
	r.space()
	if r.i < len(r.s) && r.s[r.i] == c {
		r.i++
		return true
	}
	return false
}

// object reads an object whose keys are among keys, each at most once,
// calling field with each key's index to read its value.
func (r *jsonReader) object(keys []string, field func(int) bool) bool {
	if !r.take('{') {
		return false
	}
	if r.take('}') {
		return true
	}
	var seen uint32
	for {
		key, ok := r.str()
		if !ok || !r.take(':') {
			return false
		}
		k := -1
		for i, known := range keys {
			if key == known {
				k = i
				break
			}
		}
		if k < 0 || seen&(1<<k) != 0 || !field(k) {
			return false
		}
		seen |= 1 << k
		if r.take('}') {
			return true
		}
		if !r.take(',') {
			return false
		}
	}
}

// str reads a string. One with an escape or bytes that are not UTF-8 is
// read by encoding/json, which decides what they mean.
func (r *jsonReader) str() (string, bool) {
	if !r.take('"') {
		return "", false
	}
	start := r.i
	end := strings.IndexByte(r.s[start:], '"')
	if end < 0 {
		return "", false
	}
	s := r.s[start : start+end]
	if strings.IndexByte(s, '\\') < 0 {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 {
				return "", false
			}
		}
		r.i = start + end + 1
		if utf8.ValidString(s) {
			return s, true
		}
		return r.decoded(start - 1)
	}
	for r.i = start; r.i < len(r.s); r.i++ { // to the first quote no backslash escapes
		switch c := r.s[r.i]; {
		case c == '"':
			r.i++
			return r.decoded(start - 1)
		case c == '\\':
			r.i++
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// decoded is the string from its opening quote at start to i, as
// encoding/json reads it.
func (r *jsonReader) decoded(start int) (string, bool) {
	var s string
	if json.Unmarshal([]byte(r.s[start:r.i]), &s) != nil {
		return "", false
	}
	return s, true
}

// integer reads a number without a fraction or an exponent that fits in
// bits.
func (r *jsonReader) integer(bits int) (int64, bool) {
	r.space()
	start := r.i
	if r.i < len(r.s) && r.s[r.i] == '-' {
		r.i++
	}
	digits := r.i
	for r.i < len(r.s) && '0' <= r.s[r.i] && r.s[r.i] <= '9' {
		r.i++
	}
	if r.i == digits || (r.s[digits] == '0' && r.i > digits+1) {
		return 0, false // no digits, or a leading zero
	}
	if r.i < len(r.s) {
		if c := r.s[r.i]; c == '.' || c == 'e' || c == 'E' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(r.s[start:r.i], 10, bits)
	return n, err == nil
}

func (r *jsonReader) number(v *int) bool {
	n, ok := r.integer(strconv.IntSize)
	*v = int(n)
	return ok
}

func (r *jsonReader) number64(v *int64) bool {
	n, ok := r.integer(64)
	*v = n
	return ok
}

func (r *jsonReader) text(v *string) bool {
	s, ok := r.str()
	*v = s
	return ok
}

func (r *jsonReader) boolean(v *bool) bool {
	r.space()
	switch {
	case len(r.s)-r.i >= 4 && r.s[r.i:r.i+4] == "true":
		r.i += 4
		*v = true
	case len(r.s)-r.i >= 5 && r.s[r.i:r.i+5] == "false":
		r.i += 5
		*v = false
	default:
		return false
	}
	return true
}

// fields reads an object whose keys are among keys into the values at
// the same places in into: strings, numbers, booleans, and the objects
// of the updates readUpdates knows.
func (r *jsonReader) fields(keys []string, into ...any) bool {
	return r.object(keys, func(k int) bool {
		switch v := into[k].(type) {
		case *string:
			return r.text(v)
		case *int:
			return r.number(v)
		case *int64:
			return r.number64(v)
		case *bool:
			return r.boolean(v)
		case **tgbotapi.Message:
			*v = new(tgbotapi.Message)
			return r.message(*v)
		case **tgbotapi.User:
			*v = new(tgbotapi.User)
			return r.user(*v)
		case **tgbotapi.Chat:
			*v = new(tgbotapi.Chat)
			return r.chat(*v)
		case **tgbotapi.CallbackQuery:
			*v = new(tgbotapi.CallbackQuery)
			return r.callback(*v)
		}
		return false
	})
}

// The keys of each object readUpdates reads, and the fields they fill.

var updateKeys = []string{"update_id", "message", "callback_query"}

func (r *jsonReader) update(u *tgbotapi.Update) bool {
	return r.fields(updateKeys, &u.UpdateID, &u.Message, &u.CallbackQuery)
}

var messageKeys = []string{"message_id", "from", "chat", "date", "text"}

func (r *jsonReader) message(m *tgbotapi.Message) bool {
	return r.fields(messageKeys, &m.MessageID, &m.From, &m.Chat, &m.Date, &m.Text)
}

var userKeys = []string{"id", "is_bot", "first_name", "last_name", "username", "language_code"}

func (r *jsonReader) user(u *tgbotapi.User) bool {
	return r.fields(userKeys, &u.ID, &u.IsBot, &u.FirstName, &u.LastName, &u.UserName, &u.LanguageCode)
}

var chatKeys = []string{"id", "type", "title", "username", "first_name", "last_name"}

func (r *jsonReader) chat(c *tgbotapi.Chat) bool {
	return r.fields(chatKeys, &c.ID, &c.Type, &c.Title, &c.UserName, &c.FirstName, &c.LastName)
}

var callbackKeys = []string{"id", "from", "message", "inline_message_id", "chat_instance", "data"}

func (r *jsonReader) callback(q *tgbotapi.CallbackQuery) bool {
	return r.fields(callbackKeys, &q.ID, &q.From, &q.Message, &q.InlineMessageID, &q.ChatInstance, &q.Data)
}
