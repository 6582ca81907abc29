package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/flows"
)

// gen makes random records: strings with Vietnamese letters, empty
// and nil slices and maps, zero times and times at any instant.
type gen struct{ r *rand.Rand }

func (g gen) str() string {
	if g.r.IntN(4) == 0 {
		return ""
	}
	const letters = "abcxyz019 :/\x00\"{ăơưĐđệ"
	rs := []rune(letters)
	out := make([]rune, g.r.IntN(30))
	for i := range out {
		out[i] = rs[g.r.IntN(len(rs))]
	}
	return string(out)
}

func (g gen) strs() []string {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+g.r.IntN(8))
	for i := range out {
		out[i] = g.str()
	}
	return out
}

func (g gen) strMap() map[string]string {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return map[string]string{}
	}
	m := map[string]string{}
	for range 1 + g.r.IntN(30) {
		m[g.str()] = g.str()
	}
	return m
}

func (g gen) bytes() []byte {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []byte{}
	}
	b := make([]byte, 1+g.r.IntN(300))
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

// time is zero, or an instant in UTC to the nanosecond, years 1 to 9999
// (the monotonic reading and the zone are another matter, see
// TestChatCodecTimes).
func (g gen) time() time.Time {
	if g.r.IntN(4) == 0 {
		return time.Time{}
	}
	return time.Unix(g.r.Int64N(253402300799+62135596800)-62135596800, g.r.Int64N(1e9)).UTC()
}

func (g gen) int() int     { return int(g.r.Uint64()) >> g.r.IntN(64) }
func (g gen) bool() bool   { return g.r.IntN(2) == 0 }
func (g gen) uint() uint64 { return g.r.Uint64() >> g.r.IntN(64) }

func (g gen) user() User {
	return User{ID: g.str(), Name: g.str(), Role: g.str(), AreaID: g.str(), Lang: g.str(), Created: g.time(),
		Unreachable: g.bool(), Revoked: g.bool(), LastMessage: g.time(), Awaiting: g.str()}
}

func (g gen) run() flows.Run {
	return flows.Run{Form: g.str(), Version: g.str(), AreaID: g.str(), Stage: flows.Stage(g.str()), Current: g.str(),
		Editing: g.bool(), Answers: g.strMap(), Trail: g.strs(), Previous: g.str(), Picker: flows.Picker{Query: g.str(), Page: g.int()},
		Selected: g.strs(), Photos: g.strs(), HouseholdName: g.str(), Pending: g.str(), Resume: flows.Stage(g.str()),
		Replaces: g.uint(), Started: g.time(), Updated: g.time()}
}

func (g gen) keyboard() Keyboard {
	return Keyboard{MessageID: g.str(), Text: g.str(), Question: g.str()}
}

func (g gen) incoming() Incoming {
	return Incoming{ID: g.uint(), Channel: g.str(), ChatID: g.str(), Payload: g.bytes(), Stranger: g.bool()}
}

func (g gen) message() Message {
	m := Message{ID: g.uint(), Channel: g.str(), ChatID: g.str(), Text: g.str(), Multi: g.bool(), Selected: g.strs(),
		DoneLabel: g.str(), PlaceLabel: g.str(), Question: g.str(), Edit: g.str(), Created: g.time(), Attempts: g.int(),
		PartsSent: g.int(), Low: g.bool(), NoPreview: g.bool(), Typed: g.bool(), NotBefore: g.time()}
	if n := g.r.IntN(6); n > 0 {
		m.Options = make([]flows.Option, n-1)
		for i := range m.Options {
			m.Options[i] = flows.Option{Key: g.str(), Label: g.str()}
		}
	}
	if g.bool() {
		m.Attachment = &Attachment{Name: g.str(), Image: g.bool(), Data: g.bytes(), Ref: g.str()}
	}
	return m
}

// roundTrip checks that v comes back from its encoding equal, field by
// field, and that every shorter cut of the record is an error.
func roundTrip[T any](t *testing.T, seed uint64, v T, enc func(*writer, *T), dec func([]byte, *T) error) {
	t.Helper()
	w := writer{buf: []byte{compactTag}}
	enc(&w, &v)
	var got T
	if err := dec(w.buf, &got); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("seed %d: got\n%#v\nwant\n%#v", seed, got, v)
	}
	for cut := 1; cut < len(w.buf); cut++ {
		if err := dec(w.buf[:cut], &got); err == nil {
			t.Fatalf("seed %d: a record cut at %d of %d reads as %#v", seed, cut, len(w.buf), got)
		}
	}
	if err := dec(append(w.buf, 0), &got); err == nil {
		t.Fatalf("seed %d: a byte left over was not seen", seed)
	}
}

