package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// householdJSON writes what json.Marshal writes, for plain households and
// for those it hands over (escapes, odd times, empty fields).
func TestHouseholdJSONIsJSONMarshal(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 15, 0, 120, time.UTC)
	hanoi := time.FixedZone("ICT", 7*3600)
	for _, hh := range []Household{
		{},
		{ID: "H1", AreaID: "bac-kan/huyen-tung/ban-cau", HeadName: "Hoàng Văn Thắng", Members: 4, Status: "poor", StatusAt: at,
			History: []StatusChange{{At: at, Status: "poor"}, {At: at.In(hanoi), Status: "near_poor", Submission: 12}}, Approved: "poor", LastSubmission: 12},
		{ID: "H2", AreaID: "a", HeadName: `Lò "Văn" <Mai> & Co\`, Status: "none", StatusAt: at},
		{ID: "H3", HeadName: "tab\there", StatusAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "H4", HeadName: "bad \xff utf-8 \u2028", StatusAt: at.In(time.FixedZone("odd", 5*3600+30*60+7))},
		{ID: "H5", HeadName: "Lý Thị Hoa", Members: -1, History: []StatusChange{{Status: "x\x01"}}},
		{ID: "H6", HeadName: "Giàng A Páo", StatusAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		want, werr := json.Marshal(hh)
		got, gerr := householdJSON(&hh)
		if !bytes.Equal(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("%s:\n got %s, %v\nwant %s, %v", hh.ID, got, gerr, want, werr)
		}
	}
}

func FuzzHouseholdJSON(f *testing.F) {
	f.Add("H1", "bac-kan/x", "Hoàng Văn Thắng", 4, "poor", int64(1764489600), int64(7*3600), uint64(3))
	f.Add("", "", `"<&>\`, 0, "", int64(-62135596800), int64(0), uint64(0))
	f.Fuzz(func(t *testing.T, id, area, name string, members int, status string, unix, offset int64, sub uint64) {
		at := time.Unix(unix, unix%1e9).In(time.FixedZone("", int(offset%(30*3600))))
		hh := Household{ID: id, AreaID: area, HeadName: name, Members: members, Status: status, StatusAt: at, LastSubmission: sub,
			History: []StatusChange{{At: at, Status: status, Submission: sub}}, Approved: name}
		want, werr := json.Marshal(hh)
		got, gerr := householdJSON(&hh)
		if !bytes.Equal(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("\n got %s, %v\nwant %s, %v", got, gerr, want, werr)
		}
	})
}
