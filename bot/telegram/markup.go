package telegram

import (
	"encoding/json"
	"slices"

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
		b = delivery.AppendJSONEscaped(b, o.Key)
		b = append(b, ". "...)
		b = delivery.AppendJSONEscaped(b, o.Label)
		b = append(b, `","callback_data":`...)
		b = delivery.AppendJSONString(b, bot.ButtonData(out.Question, o.Key, out.Multi))
		b = append(b, '}')
	}
	b = append(b, ']')
	if out.Multi {
		b = append(b, `,[{"text":"✔ `...)
		b = delivery.AppendJSONEscaped(b, out.DoneLabel)
		b = append(b, `","callback_data":`...)
		b = delivery.AppendJSONString(b, bot.DoneButtonData(out.Question))
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
		b = delivery.AppendJSONString(b, o.Label)
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
	b = delivery.AppendJSONString(b, out.PlaceLabel)
	b = append(b, `,"request_location":true}]`...)
	for _, o := range out.Options {
		b = append(b, `,[{"text":`...)
		b = delivery.AppendJSONString(b, o.Label)
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
