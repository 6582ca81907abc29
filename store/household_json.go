package store

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// householdJSON encodes a household as encoding/json does, byte for byte,
// without reflection: an import writes a million of them, and
// json.Marshal (its times above all) was a third of the preparing. A
// household whose text or times would need json.Marshal's care (escapes,
// a year past 9999) is handed to it.
func householdJSON(hh *Household) ([]byte, error) {
	return appendHouseholdJSON(make([]byte, 0, 128+len(hh.ID)+len(hh.AreaID)+len(hh.HeadName)+64*len(hh.History)), hh)
}

// appendHouseholdJSON appends the record of householdJSON to b.
func appendHouseholdJSON(b []byte, hh *Household) ([]byte, error) {
	plain := plainJSON(hh.ID) && plainJSON(hh.AreaID) && plainJSON(hh.HeadName) && plainJSON(hh.Status) && plainJSON(hh.Approved) && plainTime(hh.StatusAt)
	for _, ch := range hh.History {
		plain = plain && plainJSON(ch.Status) && plainTime(ch.At)
	}
	if !plain {
		data, err := json.Marshal(hh)
		return append(b, data...), err
	}
	b = appendField(b, `{"id":`, hh.ID)
	b = appendField(b, `,"area_id":`, hh.AreaID)
	b = appendField(b, `,"head_name":`, hh.HeadName)
	if hh.Members != 0 {
		b = strconv.AppendInt(append(b, `,"members":`...), int64(hh.Members), 10)
	}
	if hh.Status != "" {
		b = appendField(b, `,"status":`, hh.Status)
	}
	if !hh.StatusAt.IsZero() {
		b = appendTime(append(b, `,"status_at":`...), hh.StatusAt)
	}
	if hh.LastSubmission != 0 {
		b = strconv.AppendUint(append(b, `,"last_submission":`...), hh.LastSubmission, 10)
	}
	if len(hh.History) > 0 {
		b = append(b, `,"history":[`...)
		for i, ch := range hh.History {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTime(append(b, `{"at":`...), ch.At)
			b = appendField(b, `,"status":`, ch.Status)
			if ch.Submission != 0 {
				b = strconv.AppendUint(append(b, `,"submission":`...), ch.Submission, 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if hh.Approved != "" {
		b = appendField(b, `,"approved":`, hh.Approved)
	}
	return append(b, '}'), nil
}

func appendField(b []byte, name, s string) []byte {
	b = append(append(b, name...), '"')
	return append(append(b, s...), '"')
}

func appendTime(b []byte, t time.Time) []byte {
	return append(t.AppendFormat(append(b, '"'), time.RFC3339Nano), '"')
}

// plainJSON tells a string that JSON holds as it is: valid UTF-8 with
// nothing encoding/json escapes (quotes, backslashes, control characters,
// <, > and &, U+2028 and U+2029).
func plainJSON(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// plainTime tells a time that time.Time.MarshalJSON writes as RFC 3339:
// a year of four digits, a zone offset within a day, in whole minutes.
func plainTime(t time.Time) bool {
	_, off := t.Zone()
	return t.Year() >= 0 && t.Year() <= 9999 && off > -24*3600 && off < 24*3600 && off%60 == 0
}

// putHouseholdRecord stores a household's record.
func putHouseholdRecord(tx *bolt.Tx, hh *Household) error {
	data, err := householdJSON(hh)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketHouseholds).Put([]byte(hh.ID), data)
}
