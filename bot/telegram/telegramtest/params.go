package telegramtest

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// readParams reads a JSON object of parameters, as the Bot API takes them:
// a string as its value, anything else (a number, true, a keyboard) as its
// JSON, which is how a form carries them. It takes what encoding/json
// takes, and gives what decoding into a map[string]json.RawMessage and
// then each string gives (FuzzReadParams); it reads a plain string without
// a decoder, as the form's parser does: with encoding/json's reflection,
// the fake spent two and a half times as long on a question as JSON as on
// the same question as a form, which the load benchmark counts against
// the bot that sends JSON.
func readParams(b []byte, params map[string]string) error {
	i := skipSpace(b, 0)
	if hasWord(b, i, "null") && skipSpace(b, i+4) == len(b) {
		return nil // encoding/json leaves the map as it was
	}
	if i == len(b) || b[i] != '{' {
		return errNotObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return atEnd(b, i+1)
	}
	for {
		if i == len(b) || b[i] != '"' {
			return errNotObject
		}
		key, next, err := readString(b, i)
		if err != nil {
			return err
		}
		i = skipSpace(b, next)
		if i == len(b) || b[i] != ':' {
			return errNotObject
		}
		i = skipSpace(b, i+1)
		var value string
		if i < len(b) && b[i] == '"' {
			value, next, err = readString(b, i)
		} else if next, err = valueEnd(b, i); err == nil {
			value = string(b[i:next])
		}
		if err != nil {
			return err
		}
		params[key] = value
		i = skipSpace(b, next)
		switch {
		case i == len(b):
			return errNotObject
		case b[i] == '}':
			return atEnd(b, i+1)
		case b[i] != ',':
			return errNotObject
		}
		i = skipSpace(b, i+1)
	}
}

var errNotObject = errors.New("telegramtest: not a JSON object of parameters")

// readString reads the JSON string that begins at b[i]: at once when it
// holds no escape but a line break's, a tab's, a quote's or a
// backslash's, else with encoding/json.
func readString(b []byte, i int) (s string, next int, err error) {
	plain := true
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			if utf8.Valid(b[i+1 : j]) {
				if plain {
					return string(b[i+1 : j]), j + 1, nil
				}
				if s, ok := unescape(b[i+1 : j]); ok {
					return s, j + 1, nil
				}
			}
			err := json.Unmarshal(b[i:j+1], &s)
			return s, j + 1, err
		case c == '\\':
			plain = false
			j++ // the escaped character, maybe a quote
		case c < ' ':
			return "", 0, errNotObject // encoding/json refuses it too
		}
	}
	return "", 0, errNotObject
}

// unescape reads a string's escapes of one character (a question's line
// breaks); ok is false for \u escapes, left to encoding/json.
func unescape(b []byte) (string, bool) {
	out := make([]byte, 0, len(b))
	for j := 0; j < len(b); j++ {
		if b[j] != '\\' {
			out = append(out, b[j])
			continue
		}
		if j++; j == len(b) {
			return "", false
		}
		switch c := b[j]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false
		}
	}
	return string(out), true
}

// valueEnd finds where the value that begins at b[i] ends (not a string:
// a number, true, false, null, an object or an array), and checks it.
func valueEnd(b []byte, i int) (int, error) {
	depth, j := 0, i
	for ; j < len(b); j++ {
		switch b[j] {
		case '"': // a string inside: skipped to its end (check reads it)
			for j++; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if j >= len(b) {
				return 0, errNotObject // the string does not end
			}
		case '{', '[':
			depth++
			if depth >= maxValueDepth {
				return 0, errNotObject // encoding/json's "exceeded max depth"
			}
		case '}', ']':
			if depth == 0 {
				return check(b, i, j)
			}
			depth--
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return check(b, i, j)
			}
		}
	}
	return check(b, i, j)
}

// maxValueDepth is the nesting a value may not reach: encoding/json takes
// 10,000 levels, the object of parameters counted.
const maxValueDepth = 10000

func check(b []byte, i, end int) (int, error) {
	if end == i || !json.Valid(b[i:end]) {
		return 0, errNotObject
	}
	return end, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasWord(b []byte, i int, word string) bool {
	return len(b)-i >= len(word) && string(b[i:i+len(word)]) == word
}

// atEnd checks that nothing but space follows the object.
func atEnd(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errNotObject
	}
	return nil
}
