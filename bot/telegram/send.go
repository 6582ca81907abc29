package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/delivery"
	"sothon/flows"
)

// Send implements delivery.Channel: a new message (split at 4,096 characters,
// the keyboard on the last part) or an edit of an earlier one.
func (a *Adapter) Send(_ context.Context, out delivery.Outbound) (string, error) {
	chat, err := chatID(out.ChatID)
	if err != nil {
		return "", err
	}
	if out.Edit != "" {
		return out.Edit, a.edit(chat, out)
	}
	if out.Attachment != nil {
		return a.sendFile(chat, out)
	}
	var last sentMessage
	err = delivery.SendParts(out, out.Text, MaxText, func(part string, isLast bool) error {
		var kb json.RawMessage
		if isLast {
			kb = markupJSON(out)
		}
		// Bot API 7 names it link_preview_options; the older
		// disable_web_page_preview is still taken.
		var err error
		if last, err = a.send(textBody(chat, 0, part, out.NoPreview, kb)); err != nil {
			return classify(err, a.cfg.Token)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if !inline(out) { // nothing to close later: no id, so no keyboard is remembered
		return "", nil
	}
	return strconv.Itoa(last.MessageID), nil
}

// sentMessage is what Sổ Thôn reads of a sent message: its id.
type sentMessage struct {
	MessageID int
}

func (m *sentMessage) UnmarshalJSON(result []byte) (err error) {
	m.MessageID, err = messageID(result)
	return err
}

func (a *Adapter) send(body []byte) (sentMessage, error) {
	var m sentMessage
	err := a.call(a.api, "sendMessage", body, &m)
	if err == nil && m.MessageID == 0 {
		// ok without the message (no result, or null): an error to try
		// again, as messageID made it when the library read the answer.
		err = errors.New("telegram: sendMessage answered without the message sent")
	}
	return m, err
}

// messageID reads a sent message's id. The Bot API answers with the whole
// message, text and keyboard and all, its id first: reading up to the id
// (the library's Send decodes it all) spares a reply's worth of work. The
// library has checked the answer's JSON whole before handing the result.
func messageID(result json.RawMessage) (int, error) {
	if id, ok := leadingID(result); ok {
		return id, nil
	}
	return decodeMessageID(result)
}

// idHead is how the Bot API's sent message begins.
const idHead = `{"message_id":`

// leadingID reads the id of a result that begins with it, as the Bot API's
// do: `{"message_id":42,...`. ok is false for any other form (spaces, the
// id elsewhere, a number too long to read at a glance), which
// decodeMessageID reads.
func leadingID(result []byte) (id int, ok bool) {
	rest, found := bytes.CutPrefix(result, []byte(idHead))
	if !found {
		return 0, false
	}
	neg := len(rest) > 0 && rest[0] == '-'
	if neg {
		rest = rest[1:]
	}
	n := 0
	for n < len(rest) && n < 18 && '0' <= rest[n] && rest[n] <= '9' {
		id = id*10 + int(rest[n]-'0')
		n++
	}
	if n == 0 || n == len(rest) || (rest[n] != ',' && rest[n] != '}') || (rest[0] == '0' && n > 1) {
		return 0, false
	}
	if neg {
		id = -id
	}
	return id, true
}

// decodeMessageID finds the id wherever it stands, with a JSON decoder.
func decodeMessageID(result json.RawMessage) (int, error) {
	d := json.NewDecoder(bytes.NewReader(result))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return 0, fmt.Errorf("telegram: a sent message is not an object: %.40q", result)
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return 0, fmt.Errorf("telegram: read a sent message: %w", err)
		}
		if key == "message_id" {
			var id int
			if err := d.Decode(&id); err != nil {
				return 0, fmt.Errorf("telegram: a sent message's id: %w", err)
			}
			return id, nil
		}
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return 0, fmt.Errorf("telegram: read a sent message: %w", err)
		}
	}
	return 0, fmt.Errorf("telegram: a sent message without its id: %.40q", result)
}

// inline tells whether a message's options are buttons bound to it
// (inline_keyboard), rather than the chat's own keyboard under the typing
// field (reply_keyboard), which sends a button's label as a text message.
//
// The chat's keyboard costs one call: the next message replaces it, so it
// is never closed by an edit, and its press is a message, not a callback
// to acknowledge. It is for options whose labels, typed, are the answer
// (out.Typed: a single choice, yes/no, "Bỏ qua", the summary's actions,
// the menu) and for the place question. Buttons stay bound to their
// message where the press must name it: a multi-choice (its marks are
// redrawn on the message, "done" answers), the household picker (names
// may repeat; a typed name searches), the confirmation of an unusual
// answer (it confirms the value shown), reminders and officials' cards
// (their data carries an id, and a press counts whenever it comes).
func inline(out delivery.Outbound) bool {
	return len(out.Options) > 0 && out.PlaceLabel == "" && !(out.Typed && !out.Multi)
}

// edit replaces an earlier message: to close its buttons once answered, or
// to redraw the marks of a multi-choice keyboard. editMessageText may
// answer "true" rather than the message, which edit does not read.
func (a *Adapter) edit(chat int64, out delivery.Outbound) error {
	id, err := strconv.Atoi(out.Edit)
	if err != nil {
		return &delivery.PermanentError{Err: err}
	}
	text := []rune(out.Text)
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	var kb json.RawMessage
	if len(out.Options) > 0 {
		kb = keyboardJSON(out)
	}
	err = a.call(a.api, "editMessageText", textBody(chat, id, string(text), false, kb), nil)
	if notModified(err) {
		return nil
	}
	return classify(err, a.cfg.Token)
}

// AnswerCallback acknowledges a button press, with a toast when text is set.
func (a *Adapter) AnswerCallback(_ context.Context, id, text string) error {
	_, err := a.api.Request(tgbotapi.NewCallback(id, text))
	return classify(err, a.cfg.Token)
}

// rowWidth is how many buttons go in a row: three, or one when a label is
// long.
func rowWidth(opts []flows.Option) int {
	for _, o := range opts {
		if utf8.RuneCountInString(o.Label) > 12 {
			return 1
		}
	}
	return 3
}

// captionMax is the Bot API's limit on a photo's or document's caption.
const captionMax = 1024

// sendFile sends an attachment: a chart as a photo, anything else as a
// document. A text too long for a caption goes first as its own message.
func (a *Adapter) sendFile(chat int64, out delivery.Outbound) (string, error) {
	caption := out.Text
	if utf8.RuneCountInString(caption) > captionMax {
		if _, err := a.Send(context.Background(), delivery.Outbound{ChatID: out.ChatID, Text: out.Text}); err != nil {
			return "", err
		}
		caption = ""
	}
	if ref := out.Attachment.Ref; ref != "" && out.Attachment.Image {
		if id, refused, err := a.sendPhotoByID(chat, ref, caption); !refused {
			return id, err
		}
	}
	file := tgbotapi.FileBytes{Name: out.Attachment.Name, Bytes: out.Attachment.Data}
	var c tgbotapi.Chattable
	if out.Attachment.Image {
		p := tgbotapi.NewPhoto(chat, file)
		p.Caption = caption
		c = p
	} else {
		d := tgbotapi.NewDocument(chat, file)
		d.Caption = caption
		c = d
	}
	msg, err := a.api.Send(c)
	if err != nil {
		return "", classify(err, a.cfg.Token)
	}
	return strconv.Itoa(msg.MessageID), nil
}
