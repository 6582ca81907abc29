package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if path, ok := f.filePath(r.URL.Path); ok {
		f.download(w, r, path)
		return
	}
	method, ok := f.method(r.URL.Path)
	if !ok {
		f.answer(w, Call{Method: "?"}, http.StatusUnauthorized, apiError(401, "Unauthorized", 0))
		return
	}
	call := Call{Method: method, Params: map[string]string{}, At: time.Now()}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		// Files (photos, documents) come as multipart forms.
		call.Upload = true
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			f.answer(w, Call{Method: method}, http.StatusBadRequest, apiError(400, "Bad Request: cannot parse form", 0))
			return
		}
		for k, v := range r.MultipartForm.Value {
			call.Params[k] = v[0]
		}
		for k, files := range r.MultipartForm.File {
			call.Params[k] = fmt.Sprintf("%s (%d bytes)", files[0].Filename, files[0].Size)
		}
	} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := jsonParams(r.Body, call.Params); err != nil {
			f.answer(w, Call{Method: method}, http.StatusBadRequest, apiError(400, "Bad Request: can't parse JSON object", 0))
			return
		}
	} else if err := r.ParseForm(); err != nil {
		f.answer(w, Call{Method: method}, http.StatusBadRequest, apiError(400, "Bad Request: cannot parse form", 0))
		return
	}
	for k := range r.PostForm {
		call.Params[k] = r.PostForm.Get(k)
	}
	if reply, ok := f.nextScripted(method); ok {
		select { // a slow platform, until the client gives up
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
		body := reply.Body
		if body == "" {
			body = apiError(reply.Status, http.StatusText(reply.Status), 0)
		}
		f.answer(w, call, reply.Status, body)
		return
	}
	if f.UnsupportedMethods[method] {
		f.answer(w, call, http.StatusNotFound, apiError(404, "Not Found", 0))
		return
	}
	switch method {
	case "getMe":
		f.answer(w, call, 200, ok200(map[string]any{"id": 1, "is_bot": true, "first_name": "Sổ Thôn", "username": Username}))
	case "getUpdates":
		f.getUpdates(w, r, call)
	case "sendMessage", "sendPhoto", "sendDocument":
		if method == "sendPhoto" && !call.Upload && !f.knows(call.Params["photo"]) {
			f.answer(w, call, 400, apiError(400, "Bad Request: wrong file identifier/HTTP URL specified", 0))
			return
		}
		msg := f.message(call)
		call.MessageID = msg.MessageID
		f.answer(w, call, 200, ok200(msg))
		if f.OnMessage != nil {
			f.OnMessage(call)
		}
	case "getFile":
		f.getFile(w, call)
	case "setWebhook", "deleteWebhook":
		f.SetWebhook(call.Params["url"], "")
		f.mu.Lock()
		f.hookSecret = call.Params["secret_token"]
		if f.webhook == "" { // deleted: updates wait for getUpdates again
			f.stopDelivery()
		} else {
			f.startDelivery(call.Params["max_connections"])
		}
		f.mu.Unlock()
		f.answer(w, call, 200, `{"ok":true,"result":true}`)
	case "getWebhookInfo":
		f.mu.Lock()
		info := map[string]any{"url": f.webhook, "has_custom_certificate": false, "pending_update_count": 0}
		if f.hookErr != "" {
			info["last_error_date"], info["last_error_message"] = time.Now().Unix(), f.hookErr
		}
		f.mu.Unlock()
		f.answer(w, call, 200, ok200(info))
	case "editMessageText", "answerCallbackQuery", "setMyCommands":
		f.answer(w, call, 200, `{"ok":true,"result":true}`)
	default:
		f.answer(w, call, http.StatusNotFound, apiError(404, "Not Found: method "+method, 0))
	}
}

// jsonParams reads a JSON request's body of parameters.
func jsonParams(body io.Reader, params map[string]string) error {
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(io.LimitReader(body, maxJSON)); err != nil {
		return err
	}
	return readParams(buf.Bytes(), params)
}

