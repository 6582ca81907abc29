package store

import (
	"encoding/binary"
	"encoding/json"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
)

// The records a chat reads or writes on every message (the user, their
// run, the chat's open keyboard, the inbox and the outbox) are kept in a
// compact binary form since schema 15: JSON was a fifth of `sothon
// serve`'s CPU, the inbox's payloads validated again on every write. A
// record is compactTag, then its fields in their order of declaration:
// strings and byte strings as a length and the bytes, numbers as varints,
// times as time.Time's binary form behind its length (0 for the zero
// time), a struct's booleans as one varint of flags, a slice or map as its
// length plus one (0 for nil) then its elements. A field added later goes
// at the end and is read only when the record has more bytes, so records
// written before it need no migration. A record without the tag is JSON,
// as written before schema 15, and is read as such.

// writers hold the scratch buffers records are encoded in; each record
// is then copied out at its exact size, as bbolt keeps a value until the
// transaction ends.
var writers = sync.Pool{New: func() any { return &writer{buf: make([]byte, 0, 1024)} }}

// newRecord gives a writer with the tag written; putRecord stores what
// was written after it under key.
func newRecord() *writer {
	w := writers.Get().(*writer)
	w.buf = append(w.buf[:0], compactTag)
	return w
}

func putRecord(b *bolt.Bucket, key []byte, w *writer) error {
	data := make([]byte, len(w.buf))
	copy(data, w.buf)
	if cap(w.buf) <= 64<<10 { // not an attachment's
		writers.Put(w)
	}
	return b.Put(key, data)
}

// record is the record under key; ErrNotFound when there is none.
func record(b *bolt.Bucket, key []byte) ([]byte, error) {
	if data := b.Get(key); data != nil {
		return data, nil
	}
	return nil, ErrNotFound
}

// isJSON tells a record written before schema 15, read by fromJSON.
func isJSON(data []byte) bool { return len(data) == 0 || data[0] != compactTag }

// fromJSON reads a JSON record into a zero value, as getJSON did, then
// into *v: only a JSON record's value goes to the heap, not every
// caller's.
func fromJSON[T any](data []byte, v *T) error {
	var fresh T
	err := json.Unmarshal(data, &fresh)
	*v = fresh
	return err
}

func getUser(b *bolt.Bucket, key []byte, u *User) error {
	data, err := record(b, key)
	if err != nil {
		return err
	}
	return decodeUser(data, u)
}

func putUser(b *bolt.Bucket, key []byte, u *User) error {
	w := newRecord()
	appendUser(w, u)
	return putRecord(b, key, w)
}

func getRun(b *bolt.Bucket, key []byte, r *flows.Run) error {
	data, err := record(b, key)
	if err != nil {
		return err
	}
	return decodeRun(data, r)
}

func putRun(b *bolt.Bucket, key []byte, r *flows.Run) error {
	w := newRecord()
	appendRun(w, r)
	return putRecord(b, key, w)
}

func getKeyboard(b *bolt.Bucket, key []byte, kb *Keyboard) error {
	data, err := record(b, key)
	if err != nil {
		return err
	}
	return decodeKeyboard(data, kb)
}

func putKeyboard(b *bolt.Bucket, key []byte, kb *Keyboard) error {
	w := newRecord()
	appendKeyboard(w, kb)
	return putRecord(b, key, w)
}

func getMessage(b *bolt.Bucket, key []byte, m *Message) error {
	data, err := record(b, key)
	if err != nil {
		return err
	}
	return decodeMessage(data, m)
}

func putMessage(b *bolt.Bucket, key []byte, m *Message) error {
	w := newRecord()
	appendMessage(w, m)
	return putRecord(b, key, w)
}

func putIncoming(b *bolt.Bucket, key []byte, in *Incoming) error {
	w := newRecord()
	appendIncoming(w, in)
	return putRecord(b, key, w)
}

// The records' fields, in order. A field is added at the end, and its
// decoder reads it only when bytes are left (r.s != "").

func appendUser(w *writer, u *User) {
	w.str(u.ID)
	w.str(u.Name)
	w.str(u.Role)
	w.str(u.AreaID)
	w.str(u.Lang)
	w.time(u.Created)
	w.flags(u.Unreachable, u.Revoked)
	w.time(u.LastMessage)
	w.str(u.Awaiting)
}

