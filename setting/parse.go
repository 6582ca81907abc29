package setting

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The checks most settings share; a failed one says what to write instead.

// Text takes any text.
func Text(s string) (string, error) { return s, nil }

// String declares a setting that takes any text.
func String(env, def, doc string) Key[string] { return Define(env, def, "string", doc, Text) }

// Duration declares a setting that takes a positive duration.
func Duration(env string, def time.Duration, doc string) Key[time.Duration] {
	return Define(env, short(def), "duration", doc, func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, errors.New("use a positive duration such as " + short(def))
		}
		return d, nil
	})
}

// Rate declares a setting that takes a positive number of messages a second.
func Rate(env string, def float64, doc string) Key[float64] {
	return Define(env, strconv.FormatFloat(def, 'f', -1, 64), "number", doc, func(s string) (float64, error) {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x <= 0 {
			return 0, errors.New("use a positive number of messages a second")
		}
		return x, nil
	})
}

// Secret declares a secret: from the variable or the file Env_FILE names.
func Secret(env, doc string) Key[string] { return String(env, "", doc).AsSecret() }

// OneOf takes one of the words, in any case.
func OneOf(words ...string) func(string) (string, error) {
	return func(s string) (string, error) {
		if w := strings.ToLower(s); slices.Contains(words, w) {
			return w, nil
		}
		return "", errors.New("use " + strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1])
	}
}

// WebAddress takes an http or https address without its trailing slash;
// example shows one.
func WebAddress(example string) func(string) (string, error) {
	return func(s string) (string, error) {
		s = strings.TrimRight(s, "/")
		if s == "" {
			return "", nil
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", errors.New("use an http or https address, e.g. " + example)
		}
		return s, nil
	}
}

// short writes 72h for 72h0m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
