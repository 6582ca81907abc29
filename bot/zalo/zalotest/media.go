package zalotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Files plays Zalo's file servers, where an image event's address points:
// GET a photo by its address, 404 for one it does not hold (an expired
// link), or a scripted answer (a failure; a download that hangs until
// the client gives up).
type Files struct {
	*httptest.Server
	recorder

	mu       sync.Mutex
	files    map[string][]byte // path → bytes
	scripted []FileReply
	waiting  int // downloads that reached a scripted answer
}

// FileReply is a scripted answer to the next download.
type FileReply struct {
	Status int
	Delay  time.Duration
}

// NewFiles starts a fake file server.
func NewFiles() *Files {
	f := &Files{files: map[string][]byte{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Add keeps data and returns its address, as an image event carries it.
func (f *Files) Add(data []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := fmt.Sprintf("/dl/photo/%d.jpg", len(f.files)+1)
	f.files[path] = data
	return f.URL + path
}

// Script queues answers for the next downloads.
func (f *Files) Script(replies ...FileReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted = append(f.scripted, replies...)
}

// Downloading counts the downloads that reached a scripted answer.
func (f *Files) Downloading() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}

func (f *Files) serve(w http.ResponseWriter, r *http.Request) {
	call := Call{Method: r.URL.Path, At: time.Now()}
	f.mu.Lock()
	if len(f.scripted) > 0 {
		reply := f.scripted[0]
		f.scripted = f.scripted[1:]
		f.waiting++
		f.mu.Unlock()
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
		call.Reply = strconv.Itoa(reply.Status)
		f.Record(call)
		w.WriteHeader(reply.Status)
		return
	}
	data, ok := f.files[r.URL.Path]
	f.mu.Unlock()
	if !ok {
		call.Reply = "404"
		f.Record(call)
		http.NotFound(w, r)
		return
	}
	call.Reply = "200"
	f.Record(call)
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// ImageEvent builds a Bot Platform image event with the photo's address.
func (b *Bot) ImageEvent(chat, photoURL string) (id string, event string) {
	id, ev := b.Event(chat, "message.image.received", "")
	var e map[string]any
	json.Unmarshal([]byte(ev), &e)
	e["message"].(map[string]any)["photo"] = photoURL
	data, _ := json.Marshal(e)
	return id, string(data)
}

// Image queues an image event for getUpdates, and returns its message id.
func (b *Bot) Image(chat, photoURL string) string {
	id, ev := b.ImageEvent(chat, photoURL)
	b.Push(ev)
	return id
}

// OAImageEvent is the body of an OA user_send_image event, as Zalo posts
// it to the webhook (to be signed with zalo.Signature).
func OAImageEvent(appID, user, msgID, photoURL, timestamp string) string {
	return oaEvent(appID, user, msgID, timestamp, "user_send_image", "",
		map[string]any{"type": "image", "payload": map[string]any{"url": photoURL, "thumbnail": photoURL}})
}

// OALocationEvent is the body of an OA user_send_location event; Zalo
// writes the coordinates as strings.
func OALocationEvent(appID, user, msgID string, lat, lon float64, timestamp string) string {
	coords := map[string]any{"latitude": strconv.FormatFloat(lat, 'f', -1, 64), "longitude": strconv.FormatFloat(lon, 'f', -1, 64)}
	return oaEvent(appID, user, msgID, timestamp, "user_send_location", "Vị trí",
		map[string]any{"type": "location", "payload": map[string]any{"coordinates": coords}})
}

func oaEvent(appID, user, msgID, timestamp, name, text string, attachment map[string]any) string {
	msg := map[string]any{"msg_id": msgID, "attachments": []any{attachment}}
	if text != "" {
		msg["text"] = text
	}
	data, _ := json.Marshal(map[string]any{"app_id": appID, "event_name": name, "timestamp": timestamp,
		"sender": map[string]any{"id": user}, "recipient": map[string]any{"id": "oa1"}, "message": msg,
		"user_id_by_app": "u" + user})
	return string(data)
}
