package terminal_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sothon/bot"
	"sothon/bot/officials"
	"sothon/bot/terminal"
	"sothon/flows"
	"sothon/locales"
	"sothon/store"
	"sothon/tree"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

// clock is a test clock that moves only when told to.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// A transcript script is a header of "key: value" lines (as, lang, now),
// a line "---", then what the user types, one message a line. Lines
// starting with "!" are directives:
//
//	!restart          close the database and start a new engine on it
//	!advance 73h      move the clock
//	!submissions N    fail unless N submissions are stored
//	!households N     fail unless the user's village has N households
//	!expire           run the idle-run sweep
//	!as ROLE:AREA     go on as another terminal user (on the same engine)
//
// The output, with the user's lines after "> ", must equal NAME.golden.
func TestTranscripts(t *testing.T) {
	t.Parallel()
	scripts, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			got := playScript(t, script)
			golden := strings.TrimSuffix(script, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/terminal -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("transcript differs from %s:\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

type player struct {
	t      *testing.T
	eng    *bot.Engine
	dbPath string
	db     *store.DB
	clock  *clock
	forms  *flows.Set
	out    bytes.Buffer
	sess   *terminal.Session
	as     string
	lang   string
}

func playScript(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := strings.Cut(string(data), "\n---\n")
	if !ok {
		t.Fatalf("%s: no --- line", path)
	}
	p := &player{t: t, dbPath: filepath.Join(t.TempDir(), "sothon.db"), as: "head:bac-kan/huyen-tung/khuoi-pai",
		clock: &clock{t: time.Date(2023, 6, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))}}
	for _, line := range strings.Split(header, "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(k) {
		case "as":
			p.as = strings.TrimSpace(v)
		case "lang":
			p.lang = strings.TrimSpace(v)
		case "now": // a moment ("2026-11-20 09:00"), or a day at 9:00 in Vietnam
			at, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(v), p.clock.t.Location())
			if err != nil {
				day, derr := time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), p.clock.t.Location())
				if derr != nil {
					t.Fatalf("%s: now: %v", path, err)
				}
				at = day.Add(9 * time.Hour)
			}
			p.clock.t = at
		}
	}
	if p.forms, err = flows.Default(); err != nil {
		t.Fatal(err)
	}
	p.open()
	defer func() {
		diffs, err := p.db.CheckCounters(context.Background())
		if err != nil || len(diffs) > 0 {
			t.Errorf("counters after the transcript: %v %v", diffs, err)
		}
		p.db.Close()
	}()
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "!") {
			p.directive(line)
			continue
		}
		if err := p.sess.Say(context.Background(), line); err != nil {
			t.Fatalf("say %q: %v", line, err)
		}
	}
	return p.out.Bytes()
}

func (p *player) open() {
	ctx := context.Background()
	db, err := store.Open(p.dbPath)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := db.SaveAreas(ctx, tree.Default()); err != nil {
		p.t.Fatal(err)
	}
	p.db = db
	cat := locales.MustLoad()
	offices := &officials.Commands{Store: db, Forms: p.forms, Catalog: cat}
	p.eng = bot.New(bot.Config{Store: db, Forms: p.forms, Catalog: cat, Now: p.clock.now,
		Commands: offices.List()})
	p.session()
}

// session starts the terminal session of p.as, registering them if new.
func (p *player) session() {
	ctx := context.Background()
	role, area, _ := strings.Cut(p.as, ":")
	if err := terminal.EnsureUser(ctx, p.db, p.as, role, area, p.lang, p.clock.now()); err != nil {
		p.t.Fatal(err)
	}
	p.sess = &terminal.Session{Engine: p.eng, Store: p.db, ChatID: p.as, Out: &p.out, Echo: true}
	if err := p.sess.Start(ctx); err != nil {
		p.t.Fatal(err)
	}
}

func (p *player) directive(line string) {
	fmt.Fprintf(&p.out, "## %s\n", strings.TrimPrefix(line, "!"))
	cmd, arg, _ := strings.Cut(strings.TrimPrefix(line, "!"), " ")
	switch cmd {
	case "restart":
		if err := p.db.Close(); err != nil {
			p.t.Fatal(err)
		}
		p.open()
	case "advance":
		d, err := time.ParseDuration(arg)
		if err != nil {
			p.t.Fatal(err)
		}
		p.clock.t = p.clock.t.Add(d)
	case "as":
		p.as = arg
		p.session()
	case "expire":
		if _, err := p.sess.Engine.ExpireIdle(context.Background()); err != nil {
			p.t.Fatal(err)
		}
		if err := p.sess.Start(context.Background()); err != nil {
			p.t.Fatal(err)
		}
	case "submissions":
		want, _ := strconv.Atoi(arg)
		n := 0
		if err := p.db.Submissions(context.Background(), store.SubmissionFilter{}, func(store.Submission) error { n++; return nil }); err != nil {
			p.t.Fatal(err)
		}
		if n != want {
			p.t.Fatalf("after %d bytes of transcript: %d submissions stored, want %d", p.out.Len(), n, want)
		}
	case "households":
		want, _ := strconv.Atoi(arg)
		_, area, _ := strings.Cut(p.as, ":")
		hhs, err := p.db.Register(context.Background(), area)
		if err != nil {
			p.t.Fatal(err)
		}
		if len(hhs) != want {
			p.t.Fatalf("after %d bytes of transcript: %d households in %s, want %d", p.out.Len(), len(hhs), area, want)
		}
	default:
		p.t.Fatalf("unknown directive %q", line)
	}
}

// firstDiff shows the first differing line with some context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %q\ngot:  %q", i+1, wl, gl)
		}
	}
	return "(same lines, different bytes)"
}
