//go:build browser

package console_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A form with a photo and a place in a real browser: the list marks it,
// its page shows the photo (served under the page's policy, to this
// session) and a link to the map. To refresh docs/console-submission.png:
//
//	SOTHON_SCREENSHOTS=$PWD/docs go test -tags browser ./console -run Browser
func TestBrowserSubmissionWithPhoto(t *testing.T) {
	r := newRig(t)
	id, _ := r.withEvidence()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium()), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(720, 760))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	browser, cancel := chromedp.NewContext(alloc)
	defer cancel()
	browser, cancel = context.WithTimeout(browser, time.Minute)
	defer cancel()
	visit := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(browser, chromedp.Steps(steps...)); err != nil {
			t.Fatal(err)
		}
	}
	visit(chromedp.Navigate(r.srv.URL+r.link("o-ht")), chromedp.Click(chromedp.CSS("button.big")), chromedp.WaitVisible(chromedp.CSS("table")))
	visit(chromedp.Navigate(r.srv.URL+"/submissions"), chromedp.WaitVisible(chromedp.CSS(`img.mini[title="Có ảnh"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/submissions/`+itoa(id)+`"]`)), chromedp.WaitVisible(chromedp.CSS("img.thumb")))
	// The thumbnail loaded: the browser decoded a picture of ThumbSide
	// (the photo is 1,200 wide), not an error page.
	loaded, err := chromedp.Run(browser, chromedp.Poll[bool](`document.querySelector("img.thumb").complete && document.querySelector("img.thumb").naturalWidth === 320`))
	if err != nil || !loaded {
		t.Fatalf("the photo did not load: %v", err)
	}
	href, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.querySelector("a.map").href`))
	if err != nil || href != "https://www.openstreetmap.org/?mlat=21.147300&mlon=105.834800#map=18/21.147300/105.834800" {
		t.Fatalf("the map's link: %q, %v", href, err)
	}
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("SOTHON_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "console-submission.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
