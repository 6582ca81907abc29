package telegramtest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// MaxBotFile is the largest file the Bot API lets a bot download: getFile
// refuses a larger one with "file is too big".
const MaxBotFile = 20 << 20

// file is one file the fake holds, as getFile describes it.
type file struct {
	id, path string
	data     []byte
	size     int // as Telegram reports it; may differ from len(data) in a test
}

// AddFile keeps data as a file users sent, and returns its file_id.
func (f *Server) AddFile(data []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files = map[string]*file{}
	}
	n := len(f.files) + 1
	id := fmt.Sprintf("AgACAgIAAxkBAAI%04d", n)
	f.files[id] = &file{id: id, path: fmt.Sprintf("photos/file_%d.jpg", n), data: data, size: len(data)}
	return id
}

// knows tells whether a file_id names a file the fake holds, as a photo
// sent by its id must.
func (f *Server) knows(fileID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files[fileID] != nil
}

// Photo queues a photo message: Telegram's sizes of it, a thumbnail of 90
// pixels and the photo itself (both serve data), with the caption.
func (f *Server) Photo(chat int64, data []byte, caption string) int {
	thumb, full := f.AddFile(data), f.AddFile(data)
	msg := f.userMessage(chat)
	msg["photo"] = []map[string]any{
		{"file_id": thumb, "file_unique_id": "t" + thumb, "width": 90, "height": 68, "file_size": len(data)},
		{"file_id": full, "file_unique_id": "u" + full, "width": 1280, "height": 960, "file_size": len(data)},
	}
	if caption != "" {
		msg["caption"] = caption
	}
	return f.push(map[string]any{"message": msg})
}

// Document queues a file sent as a document, with its MIME type; size is
// what Telegram reports (len(data) when 0).
func (f *Server) Document(chat int64, name, mime string, data []byte, size int) int {
	id := f.AddFile(data)
	if size == 0 {
		size = len(data)
	}
	f.mu.Lock()
	f.files[id].size = size
	f.mu.Unlock()
	msg := f.userMessage(chat)
	msg["document"] = map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "mime_type": mime, "file_size": size}
	return f.push(map[string]any{"message": msg})
}

// Location queues a shared location, as the "request_location" button or
// the attachment menu sends it; accuracy 0 leaves horizontal_accuracy out.
func (f *Server) Location(chat int64, lat, lon, accuracy float64) int {
	loc := map[string]any{"latitude": lat, "longitude": lon}
	if accuracy > 0 {
		loc["horizontal_accuracy"] = accuracy
	}
	msg := f.userMessage(chat)
	msg["location"] = loc
	return f.push(map[string]any{"message": msg})
}

func (f *Server) userMessage(chat int64) map[string]any {
	return map[string]any{"message_id": f.nextMsgID(), "date": time.Now().Unix(),
		"chat": map[string]any{"id": chat, "type": "private"},
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Người", "language_code": "vi"}}
}

// getFile answers as the Bot API does: the file's path, or 400 for an
// unknown id or a file over MaxBotFile.
func (f *Server) getFile(w http.ResponseWriter, call Call) {
	f.mu.Lock()
	fl := f.files[call.Params["file_id"]]
	f.mu.Unlock()
	switch {
	case fl == nil:
		f.answer(w, call, 400, apiError(400, "Bad Request: invalid file_id", 0))
	case fl.size > MaxBotFile:
		f.answer(w, call, 400, apiError(400, "Bad Request: file is too big", 0))
	default:
		f.answer(w, call, 200, ok200(map[string]any{"file_id": fl.id, "file_unique_id": "u" + fl.id, "file_size": fl.size, "file_path": fl.path}))
	}
}

// download serves /file/bot<token>/<file_path>; a Reply scripted for the
// method "file" answers first (a failure, or a download that hangs until
// the client gives up).
func (f *Server) download(w http.ResponseWriter, r *http.Request, path string) {
	call := Call{Method: "file", Params: map[string]string{"file_path": path}, At: time.Now()}
	if reply, ok := f.nextScripted("file"); ok {
		f.mu.Lock()
		f.waiting++
		f.cond.Broadcast()
		f.mu.Unlock()
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
		f.answer(w, call, reply.Status, reply.Body)
		return
	}
	f.mu.Lock()
	var data []byte
	for _, fl := range f.files {
		if fl.path == path {
			data = fl.data
		}
	}
	f.mu.Unlock()
	if data == nil {
		f.answer(w, call, 404, apiError(404, "Not Found", 0))
		return
	}
	call.Status = 200
	f.calls.Record(call)
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(data)
}

// Downloading counts the downloads that reached a scripted reply: a test
// waits on it to stop the bot while one hangs.
func (f *Server) Downloading() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}

func (f *Server) filePath(path string) (string, bool) {
	return strings.CutPrefix(path, "/file/bot"+f.Token+"/")
}
