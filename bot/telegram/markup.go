package telegram

import (
	"encoding/json"
	"slices"
	"unicode/utf8"

	"sothon/bot"
	"sothon/bot/delivery"
)

// markupJSON is the keyboard of a message's last part: none (nil), buttons
// bound to it, or the chat's own. A question answered by typing (a number,
// a name) removes the chat's keyboard, so that an earlier question's
// labels do not linger under the typing field; other messages without
// options (a notice, a toast's text) leave it, as the question it belongs
// to may still be open.
//
// The keyboard comes already encoded, byte for byte as encoding/json
// encodes the library's markup types (TestMarkupJSON and FuzzMarkupJSON
// compare the two): the library marshals a reply_markup by reflection for
// every message, a json.RawMessage it only copies.
func markupJSON(out delivery.Outbound) json.RawMessage {
	switch {
	case out.PlaceLabel != "":
		return placeKeyboardJSON(out)
	case inline(out):
		return keyboardJSON(out)
	case len(out.Options) > 0:
		return replyKeyboardJSON(out)
	case out.Question != "":
		return removeKeyboardJSON
	}
	return nil
}

// removeKeyboardJSON is tgbotapi.NewRemoveKeyboard(false): it removes the
// chat's keyboard.
var removeKeyboardJSON = json.RawMessage(`{"remove_keyboard":true}`)

// oneTimeTail ends the chat's keyboard: as small as its buttons, and
// hidden once a button is pressed.
const oneTimeTail = `],"resize_keyboard":true,"one_time_keyboard":true}`

// keyboardJSON is keyboard(out), encoded: buttons bound to the message.
func keyboardJSON(out delivery.Outbound) json.RawMessage {
	b := make([]byte, 0, markupSize(out))
	b = append(b, `{"inline_keyboard":[`...)
	perRow := rowWidth(out.Options)
	for i, o := range out.Options {
		b = rowBreak(b, i, perRow)
		b = append(b, `{"text":"`...)
		if slices.Contains(out.Selected, o.Key) {
			b = append(b, "✅ "...)
		}
		b = appendEscaped(b, o.Key)
		b = append(b, ". "...)
		b = appendEscaped(b, o.Label)
		b = append(b, `","callback_data":`...)
		b = appendString(b, bot.ButtonData(out.Question, o.Key, out.Multi))
		b = append(b, '}')
	}
	b = append(b, ']')
	if out.Multi {
		b = append(b, `,[{"text":"✔ `...)
		b = appendEscaped(b, out.DoneLabel)
		b = append(b, `","callback_data":`...)
		b = appendString(b, bot.DoneButtonData(out.Question))
		b = append(b, "}]"...)
	}
	return append(b, "]}"...)
}

// replyKeyboardJSON is the chat's own keyboard with the options' labels,
// laid out as the inline one is: short ones three to a row, long ones one
// to a row. A button sends its label, without the number: the label is
// what the engine reads as the option (flows.PlainLabels); "1. Có" would
// not be.
func replyKeyboardJSON(out delivery.Outbound) json.RawMessage {
	b := make([]byte, 0, markupSize(out))
	b = append(b, `{"keyboard":[`...)
	perRow := rowWidth(out.Options)
	for i, o := range out.Options {
		b = rowBreak(b, i, perRow)
		b = append(b, `{"text":`...)
		b = appendString(b, o.Label)
		b = append(b, '}')
	}
	b = append(b, ']')
	return append(b, oneTimeTail...)
}

// placeKeyboardJSON is the chat's own keyboard, under the typing field,
// with a button that sends the phone's location (request_location) and
// the options as buttons that send their label ("Bỏ qua"). It hides once
// used.
func placeKeyboardJSON(out delivery.Outbound) json.RawMessage {
	b := make([]byte, 0, markupSize(out))
	b = append(b, `{"keyboard":[[{"text":`...)
	b = appendString(b, out.PlaceLabel)
	b = append(b, `,"request_location":true}]`...)
	for _, o := range out.Options {
		b = append(b, `,[{"text":`...)
		b = appendString(b, o.Label)
		b = append(b, "}]"...)
	}
	return append(b, oneTimeTail...)
}

// rowBreak opens the first row, or starts a new one every perRow buttons,
// or separates two buttons of a row.
func rowBreak(b []byte, i, perRow int) []byte {
	switch {
	case i == 0:
		return append(b, '[')
	case i%perRow == 0:
		return append(b, "],["...)
	}
	return append(b, ',')
}

// markupSize is room enough for most keyboards at once.
func markupSize(out delivery.Outbound) int {
	n := 96 + len(out.PlaceLabel) + len(out.DoneLabel) + 2*len(out.Question)
	for _, o := range out.Options {
		n += 48 + 2*len(o.Label) + 2*len(o.Key) + len(out.Question)
	}
	return n
}

// appendString appends s as a JSON string, as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendEscaped appends s escaped for a JSON string, without its quotes,
// exactly as encoding/json does by default: HTML's <, > and & escaped,
// control characters, U+2028 and U+2029 too, and invalid UTF-8 replaced
// by U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