// maxJSON bounds a JSON request's body; a message's parameters are a few
// kilobytes.
const maxJSON = 1 << 20

// bodies holds request buffers between calls.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (f *Server) method(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/bot"+f.Token+"/")
	return rest, ok && rest != "" && !strings.Contains(rest, "/")
}

func (f *Server) nextScripted(method string) (Reply, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.scripted[method]
	if len(q) == 0 {
		return Reply{}, false
	}
	f.scripted[method] = q[1:]
	return q[0], true
}

// getUpdates answers with up to limit updates (1–100, 100 when not
// given) from offset on, waiting up to the timeout for some to arrive;
// updates before offset are confirmed and forgotten, as Telegram does.
func (f *Server) getUpdates(w http.ResponseWriter, r *http.Request, call Call) {
	offset, _ := strconv.Atoi(call.Params["offset"])
	timeout, _ := strconv.Atoi(call.Params["timeout"])
	limit, _ := strconv.Atoi(call.Params["limit"])
	if limit <= 0 || limit > maxUpdates {
		limit = maxUpdates
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	f.mu.Lock()
	for {
		var out []json.RawMessage
		kept := f.updates[:0]
		for _, u := range f.updates {
			if u.id >= offset {
				kept = append(kept, u)
				if len(out) < limit {
					out = append(out, u.data)
				}
			}
		}
		f.updates = kept
		if len(out) > 0 || time.Now().After(deadline) || f.closed || r.Context().Err() != nil {
			f.mu.Unlock()
			data, _ := json.Marshal(out)
			if out == nil {
				data = []byte("[]")
			}
			f.answer(w, call, 200, `{"ok":true,"result":`+string(data)+`}`)
			return
		}
		t := time.AfterFunc(50*time.Millisecond, f.cond.Broadcast)
		f.cond.Wait()
		t.Stop()
	}
}

// maxUpdates is the most updates Telegram gives in one getUpdates.
const maxUpdates = 100

// sentMessage is the message the Bot API answers a send with, its fields
// in the Bot API's order: the id first.
type sentMessage struct {
	MessageID int    `json:"message_id"`
	Chat      chat   `json:"chat"`
	Date      int64  `json:"date"`
	Text      string `json:"text"`
}

type chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

func (f *Server) message(call Call) sentMessage {
	f.mu.Lock()
	f.nextMsg++
	id := f.nextMsg
	f.mu.Unlock()
	chatID, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
	return sentMessage{MessageID: id, Chat: chat{ID: chatID, Type: "private"}, Date: time.Now().Unix(), Text: call.Params["text"]}
}

func (f *Server) answer(w http.ResponseWriter, call Call, status int, body string) {
	call.Status = status
	if !f.Quiet {
		f.calls.Record(call)
	}
	f.mu.Lock()
	f.cond.Broadcast()
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func ok200(result any) string {
	data, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	return string(data)
}

// apiError is a Bot API error body.
func apiError(code int, description string, retryAfter int) string {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	data, _ := json.Marshal(body)
	return string(data)
}

// TooManyRequests is the Bot API's 429 with retry_after.
func TooManyRequests(seconds int) Reply {
	return Reply{Status: 429, Body: apiError(429, fmt.Sprintf("Too Many Requests: retry after %d", seconds), seconds)}
}

// Blocked is the Bot API's 403 for a user who blocked the bot.
func Blocked() Reply {
	return Reply{Status: 403, Body: apiError(403, "Forbidden: bot was blocked by the user", 0)}
}

// ServerError is a 5xx; malformed makes it an HTML page instead of JSON.
func ServerError(status int, malformed bool) Reply {
	if malformed {
		return Reply{Status: status, Body: "<html><body>502 Bad Gateway</body></html>"}
	}
	return Reply{Status: status, Body: apiError(status, "Internal Server Error", 0)}
}
