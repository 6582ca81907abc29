package telegram

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The Bot API takes a method's parameters as JSON as well as a form. The
// library sends forms, in which each byte of Vietnamese text and of a
// keyboard's JSON is percent-encoded into three; the messages the chat
// sends most (a question, its keyboard, a closing edit) go as JSON, which
// keeps them as they are, through the library's HTTP client and with its
// error type, so that classify reads both alike.

// bodies holds request and reply buffers between calls.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// postJSON calls a Bot API method with a JSON body and returns the result,
// or the *tgbotapi.Error the library would have returned.
func (a *Adapter) postJSON(method string, body []byte) (json.RawMessage, error) {
	req, err := http.NewRequest(http.MethodPost, a.cfg.APIBase+"/bot"+a.cfg.Token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.api.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	if _, err := io.Copy(buf, resp.Body); err != nil {
		return nil, err
	}
	var r tgbotapi.APIResponse
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		return nil, err
	}
	if !r.Ok {
		e := &tgbotapi.Error{Code: r.ErrorCode, Message: r.Description}
		if r.Parameters != nil {
			e.ResponseParameters = *r.Parameters
		}
		return nil, e
	}
	return r.Result, nil
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
	b = appendString(b, text)
	if noPreview {
		b = append(b, `,"disable_web_page_preview":true`...)
	}
	if markup != nil {
		b = append(b, `,"reply_markup":`...)
		b = append(b, markup...)
	}
	return append(b, '}')
}
