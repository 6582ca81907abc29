package delivery

import (
	"encoding/json"
	"strconv"
	"time"

	"sothon/bot"
)

// inboxPayload is an update as the inbox keeps it: exactly json.Marshal's
// encoding of it, which decodeInbound reads back after a crash, written
// without encoding/json's reflection (a twelfth of the receiver's work a
// message). An update with a place, or with a time json.Marshal refuses,
// goes through json.Marshal itself; TestInboxPayloadIsJSONMarshal holds
// the two alike, field by field.
func inboxPayload(in bot.Inbound) ([]byte, error) {
	if _, offset := in.At.Zone(); in.Place != nil || in.At.Year() < 0 || in.At.Year() > 9999 || offset <= -24*3600 || offset >= 24*3600 {
		return json.Marshal(in)
	}
	b := make([]byte, 0, 160+len(in.Text)+len(in.Name)+len(in.Photo)+len(in.Button))
	b = append(b, `{"channel":`...)
	b = AppendJSONString(b, in.Channel)
	b = append(b, `,"chat_id":`...)
	b = AppendJSONString(b, in.ChatID)
	b = optionalString(b, `,"message_id":`, in.MessageID)
	if in.InOrder {
		b = append(b, `,"in_order":true`...)
	}
	b = optionalString(b, `,"name":`, in.Name)
	b = optionalString(b, `,"lang":`, in.Lang)
	b = optionalString(b, `,"text":`, in.Text)
	if in.NotText {
		b = append(b, `,"not_text":true`...)
	}
	b = optionalString(b, `,"photo":`, in.Photo)
	if in.PhotoSize != 0 {
		b = append(b, `,"photo_size":`...)
		b = strconv.AppendInt(b, in.PhotoSize, 10)
	}
	if in.PhotoResend {
		b = append(b, `,"photo_resend":true`...)
	}
	b = optionalString(b, `,"button":`, in.Button)
	b = optionalString(b, `,"callback_id":`, in.CallbackID)
	b = append(b, `,"at":"`...)
	b = in.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if in.Overflow {
		b = append(b, `,"overflow":true`...)
	}
	return append(b, '}'), nil
}

// optionalString appends a field left out when empty (omitempty).
func optionalString(b []byte, field, s string) []byte {
	if s == "" {
		return b
	}
	return AppendJSONString(append(b, field...), s)
}
