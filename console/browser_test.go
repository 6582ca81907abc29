//go:build browser

package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"sothon/store"
)

// The console in a real browser (Debian's Chromium): log in by link and
// its button, sort the table, drill into a village; as an admin, upload a
// register and print the heads' invites. Run by .ci/run; to refresh the
// pictures in docs/:
//
//	SOTHON_SCREENSHOTS=$PWD/docs go test -tags browser ./console -run Browser
//
// The browser tests run one after the other: two Chromiums side by side on
// two cores let a click land before a page had settled, and miss.
func TestBrowserConsole(t *testing.T) {
	r := newRig(t)
	hhs, err := r.db.HouseholdsIn(ctx, "bac-kan/huyen-tung/khuoi-pai")
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hhs[:4] {
		s := &store.Submission{Form: "household", AreaID: h.AreaID, HouseholdID: h.ID, HouseholdName: h.HeadName,
			SubmittedAt: r.now, Answers: map[string]string{"class": "poor"}, Class: []string{"poor", "near_poor", "middle", "none"}[i]}
		if _, err := r.db.Apply(ctx, store.Change{At: r.now, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium()), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1000, 900))
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
	read := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(browser, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shot := func() []byte {
		t.Helper()
		png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		return png
	}

	// The link shows a page; its button logs in (a same-origin POST the
	// browser marks as such).
	visit(chromedp.Navigate(r.srv.URL+r.link("o-ht")), chromedp.WaitVisible(chromedp.Search(`//button[.="Đăng nhập"]`)))
	visit(chromedp.Click(chromedp.CSS("button.big")), chromedp.WaitVisible(chromedp.CSS("table")))
	if title := read(chromedp.Text(chromedp.CSS("h1"))); title != "Phường Huyền Tụng" {
		t.Fatalf("logged in by link, the dashboard's title is %q", title)
	}
	dashboard := shot()
	// Sorting reloads the page; wait for the row that must now come first.
	visit(chromedp.Click(chromedp.CSS("th:nth-child(2) a")), // by households, most first
		chromedp.WaitVisible(chromedp.Search(`//tbody/tr[1]/td[1][contains(., "Bản Cạu")]`)))
	visit(chromedp.Click(chromedp.CSS("th:nth-child(3) a")), // by the poor share, highest first
		chromedp.WaitVisible(chromedp.Search(`//tbody/tr[1]/td[1][contains(., "Khuổi Pài")]`)))
	visit(chromedp.Click(chromedp.Search(`//tbody//a[contains(., "Khuổi Pài")]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Khuổi Pài")]`)))
	if crumb := read(chromedp.Text(chromedp.CSS("nav a"))); crumb != "Phường Huyền Tụng" {
		t.Fatalf("the way back up reads %q", crumb)
	}
	village := shot()

	// An admin of the ward reaches the users from the dashboard.
	admin := store.User{ID: "a-ht", Name: "Quản trị Huyền Tụng", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"}
	if _, err := r.db.Apply(ctx, store.Change{At: r.now, User: &admin}); err != nil {
		t.Fatal(err)
	}
	visit(chromedp.Navigate(r.srv.URL+r.link("a-ht")), chromedp.Click(chromedp.CSS("button.big")), chromedp.Click(chromedp.CSS(`a[href="/users"]`)),
		chromedp.WaitVisible(chromedp.Search(`//td[contains(., "Quản trị Huyền Tụng")]`)))
	users := shot()

	// The admin uploads a register with a bad row: the report comes first,
	// and the good rows are saved only when asked.
	file := filepath.Join(t.TempDir(), "so-ho.csv")
	register := "area_id,household_id,head_name,members,status\n" +
		"bac-kan/huyen-tung/ban-cau,BC-01,Hoàng Văn Thắng,4,nghèo\n" +
		"bac-kan/huyen-tung/ban-cau,BC-02,Nông Văn Hùng,0,cận nghèo\n" +
		"bac-kan/huyen-tung/ban-cau,BC-03,Lý Thị Hoa,5,cận nghèo\n"
	if err := os.WriteFile(file, []byte(register), 0o600); err != nil {
		t.Fatal(err)
	}
	visit(chromedp.Navigate(r.srv.URL+"/"), chromedp.Click(chromedp.CSS(`a[href="/register"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)), chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[enctype] button`)), chromedp.WaitVisible(chromedp.Search(`//td[contains(., "số nhân khẩu «0»")]`)))
	if _, err := r.db.Household(ctx, "BC-01"); err == nil {
		t.Fatal("the register was saved before the admin said so")
	}
	checked := shot()
	visit(chromedp.Click(chromedp.CSS(`form[action^="/register/"] button`)), chromedp.WaitVisible(chromedp.CSS(".done")))
	if _, err := r.db.Household(ctx, "BC-03"); err != nil {
		t.Fatalf("the good rows were not saved: %v", err)
	}

	// The admin makes the heads' invites of the ward and prints them.
	visit(chromedp.Navigate(r.srv.URL+"/invites"), chromedp.SendKeys(chromedp.CSS(`form[action="/invites/heads"] input[name=area]`), "bac-kan/huyen-tung"),
		chromedp.Click(chromedp.CSS(`form[action="/invites/heads"] button`)), chromedp.WaitVisible(chromedp.CSS(`svg.qr`)))
	cards := shot()
	// The print button works under the page's policy (a script of the site
	// only); the browser's dialog is replaced so that the test sees the call.
	printed, err := chromedp.Run(browser, chromedp.Evaluate[bool](`window.print = () => { window.printed = true }; document.getElementById("print").click(); window.printed === true`))
	if err != nil || !printed {
		t.Fatalf("the print button: %v, %v", printed, err)
	}
	pdf, err := chromedp.Run(browser, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("printing the cards: %v", err)
	}
	// On paper: the cards, two to a row, without the links and the button.
	printLayout, err := chromedp.Run(browser, func(ctx context.Context, tg *chromedp.Target) (string, error) {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return "", err
		}
		return chromedp.Evaluate[string](`getComputedStyle(document.querySelector("nav")).display + " " +
			getComputedStyle(document.querySelector(".sheet")).gridTemplateColumns.split(" ").length`)(ctx, tg)
	})
	if err != nil || printLayout != "none 2" {
		t.Fatalf("printed, the page's nav and columns are %q, %v", printLayout, err)
	}
	dir := os.Getenv("SOTHON_SCREENSHOTS") // e.g. docs, to refresh the README's pictures
	if dir == "" {
		return
	}
	for name, png := range map[string][]byte{"console-dashboard.png": dashboard, "console-village.png": village, "console-users.png": users,
		"console-register.png": checked, "console-invites.png": cards} {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func chromium() string {
	for _, path := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return "chromium"
}