// Every record comes back as it went in, nil apart from empty, and a
// record cut short or too long is an error.
func TestChatCodecRoundTrip(t *testing.T) {
	t.Parallel()
	for seed := range uint64(2000) {
		g := gen{rand.New(rand.NewPCG(seed, 22))}
		roundTrip(t, seed, g.user(), appendUser, decodeUser)
		roundTrip(t, seed, g.run(), appendRun, decodeRun)
		roundTrip(t, seed, g.keyboard(), appendKeyboard, decodeKeyboard)
		roundTrip(t, seed, g.incoming(), appendIncoming, decodeIncoming)
		roundTrip(t, seed, g.message(), appendMessage, decodeMessage)
	}
}

// Times keep their instant and their offset from UTC, whatever the zone;
// the monotonic reading of time.Now is dropped, as JSON dropped it.
func TestChatCodecTimes(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{time.Now(), time.Date(2026, 11, 30, 9, 0, 0, 5, time.FixedZone("ICT", 7*3600)),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 5*3600+1800+7))} {
		u := User{Created: at}
		w := writer{buf: []byte{compactTag}}
		appendUser(&w, &u)
		var got User
		if err := decodeUser(w.buf, &got); err != nil {
			t.Fatal(err)
		}
		_, want := at.Zone()
		if _, off := got.Created.Zone(); !got.Created.Equal(at) || off != want || got.Created != got.Created.Round(-1) {
			t.Errorf("%v came back %v", at, got.Created)
		}
	}
}

// A record written as JSON before schema 15 reads as json.Unmarshal read
// it, whatever the value it is read into held.
func TestChatCodecReadsJSON(t *testing.T) {
	t.Parallel()
	for seed := range uint64(200) {
		g := gen{rand.New(rand.NewPCG(seed, 15))}
		u, r, kb, in, m := g.user(), g.run(), g.keyboard(), g.incoming(), g.message()
		if in.Payload != nil {
			in.Payload = json.RawMessage(`{"update_id":` + strconv.FormatUint(seed, 10) + `, "message": {"text":"Có"}}`)
		}
		sameAsJSON(t, &u, decodeUser)
		sameAsJSON(t, &r, decodeRun)
		sameAsJSON(t, &kb, decodeKeyboard)
		sameAsJSON(t, &in, decodeIncoming)
		sameAsJSON(t, &m, decodeMessage)
	}
	// As schema 14 wrote them.
	var got Incoming
	if err := decodeIncoming([]byte(`{"id":7,"channel":"telegram","chat_id":"42","payload":{"update_id":9},"stranger":true}`), &got); err != nil ||
		got.ID != 7 || string(got.Payload) != `{"update_id":9}` || !got.Stranger {
		t.Errorf("schema-14 inbox record: %+v %v", got, err)
	}
	var run flows.Run
	if err := decodeRun([]byte(`{"form":"household","stage":"ask","current":"members","answers":{"household":"h1"},"started":"2026-11-30T09:00:00Z","updated":"2026-11-30T09:01:00Z"}`), &run); err != nil ||
		run.Answers["household"] != "h1" || run.Stage != flows.StageAsk || run.Updated.Minute() != 1 {
		t.Errorf("schema-14 run: %+v %v", run, err)
	}
}

func sameAsJSON[T any](t *testing.T, v *T, dec func([]byte, *T) error) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var want, got T
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got = *v // decoding starts afresh, as getJSON did into a zero value
	if err := dec(data, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%T from JSON: got %#v, want %#v (%v)", got, got, want, err)
	}
}

