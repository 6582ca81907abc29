package console_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sothon/console"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/store/storetest"
	"sothon/tree"
)

// BenchmarkDashboardProvince renders the dashboard of a province: 8
// districts, 1,800 villages, 100,000 households in the register, an open
// round; and (10000) the province of issue 22: 10 districts, 10,000
// villages, 1,000,000 households. The figures come from the villages'
// counters.
//
//	go test ./console -run '^$' -bench DashboardProvince -benchmem
func BenchmarkDashboardProvince(b *testing.B) {
	b.Run("1800", func(b *testing.B) { benchDashboard(b, 8, 15, 15, 56) })
	b.Run("10000", func(b *testing.B) { benchDashboard(b, 10, 40, 25, 100) })
}

func benchDashboard(b *testing.B, districts, communes, villages, perVillage int) {
	db := storetest.Open(b)
	var file strings.Builder
	file.WriteString("id: tinh\nname: \"Tỉnh mẫu\"\nkind: city\nchildren:\n")
	for d := 1; d <= districts; d++ {
		fmt.Fprintf(&file, "  - {id: h%d, name: \"Huyện %d\", kind: district, children: [", d, d)
		for c := 1; c <= communes; c++ {
			fmt.Fprintf(&file, "{id: x%d, name: \"Xã %d\", kind: commune, children: [", c, c)
			for v := 1; v <= villages; v++ {
				fmt.Fprintf(&file, "{id: t%d, name: \"Thôn %d\", kind: village, households_total: %d},", v, v, perVillage)
			}
			file.WriteString("]},")
		}
		file.WriteString("]}\n")
	}
	areas, err := tree.Parse([]byte(file.String()))
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SaveAreas(ctx, areas); err != nil {
		b.Fatal(err)
	}
	var hhs []store.Household
	statuses := []string{"poor", "near_poor", "middle", "none"}
	for _, a := range areas {
		if a.Kind != tree.Village {
			continue
		}
		for i := range perVillage {
			hhs = append(hhs, store.Household{ID: fmt.Sprintf("%s-%d", a.ID, i), AreaID: a.ID, HeadName: "Chủ hộ", Status: statuses[i%4]})
		}
	}
	for from := 0; from < len(hhs); from += 10000 {
		if err := db.ImportHouseholds(ctx, hhs[from:min(from+10000, len(hhs))]); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "Đợt", From: "2026-01-01", To: "2026-12-31", Opened: time.Now()}); err != nil {
		b.Fatal(err)
	}
	u := store.User{ID: "o", Name: "Cán bộ tỉnh", Role: store.RoleOfficial, AreaID: "tinh", Lang: "vi"}
	if _, err := db.Apply(ctx, store.Change{At: time.Now(), User: &u}); err != nil {
		b.Fatal(err)
	}
	session, err := db.CreateSession(ctx, "o", time.Now(), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	forms, _ := flows.Default()
	h := (&console.Console{Store: db, Forms: forms, Catalog: locales.MustLoad()}).Handler()
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: "sothon_session", Value: session})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), fmt.Sprintf("Huyện %d", districts)) {
			b.Fatalf("dashboard: %d", rec.Code)
		}
	}
}
