package delivery

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"sothon/bot"
	"sothon/flows"
)

// Every field of an update is kept as json.Marshal keeps it, alone or
// with the others: a field added to bot.Inbound and not to inboxPayload
// fails here rather than vanishing from the inbox.
func TestInboxPayloadIsJSONMarshal(t *testing.T) {
	base := bot.Inbound{Channel: "telegram", ChatID: "42", At: time.Date(2026, 11, 30, 21, 5, 7, 123456789, time.UTC)}
	all := base
	typ := reflect.TypeFor[bot.Inbound]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("json") == "-" {
			continue
		}
		in := base
		for _, v := range []reflect.Value{reflect.ValueOf(&in).Elem(), reflect.ValueOf(&all).Elem()} {
			field := v.Field(i)
			switch field.Kind() {
			case reflect.String:
				field.SetString(`Nguyễn "Văn" <A> & \ ` + f.Name)
			case reflect.Bool:
				field.SetBool(true)
			case reflect.Int64, reflect.Int:
				field.SetInt(-1234567)
			case reflect.Pointer:
				field.Set(reflect.ValueOf(&flows.Point{Lat: 21.0285, Lon: 105.8542, Accuracy: 12.5}))
			case reflect.Struct: // the time: already set
			default:
				t.Fatalf("field %s of kind %s: teach inboxPayload and this test about it", f.Name, field.Kind())
			}
		}
		same(t, f.Name, in)
	}
	same(t, "every field", all)
	all.Place = nil
	same(t, "every field but the place", all)
	for _, at := range []time.Time{{}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("ICT", 7*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 24*3600)),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("y", -(3600+30)))} {
		in := base
		in.At = at
		same(t, at.String(), in)
	}
}

func FuzzInboxPayload(f *testing.F) {
	f.Add("telegram", "42", "1001", "Nguyễn Văn A", "vi", "4tr5", "", "a|job|1", int64(0), int64(1764536707123456789), 7*3600, byte(0))
	f.Add("zalo", "-1", "", "\xff<\u2028>", "", "\x00\"\\", "file-id", "", int64(2048), int64(-62135596800000000000/1e9), -30, byte(0xff))
	f.Fuzz(func(t *testing.T, channel, chat, id, name, lang, text, photo, button string, size, unixNano int64, offset int, flags byte) {
		in := bot.Inbound{Channel: channel, ChatID: chat, MessageID: id, InOrder: flags&1 != 0, Name: name, Lang: lang, Text: text,
			NotText: flags&2 != 0, Photo: photo, PhotoSize: size, PhotoResend: flags&4 != 0, Button: button, CallbackID: button + id,
			At: time.Unix(0, unixNano).In(time.FixedZone("z", offset%(30*3600))), Overflow: flags&8 != 0}
		if flags&16 != 0 {
			in.Place = &flows.Point{Lat: float64(size), Lon: float64(offset)}
		}
		same(t, "fuzzed", in)
	})
}

// same checks inboxPayload against json.Marshal, errors included.
func same(t *testing.T, name string, in bot.Inbound) {
	t.Helper()
	got, err := inboxPayload(in)
	want, wantErr := json.Marshal(in)
	if (err != nil) != (wantErr != nil) || string(got) != string(want) {
		t.Fatalf("%s:\n got %s (%v)\nwant %s (%v)", name, got, err, want, wantErr)
	}
}

// AppendJSONString writes what json.Marshal writes for a string.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "Câu 3/22", `<"\>&`, "\x00\x1f\x7f\u2028\u2029", "\xff\xe1\xbb", "🏠 ✅"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}
