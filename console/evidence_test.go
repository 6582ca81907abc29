package console_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/links"
	"sothon/store/photos"
	"sothon/store/photos/photostest"
)

// withEvidence adds an official of another ward and an approved household
// form of Khuổi Pài with a photo of the house and its place; it gives the
// form's id and the photo's hash.
func (r *rig) withEvidence() (uint64, string) {
	r.t.Helper()
	other := store.User{ID: "o-dx", Name: "Cán bộ ĐX", Role: store.RoleOfficial, AreaID: "bac-kan/duc-xuan", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &other}); err != nil {
		r.t.Fatal(err)
	}
	kept, err := r.db.Photos().Put(ctx, bytes.NewReader(photostest.JPEG(1200, 900, 5)))
	if err != nil {
		r.t.Fatal(err)
	}
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdID: "demo-bac-kan-huyen-tung-khuoi-pai-01",
		HouseholdName: "Lương Thị Lan", SubmittedBy: "h1", SubmittedAt: r.now, Class: "poor", Members: 4, Files: []string{kept.Hash},
		Answers: map[string]string{"members": "4", "house_photo": kept.Hash, "house_place": "21.147300 105.834800 8"}}
	a, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s})
	if err != nil {
		r.t.Fatal(err)
	}
	if _, _, err := r.db.Decide(ctx, store.Decision{Submission: a.SubmissionID, Approve: true, By: "o-ht", At: r.now}, nil); err != nil {
		r.t.Fatal(err)
	}
	return a.SubmissionID, kept.Hash
}

// The submission page shows the form's photo as a thumbnail that opens
// it whole, served only to those who may read the form, and its place
// with a map; the list shows the thumbnail and marks the place. Another
// ward's official gets 404 for the page, the photo and the thumbnail
// alike, and a photo the form does not name is 404 too.
func TestSubmissionShowsPhotoAndPlace(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id, _ := r.withEvidence()
	r.login("a", "o-ht")
	page := "/submissions/" + itoa(id)
	status, body, _ := r.get("a", page)
	if status != 200 || !strings.Contains(body, `<a href="`+page+`/photos/1"><img src="`+page+`/photos/1?size=thumb" alt="Ảnh 1 của hộ Lương Thị Lan" class="thumb"></a>`) ||
		!strings.Contains(body, `href="https://www.openstreetmap.org/?mlat=21.147300&amp;mlon=105.834800#map=18/21.147300/105.834800"`) {
		t.Fatalf("the page: %d\n%s", status, body)
	}
	status, photo, header := r.get("a", page+"/photos/1")
	if status != 200 || header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(photo, "\xff\xd8") || header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the photo: %d %v", status, header)
	}
	if cfg, err := jpeg.DecodeConfig(strings.NewReader(photo)); err != nil || cfg.Width != 1200 {
		t.Fatalf("the photo whole: %+v %v", cfg, err)
	}
	status, thumb, header := r.get("a", page+"/photos/1?size=thumb")
	if status != 200 || header.Get("Content-Type") != "image/jpeg" || len(thumb) >= len(photo) {
		t.Fatalf("the thumbnail: %d %v, %d bytes", status, header, len(thumb))
	}
	img, err := jpeg.Decode(strings.NewReader(thumb))
	if b := img.Bounds(); err != nil || b.Dx() > photos.ThumbSide || b.Dy() > photos.ThumbSide || b.Dx() != 320 {
		t.Fatalf("the thumbnail: %v %v", b, err)
	}
	for _, path := range []string{page + "/photos/2", page + "/photos/0", page + "/photos/x", "/submissions/99/photos/1",
		page + "/photos/2?size=thumb", page + "/photos/1?size=huge"} {
		if status, _, _ := r.get("a", path); status != 404 {
			t.Errorf("%s: %d", path, status)
		}
	}
	if _, list, _ := r.get("a", "/submissions"); !strings.Contains(list, `<a href="`+page+`/photos/1"><img src="`+page+`/photos/1?size=thumb" alt="Có ảnh"`) ||
		!strings.Contains(list, `title="Có vị trí">📍`) {
		t.Errorf("the list does not show the photo:\n%s", list)
	}

	r.login("b", "o-dx")
	for _, path := range []string{page, page + "/photos/1", page + "/photos/1?size=thumb"} {
		if status, body, _ := r.get("b", path); status != 404 || strings.Contains(body, "\xff\xd8") {
			t.Errorf("another ward's official, %s: %d", path, status)
		}
	}
	if status, _, _ := r.get("nobody", page+"/photos/1"); status != http.StatusUnauthorized {
		t.Errorf("without a session: %d", status)
	}
}

