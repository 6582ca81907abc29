package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/store"
)

// sothonIn runs the binary in dir, as an office would from its folder.
func sothonIn(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SOTHON_TZ=Asia/Ho_Chi_Minh", "SOTHON_DB=")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// importRegister makes a database with a small register in dir.
func importRegister(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "office.db")
	reg := filepath.Join(dir, "register.csv")
	os.WriteFile(reg, []byte("Mã địa bàn;Mã hộ;Họ tên chủ hộ;Số nhân khẩu;Phân loại\r\n"+
		"bac-kan/huyen-tung/khuoi-pai;K1;Hoàng Văn Thắng;4;nghèo\r\n"+
		"bac-kan/huyen-tung/na-pai;K2;Lục Thị Mai;3;cận nghèo\r\n"), 0o644)
	if out, stderr, err := sothonIn(t, dir, "import", "households", reg, "--db", db); err != nil || !strings.Contains(out, "imported 2 households") {
		t.Fatalf("import: %v %s %s", err, out, stderr)
	}
	return db
}

// Flags after a subcommand's words apply; read-only commands never create
// a database, neither the one named nor ./sothon.db.
func TestFlagsAnywhereAndNoAccidentalDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	if out, stderr, err := sothonIn(t, dir, "round", "open", "Giữa năm", "2023-06-01", "2023-06-30", "--db", db); err != nil || !strings.Contains(out, "opened round 1") {
		t.Fatalf("round open with --db last: %v %s %s", err, out, stderr)
	}
	if out, _, err := sothonIn(t, dir, "round", "list", "--db", db); err != nil || !strings.Contains(out, "Giữa năm") {
		t.Fatalf("round list --db: %v %s", err, out)
	}
	missing := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"round", "list"}, {"round", "list", "--db", missing}, {"stats"}, {"stats", "--db", missing},
		{"digest"}, {"remind"}, {"export"}, {"check"}, {"check", "--db", missing},
	} {
		_, stderr, err := sothonIn(t, dir, args...)
		if err == nil || !strings.Contains(stderr, "no database at") {
			t.Errorf("sothon %v: %v %q; want it refused for want of a database", args, err, stderr)
		}
	}
	if out, _, err := sothonIn(t, dir, "areas"); err != nil || !strings.Contains(out, "khuoi-pai") {
		t.Errorf("areas without a database: %v %s", err, out)
	}
	for _, path := range []string{filepath.Join(dir, "sothon.db"), missing} {
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s was created", path)
		}
	}
	if _, stderr, err := sothonIn(t, dir, "round", "list", "--nope", "--db", db); err == nil || !strings.Contains(stderr, "unknown flag: --nope") {
		t.Errorf("an unknown flag after the words: %v %s", err, stderr)
	}
}

