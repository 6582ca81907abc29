package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sothon/store"
)

// desk runs sothon commands in this process on one database, with the
// environment an office sets.
type desk struct {
	t   *testing.T
	env map[string]string
}

func newDesk(t *testing.T) *desk {
	return &desk{t: t, env: map[string]string{"SOTHON_DB": filepath.Join(t.TempDir(), "sothon.db"), "SOTHON_TZ": "Asia/Ho_Chi_Minh"}}
}

func (o *desk) run(stdin string, args ...string) (string, error) {
	o.t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return o.env[k] }, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

// must runs a command that has to succeed and returns what it printed.
func (o *desk) must(stdin string, args ...string) string {
	o.t.Helper()
	out, err := o.run(stdin, args...)
	if err != nil {
		o.t.Fatalf("sothon %v: %v\n%s", args, err, out)
	}
	return out
}

// addUser stores a person with chats on Telegram and Zalo.
func (o *desk) addUser(u store.User) {
	o.t.Helper()
	db, err := store.Open(o.env["SOTHON_DB"])
	if err != nil {
		o.t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	if _, err := db.Apply(context.Background(), store.Change{At: now, User: &u, Identity: &store.Identity{Channel: "telegram", ChatID: "t-" + u.ID}}); err != nil {
		o.t.Fatal(err)
	}
	if _, err := db.Apply(context.Background(), store.Change{At: now, Identity: &store.Identity{Channel: "zalo", ChatID: "z-" + u.ID, UserID: u.ID}}); err != nil {
		o.t.Fatal(err)
	}
}

// sothon users lists who has joined, with their role, area and chats, for
// an area named loosely; JSON for tools.
func TestUsersListsPeopleByArea(t *testing.T) {
	t.Parallel()
	o := newDesk(t)
	o.must("", "chat", "--as", "head:khuoi pai") // the terminal's head of Khuổi Pài
	o.addUser(store.User{ID: "r-ht", Name: "Lý Thị Duyệt", Role: store.RoleReviewer, AreaID: "bac-kan/huyen-tung", Lang: "vi"})
	o.addUser(store.User{ID: "o-nt", Name: "Đặng Văn Nông", Role: store.RoleOfficial, AreaID: "bac-kan/nong-thuong", Lang: "vi"})

	table := o.must("", "users")
	for _, want := range []string{"ID", "CHANNELS", "console-head-bac-kan-huyen-tung-khuoi-pai", "r-ht", "Lý Thị Duyệt", "reviewer",
		"bac-kan/huyen-tung/khuoi-pai", "telegram, zalo", "o-nt"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	if ht, nt := strings.Index(table, "r-ht"), strings.Index(table, "o-nt"); ht > nt {
		t.Errorf("not in the tree's order (Huyền Tụng before Nông Thượng):\n%s", table)
	}
	ward := o.must("", "users", "--area", "huyen tung")
	if !strings.Contains(ward, "r-ht") || !strings.Contains(ward, "console-head") || strings.Contains(ward, "o-nt") {
		t.Errorf("--area huyen tung:\n%s", ward)
	}
	var list []userJSON
	if err := json.Unmarshal([]byte(o.must("", "users", "--area", "Nông Thượng", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != "o-nt" || list[0].Area != "Xã Nông Thượng" || strings.Join(list[0].Channels, ",") != "telegram,zalo" {
		t.Errorf("JSON: %+v", list)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "--format", "xml"}, `--format "xml": use table or json`},
		{[]string{"users", "--area", "atlantis"}, `--area "atlantis": no such area`},
		{[]string{"users", "--area", "ban cau"}, "bac-kan/huyen-tung/ban-cau  Tổ Bản Cạu (Huyền Tụng)\n  bac-kan/xuat-hoa/ban-cau  Tổ Bản Cáu (Xuất Hóa)"},
	} {
		out, err := o.run("", bad.args...)
		if _, usage := err.(usageError); !usage || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("sothon %v: %v %s; want a usage error saying %q", bad.args, err, out, bad.want)
		}
	}
}

// Every --area takes a name as the chat does: without diacritics, by a
// village's name alone; an ambiguous name lists the areas it fits.
func TestAreaFlagsTakeNames(t *testing.T) {
	t.Parallel()
	o := newDesk(t)
	if out := o.must("", "invite", "--role", "head", "--area", "khuoi pai"); !strings.Contains(out, "(head, bac-kan/huyen-tung/khuoi-pai)") {
		t.Errorf("invite --area khuoi pai: %s", out)
	}
	if out := o.must("", "invite", "--role", "reviewer", "--area", "Huyền Tụng", "--name", "Lý Thị Duyệt"); !strings.Contains(out, "(reviewer, bac-kan/huyen-tung)") {
		t.Errorf("invite a reviewer: %s", out)
	}
	if out := o.must("", "round", "open", "Cuối năm", "2026-11-01", "2026-12-15", "--area", "huyen tung"); !strings.Contains(out, "for bac-kan/huyen-tung") {
		t.Errorf("round open --area huyen tung: %s", out)
	}
	if out := o.must("", "stats", "--area", "huyen tung"); !strings.Contains(out, "Phường Huyền Tụng") {
		t.Errorf("stats --area huyen tung: %s", out)
	}
	if out := o.must("", "digest", "--area", "na rao"); !strings.Contains(out, "Thôn Nà Rạo") {
		t.Errorf("digest --area na rao: %s", out)
	}
	if out := o.must("", "export", "--area", "xuat hoa"); !strings.HasPrefix(out, "\ufeffsubmission_id,") {
		t.Errorf("export --area xuat hoa: %s", out)
	}
	lists := filepath.Join(t.TempDir(), "ds.pdf")
	if out := o.must("", "lists", "--area", "huyen tung", "--out", lists); !strings.Contains(out, "wrote the lists of bac-kan/huyen-tung") {
		t.Errorf("lists --area huyen tung: %s", out)
	}
	if out := o.must("", "round", "close", "--area", "HUYỀN TỤNG"); !strings.Contains(out, "closed round 1") {
		t.Errorf("round close: %s", out)
	}
	for _, args := range [][]string{
		{"stats", "--area", "to 1"}, {"invite", "--role", "head", "--area", "to 1"}, {"export", "--area", "to 1"},
		{"round", "close", "--area", "to 1"}, {"digest", "--area", "to 1"}, {"users", "--area", "to 1"}, {"chat", "--as", "head:to 1"},
	} {
		_, err := o.run("", args...)
		if _, usage := err.(usageError); !usage || !strings.Contains(err.Error(), "several areas") || !strings.Contains(err.Error(), "bac-kan/song-cau/to-1  Tổ 1 (Sông Cầu)") {
			t.Errorf("sothon %v: %v; want the four Tổ 1 listed", args, err)
		}
	}
}

// /web in the terminal chat gives a login link when the server has a
// public address, to a reviewer too; login-link says whose link it is.
func TestChatAndLoginLinkGiveTheConsole(t *testing.T) {
	t.Parallel()
	o := newDesk(t)
	if out := o.must("/web\n", "chat", "--as", "reviewer:huyen tung"); !strings.Contains(out, "SOTHON_PUBLIC_URL") {
		t.Errorf("/web without a public address: %s", out)
	}
	o.env["SOTHON_PUBLIC_URL"] = "https://sothon.example/"
	out := o.must("/web\n", "chat", "--as", "reviewer:huyen tung")
	if !regexp.MustCompile(`https://sothon\.example/login/[0-9a-f]{32,}`).MatchString(out) || !strings.Contains(out, "cán bộ duyệt phiếu Phường Huyền Tụng") {
		t.Errorf("/web with a public address: %s", out)
	}
	o.addUser(store.User{ID: "a-ht", Name: "Hoàng Thị Quản", Role: store.RoleAdmin, AreaID: "bac-kan/huyen-tung", Lang: "vi"})
	link := o.must("", "login-link", "--user", "a-ht")
	if !regexp.MustCompile(`^https://sothon\.example/login/[0-9a-f]+\nfor Hoàng Thị Quản \(admin, Phường Huyền Tụng\); one use, within 10m0s\n$`).MatchString(link) {
		t.Errorf("login-link: %q", link)
	}
	if _, err := o.run("", "login-link", "--user", "console-head-bac-kan-huyen-tung-khuoi-pai"); err == nil {
		t.Error("a login link for nobody's console")
	}
}