// GET /api/households.geojson gives the area's reviewed households with a
// place, to a session as /api/stats does: a FeatureCollection whose
// points are [lon, lat]. Another ward's official sees none of them, and
// naming the ward is 404.
func TestHouseholdsGeoJSONIsScoped(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id, _ := r.withEvidence()
	r.login("a", "o-ht")
	r.login("b", "o-dx")
	type collection struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties map[string]any
		}
	}
	read := func(who, path string) (int, collection) {
		t.Helper()
		status, body, header := r.get(who, path)
		var fc collection
		if status == 200 {
			if header.Get("Content-Type") != "application/geo+json" {
				t.Errorf("%s: Content-Type %q", path, header.Get("Content-Type"))
			}
			if err := json.Unmarshal([]byte(body), &fc); err != nil {
				t.Fatalf("%s: %v\n%s", path, err, body)
			}
		}
		return status, fc
	}
	for _, path := range []string{"/api/households.geojson", "/api/households.geojson?area=bac-kan/huyen-tung/khuoi-pai"} {
		status, fc := read("a", path)
		if status != 200 || fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
			t.Fatalf("%s: %d %+v", path, status, fc)
		}
		f := fc.Features[0]
		if f.Geometry.Type != "Point" || f.Geometry.Coordinates[0] != 105.8348 || f.Geometry.Coordinates[1] != 21.1473 ||
			f.Properties["household_id"] != "demo-bac-kan-huyen-tung-khuoi-pai-01" || f.Properties["form_id"] != float64(id) ||
			f.Properties["review_state"] != store.ReviewApproved || f.Properties["photo_count"] != 1.0 || f.Properties["class"] != "poor" {
			t.Errorf("%s: %+v", path, f)
		}
	}
	if status, fc := read("b", "/api/households.geojson"); status != 200 || len(fc.Features) != 0 {
		t.Errorf("another ward's own: %d %+v", status, fc)
	}
	for _, path := range []string{"/api/households.geojson?area=bac-kan/huyen-tung", "/api/households.geojson?area=bac-kan/huyen-tung/khuoi-pai"} {
		if status, _ := read("b", path); status != 404 {
			t.Errorf("another ward's official, %s: %d", path, status)
		}
	}
	if status, _ := read("nobody", "/api/households.geojson"); status != http.StatusUnauthorized {
		t.Errorf("without a session: %d", status)
	}
}

// A download names each photo by a link of the public address that
// expires; without a public address the links' column is empty.
func TestDownloadLinksPhotos(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, hash := r.withEvidence()
	if _, err := links.Key(ctx, r.db); err != nil { // the server makes it when it starts with a public address
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	withURL := httptest.NewServer((&console.Console{Store: r.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return r.now },
		Uploads: t.TempDir(), PublicURL: "https://sothon.example.vn"}).Handler())
	defer withURL.Close()
	r.login("a", "o-ht") // the session is the database's: both consoles know it
	cell := func(base string) string {
		t.Helper()
		resp, err := r.client("a").Get(base + "/download/csv?form=household")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		rows, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		for i, c := range rows[0] {
			if c == "house_photo_links" {
				return rows[1][i]
			}
		}
		t.Fatalf("no links column: %v", rows[0])
		return ""
	}
	want := "https://sothon.example.vn/photos/" + hash + ".jpg?e=" + itoa(uint64(r.now.Add(links.PhotoLife).Unix())) + "&s="
	if got := cell(withURL.URL); !strings.HasPrefix(got, want) {
		t.Errorf("with a public address: %q, want %q…", got, want)
	}
	if got := cell(r.srv.URL); got != "" {
		t.Errorf("without a public address: %q", got)
	}
}
