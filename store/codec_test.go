package store

import (
	"maps"
	"slices"
	"testing"
	"testing/quick"
)

// Any counters and contribution come back as they went in (the counters
// also as the sums read them), and a record cut anywhere is an error,
// never a panic nor a wrong figure.
func TestCompactRoundTrip(t *testing.T) {
	t.Parallel()
	counters := func(c map[string]int64) bool {
		data := encodeCounters(c)
		got, err := decodeCounters(data, names{})
		if err != nil || !maps.Equal(got, Counters(c)) {
			return false
		}
		for cut := 1; cut < len(data); cut++ {
			if _, err := decodeCounters(data[:cut], nil); err == nil && len(c) > 0 {
				return false
			}
		}
		// The sums read the record in place, as decodeCounters does.
		s := newSummer("", nil, nil)
		if err := s.record([]byte("a"), data); err != nil || !maps.Equal(s.sums().All, Counters(c)) {
			return false
		}
		for cut := 1; cut < len(data); cut++ {
			if err := newSummer("", nil, nil).record([]byte("a"), data[:cut]); err == nil && len(c) > 0 {
				return false
			}
		}
		return true
	}
	facts := func(area string, ns []string) bool {
		f := storedContribution{Area: area, Names: ns}
		if f.Names == nil {
			f.Names = []string{}
		}
		data := encodeContribution(f)
		got, err := decodeContribution(data, nil)
		if err != nil || got.Area != area || !slices.Equal(got.Names, f.Names) {
			return false
		}
		for cut := 1; cut < len(data); cut++ {
			if _, err := decodeContribution(data[:cut], nil); err == nil {
				return false
			}
		}
		return true
	}
	if err := quick.Check(counters, nil); err != nil {
		t.Error(err)
	}
	small := func(c map[string]int8) bool { // counts of one byte, either sign
		wide := map[string]int64{}
		for name, n := range c {
			wide[name] = int64(n)
		}
		return counters(wide)
	}
	if err := quick.Check(small, nil); err != nil {
		t.Error(err)
	}
	if err := quick.Check(facts, nil); err != nil {
		t.Error(err)
	}
	// A record of schema 13 is still read.
	if c, err := decodeCounters([]byte(`{"status:poor":3}`), nil); err != nil || c["status:poor"] != 3 {
		t.Errorf("JSON counters: %v %v", c, err)
	}
}
