package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
)

// The counters and the facts behind them are kept in a compact binary
// form (schema 14): every figure reads every village's counters, and JSON
// decoding was half the time of a province's /stats; the facts are three
// records per household, a large part of the file. A record starts with
// compactTag, which no JSON value does; a record written before schema 14
// is JSON, read as such by migration 14 (and by these decoders, so that a
// half-migrated file is never misread).
const compactTag = 0x01

var errCompact = errors.New("store: short or malformed compact record")

// names interns counter names while decoding: a province's 10,000 villages
// share a few dozen names, which then cost one string each, not one per
// village.
type names map[string]string

func (n names) intern(b []byte) string {
	if s, ok := n[string(b)]; ok {
		return s
	}
	s := string(b)
	n[s] = s
	return s
}

// encodeCounters writes c as the tag, the number of counters, then each
// name (length, bytes) and count (zigzag varint), by name.
func encodeCounters(c Counters) []byte {
	keys := make([]string, 0, len(c))
	size := 1 + binary.MaxVarintLen32
	for k := range c {
		keys = append(keys, k)
		size += len(k) + 4
	}
	slices.Sort(keys)
	out := make([]byte, 0, size)
	out = append(out, compactTag)
	out = binary.AppendUvarint(out, uint64(len(keys)))
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendVarint(out, c[k])
	}
	return out
}

// decodeCounters reads a record of encodeCounters (or JSON, before schema
// 14) into a new Counters; in may be nil.
func decodeCounters(data []byte, in names) (Counters, error) {
	if len(data) == 0 || data[0] != compactTag {
		c := Counters{}
		return c, json.Unmarshal(data, &c)
	}
	if in == nil {
		in = names{}
	}
	r := reader{data: data[1:]}
	n := r.uvarint()
	if n > uint64(len(data)) {
		return nil, errCompact
	}
	c := make(Counters, n)
	for range n {
		name := in.intern(r.bytes())
		c[name] = r.varint()
	}
	if r.bad {
		return nil, errCompact
	}
	return c, nil
}

// encodeContribution writes a stored contribution as the tag, the area
// (length, bytes), the number of names, then each name (length, bytes).
func encodeContribution(f storedContribution) []byte {
	size := 2 + len(f.Area) + 1
	for _, n := range f.Names {
		size += 1 + len(n)
	}
	return appendContribution(make([]byte, 0, size), f)
}

// appendContribution appends the record of encodeContribution to out.
func appendContribution(out []byte, f storedContribution) []byte {
	out = append(out, compactTag)
	out = binary.AppendUvarint(out, uint64(len(f.Area)))
	out = append(out, f.Area...)
	out = binary.AppendUvarint(out, uint64(len(f.Names)))
	for _, n := range f.Names {
		out = binary.AppendUvarint(out, uint64(len(n)))
		out = append(out, n...)
	}
	return out
}

func decodeContribution(data []byte, in names) (storedContribution, error) {
	var f storedContribution
	if len(data) == 0 || data[0] != compactTag {
		return f, json.Unmarshal(data, &f)
	}
	if in == nil {
		in = names{}
	}
	r := reader{data: data[1:]}
	f.Area = in.intern(r.bytes())
	n := r.uvarint()
	if n > uint64(len(data)) {
		return f, errCompact
	}
	f.Names = make([]string, n)
	for i := range f.Names {
		f.Names[i] = in.intern(r.bytes())
	}
	if r.bad {
		return storedContribution{}, errCompact
	}
	return f, nil
}

// reader takes varints and length-prefixed bytes off a record; past the
// end or on a bad varint it gives zeros and remembers.
type reader struct {
	data []byte
	bad  bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.bad, r.data = true, nil
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.bad, r.data = true, nil
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.data)) {
		r.bad, r.data = true, nil
		return nil
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}