func decodeUser(data []byte, u *User) error {
	if isJSON(data) {
		return fromJSON(data, u)
	}
	r := newChatReader(data)
	*u = User{
		ID:     r.str(),
		Name:   r.str(),
		Role:   r.str(),
		AreaID: r.str(),
		Lang:   r.str(),
	}
	u.Created = r.time()
	f := r.flags()
	u.Unreachable, u.Revoked = f&1 != 0, f&2 != 0
	u.LastMessage = r.time()
	u.Awaiting = r.str()
	return r.end()
}

func appendRun(w *writer, r *flows.Run) {
	w.str(r.Form)
	w.str(r.Version)
	w.str(r.AreaID)
	w.str(string(r.Stage))
	w.str(r.Current)
	w.flags(r.Editing)
	w.strMap(r.Answers)
	w.strs(r.Trail)
	w.str(r.Previous)
	w.str(r.Picker.Query)
	w.int(int64(r.Picker.Page))
	w.strs(r.Selected)
	w.strs(r.Photos)
	w.str(r.HouseholdName)
	w.str(r.Pending)
	w.str(string(r.Resume))
	w.uint(r.Replaces)
	w.time(r.Started)
	w.time(r.Updated)
}

func decodeRun(data []byte, run *flows.Run) error {
	if isJSON(data) {
		return fromJSON(data, run)
	}
	r := newChatReader(data)
	*run = flows.Run{
		Form:    r.str(),
		Version: r.str(),
		AreaID:  r.str(),
		Stage:   flows.Stage(r.str()),
		Current: r.str(),
	}
	run.Editing = r.flags()&1 != 0
	run.Answers = r.strMap()
	run.Trail = r.strs()
	run.Previous = r.str()
	run.Picker.Query = r.str()
	run.Picker.Page = int(r.int())
	run.Selected = r.strs()
	run.Photos = r.strs()
	run.HouseholdName = r.str()
	run.Pending = r.str()
	run.Resume = flows.Stage(r.str())
	run.Replaces = r.uint()
	run.Started = r.time()
	run.Updated = r.time()
	return r.end()
}

func appendKeyboard(w *writer, kb *Keyboard) {
	w.str(kb.MessageID)
	w.str(kb.Text)
	w.str(kb.Question)
}

func decodeKeyboard(data []byte, kb *Keyboard) error {
	if isJSON(data) {
		return fromJSON(data, kb)
	}
	r := newChatReader(data)
	*kb = Keyboard{MessageID: r.str(), Text: r.str(), Question: r.str()}
	return r.end()
}

func appendIncoming(w *writer, in *Incoming) {
	w.uint(in.ID)
	w.str(in.Channel)
	w.str(in.ChatID)
	w.bytes(in.Payload)
	w.flags(in.Stranger)
}

// decodeIncoming reads an inbox record; its payload is copied as it is,
// not checked again as JSON.
func decodeIncoming(data []byte, in *Incoming) error {
	if isJSON(data) {
		return fromJSON(data, in)
	}
	r := newChatReader(data)
	*in = Incoming{ID: r.uint(), Channel: r.str(), ChatID: r.str()}
	in.Payload = r.bytes()
	in.Stranger = r.flags()&1 != 0
	return r.end()
}

func appendMessage(w *writer, m *Message) {
	w.uint(m.ID)
	w.str(m.Channel)
	w.str(m.ChatID)
	w.str(m.Text)
	w.count(len(m.Options), m.Options == nil)
	for _, o := range m.Options {
		w.str(o.Key)
		w.str(o.Label)
	}
	w.flags(m.Multi, m.Low, m.NoPreview, m.Attachment != nil, m.Typed)
	w.strs(m.Selected)
	w.str(m.DoneLabel)
	w.str(m.PlaceLabel)
	w.str(m.Question)
	w.str(m.Edit)
	if a := m.Attachment; a != nil {
		w.str(a.Name)
		w.flags(a.Image)
		w.bytes(a.Data)
		w.str(a.Ref)
	}
	w.time(m.Created)
	w.int(int64(m.Attempts))
	w.int(int64(m.PartsSent))
	w.time(m.NotBefore)
}

