package telegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/delivery"
)

// The Bot API takes a method's parameters as JSON as well as a form. The
// library sends forms, in which each byte of Vietnamese text and of a
// keyboard's JSON is percent-encoded into three, and reads each answer
// more than once (the answer, then its result). The calls made for every
// message (getUpdates, sendMessage, editMessageText) go as JSON and their
// answers are read once, through the adapter's HTTP transport, with the
// library's error type, so that classify reads both alike.

// methodURL is where a method is called.
func (a *Adapter) methodURL(method string) string {
	return a.cfg.APIBase + "/bot" + a.cfg.Token + "/" + method
}

// bodies holds answers' buffers between calls.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// keep puts an answer's buffer back for the next call, unless a large
// answer grew it: one answer's megabytes are not kept for every call.
func keep(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		bodies.Put(buf)
	}
}

// maxAnswer bounds what is read of an answer: 100 updates of the longest
// texts and captions are a few megabytes. A server that sends more is
// taken for a broken one (a temporary error, tried again).
const maxAnswer = 32 << 20

// reply is the Bot API's answer; Result is set to where its result goes.
type reply struct {
	Ok          bool                         `json:"ok"`
	Result      any                          `json:"result"`
	ErrorCode   int                          `json:"error_code"`
	Description string                       `json:"description"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters"`
}

// call calls a Bot API method with a JSON body through api's client and
// decodes its result into result (a pointer; nil skips it). A refusal is
// the *tgbotapi.Error the library would have returned.
func (a *Adapter) call(api *tgbotapi.BotAPI, method string, body []byte, result any) error {
	url, ok := a.urls[method]
	if !ok {
		url = a.methodURL(method)
	}
	c, ok := api.Client.(*client)
	if !ok {
		return fmt.Errorf("telegram: %s: not through the adapter's client", method)
	}
	resp, cancel, err := c.post(url, body)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	defer cancel() // after the answer is read: the deadline holds for it too
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer keep(buf)
	buf.Reset()
	if _, err := io.Copy(buf, io.LimitReader(resp.Body, maxAnswer+1)); err != nil {
		return err
	}
	if buf.Len() > maxAnswer {
		return fmt.Errorf("telegram: %s answered more than %d MB", method, maxAnswer>>20)
	}
	switch v := result.(type) {
	case *sentMessage: // every question: its id without the rest
		if id, ok := sentID(buf.Bytes()); ok {
			v.MessageID = id
			return nil
		}
	case *[]tgbotapi.Update: // every poll: the heads' answers without reflection
		if updates, ok := readUpdates(buf.Bytes()); ok {
			*v = updates
			return nil
		}
	}
	if result == nil {
		result = new(json.RawMessage)
	}
	r := reply{Result: result}
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		return err
	}
	if !r.Ok {
		e := &tgbotapi.Error{Code: r.ErrorCode, Message: r.Description}
		if r.Parameters != nil {
			e.ResponseParameters = *r.Parameters
		}
		return e
	}
	return nil
}

// sentHead is how the Bot API's answer to a message sent begins.
const sentHead = `{"ok":true,"result":`

// sentID reads the id of a message sent from an answer in the Bot API's
// own form, which gives the id first, without decoding the message that
// follows (its text, its keyboard): all the bot keeps of it is the id.
// ok is false for any other form, which call decodes whole.
func sentID(answer []byte) (id int, ok bool) {
	result, found := bytes.CutPrefix(answer, []byte(sentHead))
	if !found {
		return 0, false
	}
	return leadingID(result)
}

// textBody is sendMessage's or editMessageText's parameters as JSON.
func textBody(chat int64, messageID int, text string, noPreview bool, markup json.RawMessage) []byte {
	b := make([]byte, 0, 64+len(text)+len(text)/8+len(markup))
	b = append(b, `{"chat_id":`...)
	b = strconv.AppendInt(b, chat, 10)
	if messageID != 0 {
		b = append(b, `,"message_id":`...)
		b = strconv.AppendInt(b, int64(messageID), 10)
	}
	b = append(b, `,"text":`...)
	b = delivery.AppendJSONString(b, text)
	if noPreview {
		b = append(b, `,"disable_web_page_preview":true`...)
	}
	if markup != nil {
		b = append(b, `,"reply_markup":`...)
		b = append(b, markup...)
	}
	return append(b, '}')
}

// updatesBody is getUpdates' parameters as JSON: from offset on (a zero
// offset is left out, as the library does), waiting up to timeout seconds,
// for the kinds of update the bot serves.
func updatesBody(offset, timeout int) []byte {
	b := make([]byte, 0, 96)
	b = append(b, '{')
	if offset != 0 {
		b = append(b, `"offset":`...)
		b = strconv.AppendInt(b, int64(offset), 10)
		b = append(b, ',')
	}
	if timeout != 0 {
		b = append(b, `"timeout":`...)
		b = strconv.AppendInt(b, int64(timeout), 10)
		b = append(b, ',')
	}
	b = append(b, `"allowed_updates":[`...)
	for i, u := range allowedUpdates {
		if i > 0 {
			b = append(b, ',')
		}
		b = delivery.AppendJSONString(b, u)
	}
	return append(b, "]}"...)
}
