package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/flows"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/photos/photostest"
	"sothon/store/storetest"
)

// evidence is a ward where household 1 of Khuổi Pài is approved with a
// photo and a place, household 2 waits with a place, household 3 is
// approved without one, and a household of another commune is approved
// with a place. It gives the photo's hash.
func evidence(t *testing.T) (*store.DB, string) {
	t.Helper()
	db := storetest.Open(t)
	kept, err := db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(64, 48, 1)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	send := func(village, household, place string, files []string, approve bool) {
		answers := map[string]string{"members": "4", "house_place": place}
		if len(files) > 0 {
			answers["house_photo"] = strings.Join(files, ";")
		}
		s := &store.Submission{Form: "household", AreaID: village, HouseholdID: household, HouseholdName: "Hộ " + household[len(household)-2:],
			SubmittedBy: "h", SubmittedAt: at, Class: "poor", Members: 4, Answers: answers, Files: files}
		a, err := db.Apply(ctx, store.Change{At: at, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		if approve {
			if _, _, err := db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "o", At: at.Add(time.Minute)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		at = at.Add(time.Hour)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	send(village, "demo-bac-kan-huyen-tung-khuoi-pai-01", "21.147300 105.834800 8", []string{kept.Hash}, true)
	send(village, "demo-bac-kan-huyen-tung-khuoi-pai-02", "21.150000 105.830000", nil, false)
	send(village, "demo-bac-kan-huyen-tung-khuoi-pai-03", "", nil, true)
	send("bac-kan/nong-thuong/na-rao", "demo-bac-kan-nong-thuong-na-rao-01", "22.100000 105.800000", nil, true)
	return db, kept.Hash
}

// An export carries a place as its latitude and longitude, and a photo as
// a link when there is a public address to link to (empty otherwise): in
// CSV, JSON and XLSX.
func TestExportCarriesPlacesAndPhotoLinks(t *testing.T) {
	t.Parallel()
	db, hash := evidence(t)
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	link := func(h string) string { return "https://sothon.example.vn/photos/" + h + ".jpg?e=1&s=x" }
	filter := store.SubmissionFilter{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai"}
	rows := func(photoLink func(string) string) []map[string]string {
		t.Helper()
		var buf bytes.Buffer
		if _, err := export.Write(ctx, db, forms, export.Options{Filter: filter, Format: export.CSV, NoBOM: true, PhotoLink: photoLink}, &buf); err != nil {
			t.Fatal(err)
		}
		all, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]string
		for _, r := range all[1:] {
			row := map[string]string{}
			for i, c := range all[0] {
				row[c] = r[i]
			}
			out = append(out, row)
		}
		if h := strings.Join(all[0], ","); !strings.Contains(h, ",house_photo,house_photo_links,house_place,house_place_latitude,house_place_longitude,") {
			t.Fatalf("header: %s", h)
		}
		return out
	}
	got := rows(link)
	if got[0]["house_place_latitude"] != "21.147300" || got[0]["house_place_longitude"] != "105.834800" || got[0]["house_photo_links"] != link(hash) {
		t.Errorf("household 1: %v", got[0])
	}
	if got[2]["house_place_latitude"] != "" || got[2]["house_photo_links"] != "" {
		t.Errorf("household 3, no place and no photo: %v", got[2])
	}
	if got := rows(nil); got[0]["house_photo_links"] != "" || got[0]["house_photo"] != hash {
		t.Errorf("without a public address: links %q, photo %q", got[0]["house_photo_links"], got[0]["house_photo"])
	}

	var buf bytes.Buffer
	if _, err := export.Write(ctx, db, forms, export.Options{Filter: filter, Format: export.JSON, PhotoLink: link}, &buf); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	if lat, links := objs[0]["house_place_latitude"], objs[0]["house_photo_links"]; lat != 21.1473 || len(links.([]any)) != 1 || links.([]any)[0] != link(hash) {
		t.Errorf("json: latitude %v, links %v", lat, links)
	}
	if objs[2]["house_place_longitude"] != nil || objs[2]["house_photo_links"] != nil {
		t.Errorf("json, household 3: %v %v", objs[2]["house_place_longitude"], objs[2]["house_photo_links"])
	}

	buf.Reset()
	if _, err := export.Write(ctx, db, forms, export.Options{Filter: filter, Format: export.XLSX, PhotoLink: link}, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	table, _ := f.GetRows(sheet)
	cell := map[string]string{}
	for i, h := range table[0] {
		if i < len(table[1]) {
			cell[h] = table[1][i]
		}
	}
	if cell["Ảnh ngôi nhà"] != "1" || cell["Ảnh ngôi nhà — đường dẫn ảnh"] != link(hash) ||
		cell["Vị trí nhà — vĩ độ"] != "21.1473" || cell["Vị trí nhà — kinh độ"] != "105.8348" {
		t.Errorf("xlsx: %v", cell)
	}
}

// The GeoJSON export is a FeatureCollection of the area's households that
// stand at a form with a place: a point [lon, lat] each, with the facts
// a GIS tool shows; the waiting, the placeless and another commune's are
// left out.
func TestGeoJSONHouseholds(t *testing.T) {
	t.Parallel()
	db, _ := evidence(t)
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{AreaID: "bac-kan/huyen-tung"}, Format: export.GeoJSON}, &buf)
	if err != nil || n != 1 {
		t.Fatalf("%d households, %v:\n%s", n, err, buf.String())
	}
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
		t.Fatalf("%+v", fc)
	}
	f := fc.Features[0]
	p := f.Properties
	if f.Type != "Feature" || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 || f.Geometry.Coordinates[0] != 105.8348 || f.Geometry.Coordinates[1] != 21.1473 {
		t.Errorf("geometry: %+v", f)
	}
	if p["household_id"] != "demo-bac-kan-huyen-tung-khuoi-pai-01" || p["household_name"] != "Hộ 01" || p["village"] != "Tổ Khuổi Pài" ||
		p["class"] != "poor" || p["review_state"] != store.ReviewApproved || p["form"] != "household" || p["form_id"] != 1.0 || p["photo_count"] != 1.0 {
		t.Errorf("properties: %v", p)
	}
}