func decodeMessage(data []byte, m *Message) error {
	if isJSON(data) {
		return fromJSON(data, m)
	}
	r := newChatReader(data)
	*m = Message{ID: r.uint(), Channel: r.str(), ChatID: r.str(), Text: r.str()}
	if n, ok := r.count(2); ok {
		m.Options = make([]flows.Option, n)
		for i := range m.Options {
			m.Options[i] = flows.Option{Key: r.str(), Label: r.str()}
		}
	}
	f := r.flags()
	m.Multi, m.Low, m.NoPreview, m.Typed = f&1 != 0, f&2 != 0, f&4 != 0, f&16 != 0
	m.Selected = r.strs()
	m.DoneLabel = r.str()
	m.PlaceLabel = r.str()
	m.Question = r.str()
	m.Edit = r.str()
	if f&8 != 0 {
		a := &Attachment{Name: r.str()}
		a.Image = r.flags()&1 != 0
		a.Data = r.bytes()
		a.Ref = r.str()
		m.Attachment = a
	}
	m.Created = r.time()
	m.Attempts = int(r.int())
	m.PartsSent = int(r.int())
	m.NotBefore = r.time()
	return r.end()
}

// writer appends a record's fields.
type writer struct{ buf []byte }

func (w *writer) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *writer) int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }

func (w *writer) str(s string) {
	w.uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// bytes writes b, keeping nil apart from empty.
func (w *writer) bytes(b []byte) {
	w.count(len(b), b == nil)
	w.buf = append(w.buf, b...)
}

// count writes a length plus one, or 0 for nil.
func (w *writer) count(n int, isNil bool) {
	if isNil {
		w.uint(0)
		return
	}
	w.uint(uint64(n) + 1)
}

func (w *writer) strs(ss []string) {
	w.count(len(ss), ss == nil)
	for _, s := range ss {
		w.str(s)
	}
}

func (w *writer) strMap(m map[string]string) {
	w.count(len(m), m == nil)
	for k, v := range m {
		w.str(k)
		w.str(v)
	}
}

func (w *writer) flags(bs ...bool) {
	var f uint64
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	w.uint(f)
}

func (w *writer) time(t time.Time) {
	if t.IsZero() {
		w.uint(0)
		return
	}
	at := len(w.buf)
	w.buf = append(w.buf, 0) // its length, below 128
	var err error
	if w.buf, err = t.AppendBinary(w.buf); err != nil {
		// A zone offset of no whole minute, or a year out of range: kept
		// in UTC, the instant the same.
		w.buf, _ = t.UTC().AppendBinary(w.buf[:at+1])
	}
	w.buf[at] = byte(len(w.buf) - at - 1)
}

// chatReader takes a record's fields off it; its strings are cut from
// one copy of the record, so a record costs one allocation for all of
// them. Past the end or on a malformed field it gives zeros and
// remembers.
type chatReader struct {
	s   string
	bad bool
}

func newChatReader(data []byte) chatReader { return chatReader{s: string(data[1:])} }

func (r *chatReader) fail() { r.bad, r.s = true, "" }

// end tells whether the record was read whole, nothing left over.
func (r *chatReader) end() error {
	if r.bad || r.s != "" {
		return errCompact
	}
	return nil
}

func (r *chatReader) uint() uint64 {
	var v uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return v
		}
	}
	r.fail()
	return 0
}

func (r *chatReader) int() int64 {
	u := r.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *chatReader) flags() uint64 { return r.uint() }

func (r *chatReader) str() string {
	n := r.uint()
	if n > uint64(len(r.s)) {
		r.fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// count reads a length written by writer.count, each element at least
// least bytes long: false for nil.
func (r *chatReader) count(least int) (int, bool) {
	n := r.uint()
	if n == 0 {
		return 0, false
	}
	n--
	if n > uint64(len(r.s)/least) {
		r.fail()
		return 0, false
	}
	return int(n), true
}

func (r *chatReader) bytes() []byte {
	n, ok := r.count(1)
	if !ok {
		return nil
	}
	if n > len(r.s) {
		r.fail()
		return nil
	}
	b := []byte(r.s[:n])
	r.s = r.s[n:]
	return b
}

func (r *chatReader) strs() []string {
	n, ok := r.count(1)
	if !ok {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *chatReader) strMap() map[string]string {
	n, ok := r.count(2)
	if !ok {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := r.str()
		m[k] = r.str()
	}
	return m
}

func (r *chatReader) time() time.Time {
	n := r.uint()
	if n == 0 {
		return time.Time{}
	}
	if n > uint64(len(r.s)) {
		r.fail()
		return time.Time{}
	}
	var t time.Time
	data := []byte(r.s[:n])
	var again [16]byte
	// Only as the writer wrote it: a year or a zone far out of range
	// would not come back the same.
	if t.UnmarshalBinary(data) != nil || t.IsZero() {
		r.fail()
		return time.Time{}
	}
	if enc, err := t.AppendBinary(again[:0]); err != nil || string(enc) != string(data) {
		r.fail()
		return time.Time{}
	}
	r.s = r.s[n:]
	return t
}
