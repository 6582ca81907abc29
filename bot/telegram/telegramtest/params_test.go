package telegramtest

import (
	"encoding/json"
	"maps"
	"net/url"
	"testing"
)

// readParams takes what encoding/json takes as an object of parameters,
// and gives the same parameters: each string's value, each other value's
// JSON.
func FuzzReadParams(f *testing.F) {
	for _, body := range []string{
		`{"chat_id":10042,"text":"Câu 3/22. \"Hộ\" <có>\n","reply_markup":{"inline_keyboard":[[{"text":"1. Có","callback_data":"a|job|1"}]]}}`,
		`{"chat_id":-1,"message_id":7,"text":"x","disable_web_page_preview":true}`,
		` { "a" : [1, "]}", {"b": null}] , "c":"\u00e1\ud83c\udfe0" , "a":false } `,
		`{}`, `null`, `[1]`, `{"a":}`, `{"a":1,}`, `{"a":"\x"}`, `{"a":"b` + "\x01" + `"}`, `{"a":01}`, `{"a":"\xff"}`,
		`{"a":"\n\t\/\b\f\r\\\"Câu\"","b":"\\"}`, `{"a":"x\n\u0041"}`, `{"a":1}x`, `{"a" 1}`, `{"a":tru}`, `{"a":{"b":1}`, `{"a":[1,2]]}`, `{"a":-}`, `{"a":"x"}{}`, `{"a":["x`, `{"a":["x\`, `{"a":["x\"`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := map[string]string{}
		err := readParams(body[:len(body):len(body)], got) // nothing past its end to read
		want, wantErr := decodeParams(body)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: readParams says %v, encoding/json %v", body, err, wantErr)
		}
		if err == nil && !maps.Equal(got, want) {
			t.Fatalf("%q: readParams gives %q, encoding/json %q", body, got, want)
		}
	})
}

// decodeParams is readParams with encoding/json alone.
func decodeParams(body []byte) (map[string]string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range fields {
		s := string(v)
		if len(v) > 0 && v[0] == '"' {
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
		}
		params[k] = s
	}
	return params, nil
}

// BenchmarkReadParams reads a question as the sender sends it as JSON;
// BenchmarkReadForm, the same question as a form.
func BenchmarkReadParams(b *testing.B) {
	body := []byte(benchQuestion)
	b.ReportAllocs()
	for b.Loop() {
		if err := readParams(body, map[string]string{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeParams(b *testing.B) {
	body := []byte(benchQuestion)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeParams(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadForm(b *testing.B) {
	params, _ := decodeParams([]byte(benchQuestion))
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	body := form.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := url.ParseQuery(body); err != nil {
			b.Fatal(err)
		}
	}
}

const benchQuestion = `{"chat_id":10042,"text":"Câu 7/22. Hộ cần hỗ trợ gì? (chọn nhiều)","reply_markup":{"inline_keyboard":[[{"text":"1. Vay vốn ưu đãi","callback_data":"a|needs|1"}],[{"text":"✅ 2. Hỗ trợ giống, vật tư sản xuất","callback_data":"a|needs|2"}],[{"text":"3. Đào tạo nghề","callback_data":"a|needs|3"}],[{"text":"✔ Xong","callback_data":"d|needs"}]]}}`
