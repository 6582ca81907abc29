package telegram

import "testing"

// A sent message's id is read wherever it stands in the Bot API's answer;
// an answer without one, or not an object, is an error, not id 0.
func TestMessageID(t *testing.T) {
	for _, c := range []struct {
		result string
		id     int
		ok     bool
	}{
		{`{"message_id":42,"from":{"id":1,"is_bot":true},"chat":{"id":7},"text":"Câu 1"}`, 42, true},
		{`{"chat":{"id":7,"message_id":9},"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a"}]]},"message_id":43}`, 43, true},
		{`{"text":"no id"}`, 0, false},
		{`[1,2]`, 0, false},
		{`{"message_id":"x"}`, 0, false},
		{``, 0, false},
		{`{"message_id":7}`, 7, true},
		{`{"message_id":-12,"chat":{}}`, -12, true},
		{`{"message_id": 44,"chat":{}}`, 44, true},
		{`{"message_id":4.5,"chat":{}}`, 0, false},
		{`{"message_id":1234567890123456789,"chat":{}}`, 1234567890123456789, true},
		{`{"message_id":`, 0, false},
	} {
		id, err := messageID([]byte(c.result))
		if (err == nil) != c.ok || id != c.id {
			t.Errorf("%s: id %d, err %v; want %d, ok %v", c.result, id, err, c.id, c.ok)
		}
	}
}

// Whatever the answer, messageID never panics, and where it reads the id
// at a glance it reads what the JSON decoder reads.
func FuzzMessageID(f *testing.F) {
	f.Add([]byte(`{"message_id":42,"text":"x"}`))
	f.Add([]byte(`{"a":[1,{"b":null}],"message_id":-1}`))
	f.Add([]byte(`{"message_id":-0}`))
	f.Add([]byte(`{"message_id":0012,"x":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := messageID(data)
		if _, glance := leadingID(data); glance {
			want, wantErr := decodeMessageID(data)
			if err != nil || wantErr != nil || id != want {
				t.Fatalf("%q: read %d (%v), the decoder %d (%v)", data, id, err, want, wantErr)
			}
		}
	})
}
