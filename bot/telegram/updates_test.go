package telegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/telegram/telegramtest"
)

// decodeUpdates is what call does with an answer readUpdates leaves.
func decodeUpdates(answer []byte) ([]tgbotapi.Update, bool) {
	var updates []tgbotapi.Update
	r := reply{Result: &updates}
	if err := json.Unmarshal(answer, &r); err != nil || !r.Ok {
		return nil, false
	}
	return updates, true
}

// A poll's answer in the Bot API's own form is read without reflection,
// into exactly what encoding/json gives; anything else is left to it.
func TestReadUpdates(t *testing.T) {
	real := `{"ok":true,"result":[{"update_id":812,"message":{"message_id":5,"from":{"id":1001,"is_bot":false,"first_name":"Hoa","last_name":"Lê","username":"hoa_le","language_code":"vi"},` +
		`"chat":{"id":1001,"first_name":"Hoa","last_name":"Lê","username":"hoa_le","type":"private"},"date":1764547200,"text":"Có"}},` +
		`{"update_id":813,"callback_query":{"id":"4382","from":{"id":1001,"is_bot":false,"first_name":"Hoa"},"message":{"message_id":6,"from":{"id":9,"is_bot":true,"first_name":"Sổ Thôn","username":"sothon_bot"},` +
		`"chat":{"id":1001,"type":"private"},"date":1764547201,"text":"Chọn hộ"},"chat_instance":"-77","data":"p|hh|3"}}]}`
	for _, c := range []struct {
		name, answer string
		fast         bool
	}{
		{"as Telegram sends them", real, true},
		{"none", `{"ok":true,"result":[]}`, true},
		{"spaced", "{\"ok\":true,\"result\":[ {\n\"update_id\" : 1 , \"message\" : { \"text\" : \"x\" , \"chat\" : { \"id\" : -5 } } } ] }\n", true},
		{"keys in any order", `{"ok":true,"result":[{"message":{"text":"1","date":2,"chat":{"type":"private","id":3}},"update_id":4}]}`, true},
		{"escapes", `{"ok":true,"result":[{"update_id":1,"message":{"text":"\"Nhà\" \\ \u1ea1 \ud83d\ude00 \n"}}]}`, true},
		{"not UTF-8", "{\"ok\":true,\"result\":[{\"update_id\":1,\"message\":{\"text\":\"\xff\xe1\xbb\"}}]}", true},
		{"an escaped key", `{"ok":true,"result":[{"update_id":1,"message":{"te\u0078t":"x"}}]}`, true},
		{"empty objects", `{"ok":true,"result":[{},{"message":{"from":{},"chat":{}}}]}`, true},
		{"a photo", `{"ok":true,"result":[{"update_id":1,"message":{"photo":[{"file_id":"a"}]}}]}`, false},
		{"a key in capitals", `{"ok":true,"result":[{"update_id":1,"message":{"Text":"x"}}]}`, false},
		{"a key twice", `{"ok":true,"result":[{"update_id":1,"message":{"text":"a","text":"b"}}]}`, false},
		{"a pointer twice", `{"ok":true,"result":[{"update_id":1,"message":{"chat":{"id":1},"chat":{"type":"private"}}}]}`, false},
		{"null", `{"ok":true,"result":[{"update_id":1,"message":null}]}`, false},
		{"a fraction", `{"ok":true,"result":[{"update_id":1.0}]}`, false},
		{"an exponent", `{"ok":true,"result":[{"update_id":1e3}]}`, false},
		{"a leading zero", `{"ok":true,"result":[{"update_id":01}]}`, false},
		{"too large", `{"ok":true,"result":[{"update_id":1,"message":{"chat":{"id":9223372036854775808}}}]}`, false},
		{"more after", `{"ok":true,"result":[],"description":"x"}`, false},
		{"cut short", `{"ok":true,"result":[{"update_id":1`, false},
		{"a control byte", "{\"ok\":true,\"result\":[{\"update_id\":1,\"message\":{\"text\":\"a\x01\"}}]}", false},
		{"refused", `{"ok":false,"error_code":409,"description":"Conflict"}`, false},
		{"another order", `{"result":[],"ok":true}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := readUpdates([]byte(c.answer))
			if ok != c.fast {
				t.Fatalf("read without reflection: %v, want %v", ok, c.fast)
			}
			if !ok {
				return
			}
			want, wantOK := decodeUpdates([]byte(c.answer))
			if !wantOK || !reflect.DeepEqual(got, want) {
				t.Fatalf("read %s\nencoding/json: %s", dump(got), dump(want))
			}
		})
	}
}

// An answer that is not in the Bot API's form costs no more to refuse
// than a copy of it, however many update_id keys it holds: the batch is
// made for at most the hundred updates getUpdates gives, not one for
// every key counted.
func TestReadUpdatesRefusedCostsLittle(t *testing.T) {
	answer := []byte(updatesHead + strings.Repeat(`"update_id"`, 100_000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, ok := readUpdates(answer)
	runtime.ReadMemStats(&after)
	if ok {
		t.Fatal("read an answer cut short")
	}
	if cost := after.TotalAlloc - before.TotalAlloc; cost > 3*uint64(len(answer)) {
		t.Fatalf("refusing %d bytes took %d", len(answer), cost)
	}
}

// The fake Bot API's answers, the load benchmark's, take the fast way.
func TestFakeUpdatesReadWithoutReflection(t *testing.T) {
	fake := telegramtest.New(token)
	defer fake.Close()
	fake.Say(7, "Xin chào \"thôn\" <1>")
	fake.Press(7, 99, "a|job|1")
	resp, err := http.Post(fake.URL+"/bot"+token+"/getUpdates", "application/json", bytes.NewReader([]byte(`{"timeout":0}`)))
	if err != nil {
		t.Fatal(err)
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := readUpdates(answer)
	want, _ := decodeUpdates(answer)
	if !ok || len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: read %v %s", answer, ok, dump(got))
	}
}

// Whatever a poll's answer holds, what is read without reflection is what
// encoding/json reads from it.
func FuzzReadUpdates(f *testing.F) {
	f.Add(`{"ok":true,"result":[{"update_id":1,"message":{"message_id":2,"date":3,"text":"Có","chat":{"id":4,"type":"private"},"from":{"id":4,"is_bot":false,"first_name":"A"}}}]}`)
	f.Add(`{"ok":true,"result":[{"update_id":5,"callback_query":{"id":"c","data":"a|q|1","chat_instance":"1","from":{"id":1},"message":{"message_id":2,"chat":{"id":1,"type":"private"}}}}]}`)
	f.Add(`{"ok":true,"result":[{"update_id":1,"message":{"text":"\u00e1\\\"x\ud800"}}]}`)
	f.Add(`{"ok":true,"result":[ ]}`)
	f.Fuzz(func(t *testing.T, answer string) {
		got, ok := readUpdates([]byte(answer))
		if !ok {
			return
		}
		want, wantOK := decodeUpdates([]byte(answer))
		if !wantOK || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: read %s\nencoding/json (%v): %s", answer, dump(got), wantOK, dump(want))
		}
	})
}

// A webhook's update likewise.
func FuzzReadUpdate(f *testing.F) {
	f.Add(`{"update_id":5,"message":{"message_id":1,"date":1700000000,"chat":{"id":42,"type":"private"},"text":"1"}}`)
	f.Add(`{"update_id":6,"callback_query":{"id":"c","data":"a|q|1","message":{"message_id":2,"date":1,"chat":{"id":42,"type":"group"}}}} `)
	f.Add(`{"update_id":"x"}`)
	f.Fuzz(func(t *testing.T, body string) {
		got, ok := readUpdate([]byte(body))
		if !ok {
			return
		}
		var want tgbotapi.Update
		if err := json.Unmarshal([]byte(body), &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: read %s\nencoding/json (%v): %s", body, dump(got), err, dump(want))
		}
	})
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A poll's batch of 64 heads' answers, as the load benchmark's are:
//
//	go test ./bot/telegram -run '^$' -bench ReadUpdates -benchmem
func BenchmarkReadUpdates(b *testing.B) {
	var answer bytes.Buffer
	answer.WriteString(updatesHead)
	for i := range 64 {
		if i > 0 {
			answer.WriteByte(',')
		}
		fmt.Fprintf(&answer, `{"message":{"chat":{"id":%d,"type":"private"},"date":1764547200,"from":{"first_name":"Người","id":%[1]d,"is_bot":false,"language_code":"vi","last_name":"%[1]d"},"message_id":%d,"text":"Có"},"update_id":%d}`, 100000+i, 5000+i, 900+i)
	}
	answer.WriteString("]}")
	for _, read := range []struct {
		name string
		read func([]byte) ([]tgbotapi.Update, bool)
	}{{"without-reflection", readUpdates}, {"encoding-json", decodeUpdates}} {
		b.Run(read.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if u, ok := read.read(answer.Bytes()); !ok || len(u) != 64 {
					b.Fatal(ok, len(u))
				}
			}
		})
	}
}