// `sothon stats --format json` keeps numbers as numbers, with the
// register, the open round and one entry per sub-area.
func TestStatsJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	if _, stderr, err := sothonIn(t, dir, "round", "open", "Cả năm", time.Now().Format("2006")+"-01-01", time.Now().Format("2006")+"-12-31", "--db", db); err != nil {
		t.Fatalf("round: %v %s", err, stderr)
	}
	out, stderr, err := sothonIn(t, dir, "stats", "--area", "bac-kan/huyen-tung", "--format", "json", "--db", db)
	if err != nil {
		t.Fatalf("stats: %v %s", err, stderr)
	}
	var got struct {
		Register map[string]float64 `json:"register"`
		Round    struct {
			Name       string `json:"name"`
			From, To   string
			Reviewed   *int `json:"reviewed"`
			Households int  `json:"households"`
		} `json:"round"`
		Review struct {
			Name     string `json:"name"`
			NotFinal *int   `json:"not_final"`
			Villages []struct {
				ID      string `json:"id"`
				Meeting string `json:"meeting"`
				Posting string `json:"posting"`
			} `json:"villages"`
		} `json:"review"`
		SubAreas []struct {
			ID           string   `json:"id"`
			Name         string   `json:"name"`
			PoorRate     *float64 `json:"poor_rate"`
			ReviewedRate *float64 `json:"reviewed_rate"`
		} `json:"sub_areas"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if got.Register["households"] != 1500 || got.Register["poor"] != 1 || got.Register["near_poor"] != 1 ||
		got.Round.Name != "Cả năm" || got.Round.Reviewed == nil || *got.Round.Reviewed != 0 || got.Round.Households != 1500 {
		t.Errorf("stats json: %+v\n%s", got, out)
	}
	if rv := got.Review; rv.Name != "Cả năm" || rv.NotFinal == nil || *rv.NotFinal != 0 || len(rv.Villages) != 3 ||
		rv.Villages[0].Meeting != "none" || rv.Villages[0].Posting != "none" {
		t.Errorf("the villages' review: %+v", rv)
	}
	if len(got.SubAreas) != 3 || got.SubAreas[0].PoorRate == nil || got.SubAreas[0].ReviewedRate == nil ||
		!strings.Contains(out, `"name": "Tổ Khuổi Pài (Huyền Tụng)"`) {
		t.Errorf("sub-areas: %+v", got.SubAreas)
	}
	text, _, err := sothonIn(t, dir, "stats", "--area", "bac-kan/huyen-tung", "--db", db)
	if err != nil || !strings.Contains(text, "Hộ nghèo: 1 (0,07%)") || !strings.Contains(text, "Đã rà soát: 0/1.500 hộ") {
		t.Errorf("stats text: %v\n%s", err, text)
	}
}

// `sothon check` recounts the counters and names one broken on purpose.
func TestCheckFindsABrokenCounter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	if out, stderr, err := sothonIn(t, dir, "check", "--db", db); err != nil || !strings.Contains(out, "check out") {
		t.Fatalf("check of a sound file: %v %s %s", err, out, stderr)
	}
	const village = "bac-kan/huyen-tung/khuoi-pai"
	sdb, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := sdb.CountersIn(context.Background(), village)
	sdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		// Written as schema 13 wrote counters, which the store still reads.
		c := cs[village]
		c["status:poor"] += 5
		data, _ := json.Marshal(c)
		return tx.Bucket([]byte("counters")).Put([]byte(village), data)
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, err := sothonIn(t, dir, "check", "--db", db)
	if err == nil || !strings.Contains(out, "bac-kan/huyen-tung/khuoi-pai: status:poor is 6, recount gives 1") ||
		!strings.Contains(stderr, "1 counter(s), 0 household record(s) and 0 list figure(s) disagree") {
		t.Fatalf("check of a broken counter: %v\n%s%s", err, out, stderr)
	}
}

// Help is generated from the commands themselves and exits 0; shells get
// completion scripts.
func TestHelpAndCompletion(t *testing.T) {
	t.Parallel()
	out, _, err := sothon(t, "", "-h")
	if err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, name := range []string{"areas", "backup", "chat", "check", "digest", "export", "forms", "import", "invite", "remind", "round", "serve", "stats", "users", "--db", "--tz"} {
		if !strings.Contains(out, "  "+name) {
			t.Errorf("help lacks %s:\n%s", name, out)
		}
	}
	if out, _, err := sothon(t, "", "round", "open", "--help"); err != nil || !strings.Contains(out, "sothon round open NAME FROM TO") {
		t.Errorf("round open --help: %v\n%s", err, out)
	}
	if out, _, err := sothon(t, "", "completion", "bash"); err != nil || !strings.Contains(out, "__start_sothon") {
		t.Errorf("bash completion: %v", err)
	}
}

// Backups and exports are owner-only files that appear whole or not at
// all, replace nothing without --force, and a damaged database is named as
// such, pointing to the backups.
func TestFilesWrittenSafelyAndDamageReported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	out := filepath.Join(dir, "copy.db")
	for _, args := range [][]string{{"backup", out, "--db", db}, {"export", "--out", filepath.Join(dir, "x.csv"), "--db", db}} {
		if _, stderr, err := sothonIn(t, dir, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
	}
	for _, name := range []string{"copy.db", "x.csv"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", name, err, st.Mode().Perm())
		}
	}
	if _, stderr, err := sothonIn(t, dir, "backup", out, "--db", db); err == nil || !strings.Contains(stderr, "--force") {
		t.Errorf("a backup over an existing file: %v %s", err, stderr)
	}
	if _, _, err := sothonIn(t, dir, "backup", out, "--force", "--db", db); err != nil {
		t.Errorf("backup --force: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.db")
	os.WriteFile(cut, data[:3*4096], 0o600) // the meta pages and little else
	for _, args := range [][]string{{"export"}, {"stats"}, {"check"}} {
		_, stderr, err := sothonIn(t, dir, append(args, "--db", cut)...)
		if err == nil || !strings.Contains(stderr, "damaged") || !strings.Contains(stderr, "backup") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v on a damaged file: %v\n%s", args, err, stderr)
		}
	}
}

// Commands that only read open the file read-only: a backup on read-only
// media can be read.
func TestReadingCommandsOpenReadOnly(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Log("running as root: file modes do not stop root, so this shows the file is opened read-only, not that writing would fail")
	}
	dir := t.TempDir()
	db := importRegister(t, dir)
	copyPath := filepath.Join(dir, "disc", "copy.db")
	os.MkdirAll(filepath.Dir(copyPath), 0o700)
	if _, stderr, err := sothonIn(t, dir, "backup", copyPath, "--db", db); err != nil {
		t.Fatalf("backup: %v %s", err, stderr)
	}
	os.Chmod(copyPath, 0o400)
	os.Chmod(filepath.Dir(copyPath), 0o500)
	t.Cleanup(func() { os.Chmod(filepath.Dir(copyPath), 0o700) })
	before, _ := os.Stat(copyPath)
	for _, args := range [][]string{{"stats"}, {"export"}, {"check"}, {"round", "list"}, {"areas"}, {"digest"}, {"remind"}} {
		if _, stderr, err := sothonIn(t, dir, append(args, "--db", copyPath)...); err != nil {
			t.Errorf("%v on a read-only copy: %v %s", args, err, stderr)
		}
	}
	after, _ := os.Stat(copyPath)
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("reading changed the file")
	}
}

// `sothon lists` writes a round's lists as PDF or XLSX, and says what is
// wrong when there is no round or the flags are wrong.
func TestListsCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := importRegister(t, dir)
	out := filepath.Join(dir, "lists.pdf")
	if _, stderr, err := sothonIn(t, dir, "lists", "--area", "bac-kan/huyen-tung", "--out", out, "--db", db); err == nil || !strings.Contains(stderr, "has no review round") {
		t.Fatalf("lists without a round: %v %s", err, stderr)
	}
	if _, stderr, err := sothonIn(t, dir, "lists", "--area", "bac-kan/huyen-tung", "--out", out, "--format", "doc", "--db", db); err == nil || !strings.Contains(stderr, "use pdf or xlsx") {
		t.Fatalf("--format doc: %v %s", err, stderr)
	}
	if _, stderr, err := sothonIn(t, dir, "round", "open", "Cuối năm", "2026-11-01", "2026-12-31", "--db", db); err != nil {
		t.Fatalf("round open: %v %s", err, stderr)
	}
	for format, magic := range map[string]string{"pdf": "%PDF", "xlsx": "PK"} {
		path := filepath.Join(dir, "lists."+format)
		stdout, stderr, err := sothonIn(t, dir, "lists", "--area", "bac-kan/huyen-tung", "--out", path, "--format", format, "--db", db)
		data, _ := os.ReadFile(path)
		if err != nil || !strings.Contains(stdout, `round "Cuối năm"`) || !bytes.HasPrefix(data, []byte(magic)) {
			t.Errorf("lists as %s: %v %s %s", format, err, stdout, stderr)
		}
	}
	annex := filepath.Join(dir, "annex.xlsx")
	stdout, stderr, err := sothonIn(t, dir, "lists", "--annex", "--area", "bac-kan/huyen-tung", "--out", annex, "--format", "xlsx", "--db", db)
	if data, _ := os.ReadFile(annex); err != nil || !strings.Contains(stdout, "the decision's annex of bac-kan/huyen-tung") || !strings.Contains(stdout, "a draft") || !bytes.HasPrefix(data, []byte("PK")) {
		t.Errorf("the annex: %v %s %s", err, stdout, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--minutes", "--annex"}, "ask for one"},
		{[]string{"--minutes", "--format", "xlsx"}, "the minutes are a PDF"},
		{[]string{"--minutes"}, "Name a village"},
		{[]string{"--minutes", "--area", "bac-kan/huyen-tung/khuoi-pai"}, "has not opened its meeting"},
	} {
		args := append([]string{"lists", "--area", "bac-kan/huyen-tung", "--out", filepath.Join(dir, "minutes.pdf"), "--db", db}, c.args...)
		if _, stderr, err := sothonIn(t, dir, args...); err == nil || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: %v %s", c.args, err, stderr)
		}
	}
}

// An empty database file (a copy that never began, a disk full at the
// first write) is refused as damaged by every command, naming the backups
// and --new; a command that writes makes a new database there only when
// told to with --new.
func TestEmptyDatabaseFileNeedsNew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SOTHON_DB": db, "SOTHON_PUBLIC_URL": "http://127.0.0.1:0", "SOTHON_ADDR": "127.0.0.1:0"}
	getenv := func(k string) string { return env[k] }
	invite := []string{"invite", "--role", "head", "--area", "bac-kan/huyen-tung/khuoi-pai"}
	for _, args := range [][]string{{"serve"}, invite, {"round", "open", "2026", "2026-01-01", "2026-12-31"}, {"stats"}, {"check"}} {
		var stderr strings.Builder
		err := run(context.Background(), args, getenv, nil, io.Discard, &stderr)
		if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "empty") || !strings.Contains(err.Error(), "--new") {
			t.Errorf("%v on an empty file: %v; want it refused as damaged, naming --new", args, err)
		}
	}
	if st, err := os.Stat(db); err != nil || st.Size() != 0 {
		t.Fatalf("the empty file was written to: %v %v", st, err)
	}
	var out strings.Builder
	if err := run(context.Background(), append(invite, "--new"), getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "invite code") {
		t.Fatalf("invite --new: %v %s", err, out.String())
	}
	if err := run(context.Background(), []string{"check"}, getenv, nil, io.Discard, io.Discard); err != nil {
		t.Errorf("check after --new: %v", err)
	}
}
