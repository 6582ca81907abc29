package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Households are kept in a compact binary record (migration 14 → 15), as the
// counters and facts are (codec.go): a province's million households were
// 236 MB of JSON, and every import, recount and review reads or writes
// them. The record is compactTag, then the fields in order: id, area,
// head's name (each a length and bytes), members (varint), status, the
// status's time, last submission (uvarint), the history (a count, then
// each change's time, status and submission), approved. A time is a flag
// (0: zero), then unix seconds (varint), nanoseconds (uvarint) and zone
// offset in seconds (varint), read back as encoding/json reads its RFC
// 3339 text: UTC at offset 0, else the local zone when its offset is that,
// else a fixed zone. A record written before is JSON, read as such by
// the migration and by decodeHousehold.

// appendHousehold appends hh's compact record to b.
func appendHousehold(b []byte, hh *Household) []byte {
	b = append(b, compactTag)
	b = appendString(b, hh.ID)
	b = appendString(b, hh.AreaID)
	b = appendString(b, hh.HeadName)
	b = binary.AppendVarint(b, int64(hh.Members))
	b = appendString(b, hh.Status)
	b = appendCompactTime(b, hh.StatusAt)
	b = binary.AppendUvarint(b, hh.LastSubmission)
	b = binary.AppendUvarint(b, uint64(len(hh.History)))
	for _, ch := range hh.History {
		b = appendCompactTime(b, ch.At)
		b = appendString(b, ch.Status)
		b = binary.AppendUvarint(b, ch.Submission)
	}
	return appendString(b, hh.Approved)
}

// encodeHousehold is hh's compact record.
func encodeHousehold(hh *Household) []byte {
	return appendHousehold(make([]byte, 0, 48+len(hh.ID)+len(hh.AreaID)+len(hh.HeadName)+24*len(hh.History)), hh)
}

// decodeHousehold reads a record of appendHousehold, or JSON (before
// schema 16), into hh.
func decodeHousehold(data []byte, hh *Household) error {
	if len(data) == 0 || data[0] != compactTag {
		return json.Unmarshal(data, hh)
	}
	r := reader{data: data[1:]}
	*hh = Household{ID: string(r.bytes()), AreaID: string(r.bytes()), HeadName: string(r.bytes()), Members: int(r.varint())}
	hh.Status = string(r.bytes())
	hh.StatusAt = r.time()
	hh.LastSubmission = r.uvarint()
	n := r.uvarint()
	if n > uint64(len(r.data)) {
		return errCompact
	}
	if n > 0 {
		hh.History = make([]StatusChange, n)
		for i := range hh.History {
			hh.History[i] = StatusChange{At: r.time(), Status: string(r.bytes()), Submission: r.uvarint()}
		}
	}
	hh.Approved = string(r.bytes())
	if r.bad || len(r.data) != 0 {
		*hh = Household{}
		return errCompact
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendCompactTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	_, off := t.Zone()
	b = binary.AppendVarint(append(b, 1), t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off/60*60)) // RFC 3339 keeps minutes
}

func (r *reader) time() time.Time {
	if len(r.data) == 0 {
		r.bad = true
		return time.Time{}
	}
	flag := r.data[0]
	r.data = r.data[1:]
	if flag == 0 {
		return time.Time{}
	}
	sec, nsec, off := r.varint(), r.uvarint(), r.varint()
	if flag != 1 || nsec >= 1e9 || off <= -24*3600 || off >= 24*3600 || off%60 != 0 {
		r.bad = true
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	if _, local := t.Zone(); local == int(off) {
		return t
	}
	return t.In(time.FixedZone("", int(off)))
}

// getHousehold reads a household by id.
func getHousehold(b *bolt.Bucket, id []byte, hh *Household) error {
	data := b.Get(id)
	if data == nil {
		return ErrNotFound
	}
	return decodeHousehold(data, hh)
}

// putHouseholdRecord stores a household's record.
func putHouseholdRecord(tx *bolt.Tx, hh *Household) error {
	return tx.Bucket(bucketHouseholds).Put([]byte(hh.ID), encodeHousehold(hh))
}
