package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Every field of a household, and of a status change, comes back from its
// compact record: a field added to either and not to the codec fails here.
func TestHouseholdCodecCarriesEveryField(t *testing.T) {
	var hh Household
	fill(t, reflect.ValueOf(&hh).Elem(), 1)
	var back Household
	if err := decodeHousehold(encodeHousehold(&hh), &back); err != nil || !reflect.DeepEqual(back, hh) {
		t.Fatalf("a household with every field set comes back as\n%+v, %v\nnot\n%+v", back, err, hh)
	}
}

// fill sets every field of v to something not zero.
func fill(t *testing.T, v reflect.Value, seed int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x" + string(rune('a'+seed%26)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(seed + 1))
	case reflect.Uint64:
		v.SetUint(uint64(seed + 2))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), seed+i+1)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 30, 8, seed, 0, seed, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), seed+i)
		}
	default:
		t.Fatalf("a field of kind %s: teach the household codec and this test about it", v.Kind())
	}
}

// A household reads back from its compact record as from its JSON, times'
// zones included.
func TestHouseholdCodecReadsAsJSON(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 15, 0, 120, time.UTC)
	for _, hh := range []Household{
		{},
		{ID: "H1", AreaID: "bac-kan/huyen-tung/ban-cau", HeadName: "Hoàng Văn Thắng", Members: 4, Status: "poor", StatusAt: at,
			History: []StatusChange{{At: at, Status: "poor"}, {At: at.In(time.FixedZone("ICT", 7*3600)), Status: "near_poor", Submission: 12}}, Approved: "poor", LastSubmission: 12},
		{ID: "H2", HeadName: `Lò "Văn" <Mai> & Co\\`, StatusAt: at.In(time.Local), History: []StatusChange{{Status: "none"}}},
		{ID: "H3", HeadName: "Lý Thị Hoa", Members: -1, StatusAt: at.In(time.FixedZone("", -(3*3600 + 30*60)))},
	} {
		var want, got Household
		data, err := json.Marshal(hh)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeHousehold(encodeHousehold(&hh), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", hh.ID, got, err, want)
		}
		// A record of before the compact one still reads.
		if err := decodeHousehold(data, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s from JSON: %+v, %v", hh.ID, got, err)
		}
	}
}

// Any bytes decode without a panic, to a household or an error; what
// decodes, encodes and decodes again to the same.
func FuzzDecodeHousehold(f *testing.F) {
	at := time.Date(2026, 11, 30, 8, 15, 0, 0, time.FixedZone("", 7*3600))
	f.Add(encodeHousehold(&Household{ID: "H1", AreaID: "a/b", HeadName: "Nông Văn Tý", Members: 4, Status: "poor", StatusAt: at,
		History: []StatusChange{{At: at, Status: "poor", Submission: 3}}, LastSubmission: 3, Approved: "poor"}))
	f.Add(encodeHousehold(&Household{}))
	f.Add([]byte(`{"id":"H1","history":[{"at":"2026-11-30T08:15:00Z","status":"poor"}]}`))
	f.Add([]byte{compactTag, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		var hh, again Household
		if decodeHousehold(data, &hh) != nil {
			return
		}
		if len(hh.History) == 0 {
			hh.History = nil // JSON's [] reads as an empty history, kept as none
		}
		if err := decodeHousehold(encodeHousehold(&hh), &again); err != nil || !reflect.DeepEqual(again, hh) {
			t.Errorf("%q: %+v, then %+v, %v", data, hh, again, err)
		}
	})
}