// The codec carries every field of the records it encodes: a field added
// to one of them fails here until the codec (and this list) carry it, at
// the end of the record (see codec_chat.go).
func TestChatCodecCarriesEveryField(t *testing.T) {
	t.Parallel()
	carried := map[reflect.Type][]string{
		reflect.TypeFor[User]():         {"ID", "Name", "Role", "AreaID", "Lang", "Created", "Unreachable", "Revoked", "LastMessage", "Awaiting"},
		reflect.TypeFor[flows.Run]():    {"Form", "Version", "AreaID", "Stage", "Current", "Editing", "Answers", "Trail", "Previous", "Picker", "Selected", "Photos", "HouseholdName", "Pending", "Resume", "Replaces", "Started", "Updated"},
		reflect.TypeFor[flows.Picker](): {"Query", "Page"},
		reflect.TypeFor[Keyboard]():     {"MessageID", "Text", "Question"},
		reflect.TypeFor[Incoming]():     {"ID", "Channel", "ChatID", "Payload", "Stranger"},
		reflect.TypeFor[Message]():      {"ID", "Channel", "ChatID", "Text", "Options", "Multi", "Selected", "DoneLabel", "PlaceLabel", "Typed", "Question", "Edit", "Attachment", "Created", "Attempts", "PartsSent", "Low", "NoPreview", "NotBefore"},
		reflect.TypeFor[flows.Option](): {"Key", "Label"},
		reflect.TypeFor[Attachment]():   {"Name", "Image", "Data", "Ref"},
	}
	for typ, want := range carried {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v has the fields %v; the compact codec carries %v", typ, got, want)
		}
	}
	// And the random records the round trip draws fill every field.
	g := gen{rand.New(rand.NewPCG(1, 2))}
	for _, v := range []any{g.user(), g.run(), g.keyboard(), g.incoming(), g.message()} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			if name := typ.Field(i).Name; !someNonZero(func(g gen) any { return pick(g, v) }, name) {
				t.Errorf("%T.%s is never drawn", v, name)
			}
		}
	}
}

func pick(g gen, like any) any {
	switch like.(type) {
	case User:
		return g.user()
	case flows.Run:
		return g.run()
	case Keyboard:
		return g.keyboard()
	case Incoming:
		return g.incoming()
	}
	return g.message()
}

func someNonZero(draw func(gen) any, field string) bool {
	for seed := range uint64(50) {
		if !reflect.ValueOf(draw(gen{rand.New(rand.NewPCG(seed, 3))})).FieldByName(field).IsZero() {
			return true
		}
	}
	return false
}

// fuzzDecoder checks that a decoder never panics, and that what it reads
// is written again and read back the same.
func fuzzDecoder[T any](f *testing.F, seeds []T, enc func(*writer, *T), dec func([]byte, *T) error) {
	for i := range seeds {
		w := writer{buf: []byte{compactTag}}
		enc(&w, &seeds[i])
		f.Add(w.buf)
		data, _ := json.Marshal(seeds[i])
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		if dec(data, &v) != nil || isJSON(data) {
			return
		}
		w := writer{buf: []byte{compactTag}}
		enc(&w, &v)
		var again T
		if err := dec(w.buf, &again); err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("read %#v, written and read again %#v (%v)", v, again, err)
		}
	})
}

func fuzzSeeds[T any](draw func(gen) T) []T {
	var out []T
	for seed := range uint64(4) {
		out = append(out, draw(gen{rand.New(rand.NewPCG(seed, 9))}))
	}
	return out
}

func FuzzDecodeUser(f *testing.F) {
	fuzzDecoder(f, fuzzSeeds(gen.user), appendUser, decodeUser)
}

func FuzzDecodeRun(f *testing.F) {
	fuzzDecoder(f, fuzzSeeds(gen.run), appendRun, decodeRun)
}

func FuzzDecodeKeyboard(f *testing.F) {
	fuzzDecoder(f, fuzzSeeds(gen.keyboard), appendKeyboard, decodeKeyboard)
}

func FuzzDecodeIncoming(f *testing.F) {
	fuzzDecoder(f, fuzzSeeds(gen.incoming), appendIncoming, decodeIncoming)
}

func FuzzDecodeMessage(f *testing.F) {
	fuzzDecoder(f, fuzzSeeds(gen.message), appendMessage, decodeMessage)
}

// The records are stored and read through a bucket as through the codec.
func TestChatRecordsInABucket(t *testing.T) {
	t.Parallel()
	db, err := bolt.Open(t.TempDir()+"/b.db", 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := gen{rand.New(rand.NewPCG(5, 5))}
	u := g.user()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("users"))
		if err != nil {
			return err
		}
		if err := putUser(b, []byte("u1"), &u); err != nil {
			return err
		}
		var got User
		if err := getUser(b, []byte("u1"), &got); err != nil || !reflect.DeepEqual(got, u) {
			t.Errorf("got %#v, want %#v (%v)", got, u, err)
		}
		if err := getUser(b, []byte("u2"), &got); err != ErrNotFound {
			t.Errorf("a user not there: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
