package zalo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sothon/bot"
	"sothon/bot/zalo/zalotest"
	"sothon/store/photos/photostest"
)

// The OA's image and location events carry the photo's address and the
// place (its coordinates written as strings); the address is fetched from
// Zalo's file server, and one that expired is gone for good.
func TestOAImageAndLocationEvents(t *testing.T) {
	files := zalotest.NewFiles()
	t.Cleanup(files.Close)
	oa, err := NewOA(OAConfig{AppID: "app1", OASecret: "oa-secret", AppSecret: "s", Tokens: &memTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []bot.Inbound
	h := oa.Webhook(func(_ context.Context, ins ...bot.Inbound) error { got = append(got, ins...); return nil })
	photo := photostest.JPEG(40, 30, 1)
	url := files.Add(photo)
	const ts = "1690000000000"
	for _, body := range []string{
		zalotest.OAImageEvent("app1", "u1", "m1", url, ts),
		zalotest.OALocationEvent("app1", "u1", "m2", 21.1473, 105.8348, ts),
	} {
		req := httptest.NewRequest(http.MethodPost, "/webhook/zalo-oa", strings.NewReader(body))
		req.Header.Set("X-ZEvent-Signature", Signature("app1", []byte(body), ts, "oa-secret"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("webhook: %d", rec.Code)
		}
	}
	if len(got) != 2 || got[0].Photo != url || !got[0].NotText || got[1].Place == nil || got[1].Place.Lat != 21.1473 || got[1].Place.Lon != 105.8348 {
		t.Fatalf("accepted %+v", got)
	}
	rc, err := oa.Fetch(context.Background(), got[0].Photo, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, photo) {
		t.Fatal("fetched other bytes")
	}
	if _, err := oa.Fetch(context.Background(), got[0].Photo, 100); !errors.Is(err, bot.ErrFileTooBig) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := oa.Fetch(context.Background(), files.URL+"/dl/photo/expired.jpg", 1<<20); !errors.Is(err, bot.ErrFileGone) {
		t.Fatalf("expired: %v", err)
	}
}
