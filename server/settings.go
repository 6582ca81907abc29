package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/pflag"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/jobs"
	"sothon/office"
	"sothon/setting"
	"sothon/store"
)

// The settings every command shares; the command line reads these as the
// root's flags.
var (
	DBFile    = setting.String("SOTHON_DB", "sothon.db", "the database file").WithFlag("db")
	FormsDir  = setting.String("SOTHON_FORMS", "", "a folder of questionnaire YAML files used instead of the built-in ones").WithFlag("forms").ShownAs("built in")
	AreasFile = setting.String("SOTHON_AREAS", "", "the area tree YAML file, or `builtin:thai-nguyen-2025`, instead of the built-in Bắc Kạn city of 2023").
			WithFlag("areas").ShownAs("built in (Bắc Kạn city, 2023)")
	StandardsFile = setting.String("SOTHON_STANDARDS", "", "a province's poverty standards YAML file instead of the built-in ones (see [Poverty standard](#poverty-standard))").
			WithFlag("standards").ShownAs("built in (`flows/poverty/standards.yaml`)")
	TimeZone = setting.String("SOTHON_TZ", "Asia/Ho_Chi_Minh", "the time zone for dates, exports and schedules (zone data is built in)").WithFlag("tz")
	RunTTL   = setting.Duration("SOTHON_RUN_TTL", bot.DefaultRunTTL, "how long an unanswered questionnaire is kept before it expires").WithFlag("run-ttl")
	// PublicURL is also what `sothon chat`, `sothon login-link` and `sothon export` put in
	// the console's and the photos' links.
	PublicURL = setting.Define("SOTHON_PUBLIC_URL", "", "string",
		"the server's public address (e.g. `https://sothon.example.vn`), where the office console is reached (`/web` links); "+
			"Zalo users then get the digest's chart as a photo and `/export`'s spreadsheet and `/lists`' PDF as links, "+
			"served at `GET /files/…` from signed links that expire in 24 hours, and the review card's photos the same way; "+
			"exports name photos by links under it (`GET /photos/…`, 7 days); "+
			"without it Zalo users are told why no file came and exports leave the photo links empty",
		setting.WebAddress("https://sothon.example.vn")).ShownAs("none")
)

// The server's own settings.
var (
	addr = setting.Define("SOTHON_ADDR", "127.0.0.1:8080", "string", "the HTTP address of `sothon serve` (`/healthz`, webhooks, the console)",
		func(s string) (string, error) {
			if _, _, err := net.SplitHostPort(s); err != nil {
				return "", errors.New("use HOST:PORT")
			}
			return s, nil
		}).WithFlag("addr")
	httpTimeout = setting.Duration("SOTHON_HTTP_TIMEOUT", 10*time.Second,
		"how long a request may take to arrive (writing gets 3×, an idle connection 6×); at most 512 connections at once, "+
			"and a webhook request with a wrong secret is refused unread. An admin's register upload gets 12 minutes (64 MB at 100 KB/s)")
	digestCron = cronSetting("SOTHON_DIGEST_CRON", jobs.DefaultDigestCron, "when the digests go to the officials (cron, in `SOTHON_TZ`)")
	remindCron = cronSetting("SOTHON_REMIND_CRON", jobs.DefaultRemindCron, "when the reminders go to the village heads behind (cron, in `SOTHON_TZ`)")
	reviewCron = cronSetting("SOTHON_REVIEW_CRON", jobs.DefaultReviewCron,
		"when the village review's reminders go out: meetings due, lists to post, a posting's last day, requests for review at day 10 and late (cron, in `SOTHON_TZ`)")
	backupDir = setting.String("SOTHON_BACKUP_DIR", "", "where the backups are: `sothon serve` writes one there every night (the newest 7 are kept), and `sothon doctor` checks the newest's age").ShownAs("none")
	// BackupOff is SOTHON_BACKUP_CRON's word for "the server writes none":
	// a systemd timer (deploy/sothon-backup.timer) writes them instead.
	backupCron = setting.Define("SOTHON_BACKUP_CRON", "0 2 * * *", "string", "when `sothon serve` writes that backup (cron, in `SOTHON_TZ`), or `off` when something else writes them (the systemd timer)", func(s string) (string, error) {
		if s == BackupOff {
			return s, nil
		}
		return parseCron("0 2 * * *")(s)
	})
	count = setting.Define("SOTHON_COUNT", "auto", "string",
		"what the official list counts: `approved` forms only, `all` forms received, or `auto` (approved once any form of the round was approved or returned); "+
			"`serve` keeps it in the file for the commands beside it",
		func(s string) (string, error) {
			w, err := setting.OneOf(store.CountApproved, store.CountAll, "auto")(s)
			if w == "auto" {
				w = ""
			}
			return w, err
		})
	postingDays = setting.Define("SOTHON_POSTING_DAYS", strconv.Itoa(store.DefaultPostingDays), "int",
		fmt.Sprintf("how many working days a village's lists stay posted (niêm yết) for complaints, 1 to %d; weekends and `SOTHON_HOLIDAYS` are skipped", office.MaxPostingDays),
		func(s string) (int, error) {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > office.MaxPostingDays {
				return 0, fmt.Errorf("use a number of working days from 1 to %d", office.MaxPostingDays)
			}
			return n, nil
		})
	holidays = setting.Define("SOTHON_HOLIDAYS", "", "string",
		"the days off besides weekends that postings skip, as `YYYY-MM-DD` separated by commas (the province's public holidays; none are built in)",
		parseHolidays).ShownAs("none")
	logLevel = setting.Define("SOTHON_LOG_LEVEL", "info", "string", "the server's log level: `debug`, `info`, `warn` or `error`",
		func(s string) (slog.Level, error) {
			var l slog.Level
			if err := l.UnmarshalText([]byte(s)); err != nil {
				return 0, errors.New("use debug, info, warn or error")
			}
			return l, nil
		})
	logFormat = setting.Define("SOTHON_LOG_FORMAT", "text", "string",
		"the server's log: `text`, or `json` for a log collector. Each line names its `component` (`telegram`, `sender.zalo-oa`, `receiver` …)",
		func(s string) (bool, error) {
			w, err := setting.OneOf("text", "json")(s)
			return w == "json", err
		})
)

// BackupOff turns the server's own nightly backup off (SOTHON_BACKUP_CRON).
const BackupOff = "off"

// parseHolidays checks every day of the holidays setting and gives them
// back sorted, one comma between.
func parseHolidays(s string) (string, error) {
	var days []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, f); err != nil {
			return "", fmt.Errorf("%q is no day: use YYYY-MM-DD separated by commas, such as 2026-09-02,2026-09-03", f)
		}
		days = append(days, f)
	}
	slices.Sort(days)
	return strings.Join(slices.Compact(days), ","), nil
}

func cronSetting(env, def, doc string) setting.Key[string] {
	return setting.Define(env, def, "string", doc, parseCron(def))
}

// parseCron checks a schedule of five cron fields.
func parseCron(example string) func(string) (string, error) {
	return func(s string) (string, error) {
		if _, err := cron.ParseStandard(s); err != nil {
			return "", fmt.Errorf("use five cron fields such as %q (%v)", example, err)
		}
		return s, nil
	}
}

// Shared are the settings every command reads.
func Shared() []*setting.Spec {
	return []*setting.Spec{DBFile.Spec, FormsDir.Spec, AreasFile.Spec, StandardsFile.Spec, TimeZone.Spec}
}

// serving are the settings of the server itself.
func serving() []*setting.Spec {
	return []*setting.Spec{RunTTL.Spec, addr.Spec, PublicURL.Spec, httpTimeout.Spec, digestCron.Spec, remindCron.Spec, reviewCron.Spec,
		backupDir.Spec, backupCron.Spec, count.Spec, postingDays.Spec, holidays.Spec, logLevel.Spec, logFormat.Spec}
}

// Settings is the whole table, in the order docs/DEPLOY.md lists it: the
// shared settings, the server's, then each platform's.
func Settings() []*setting.Spec {
	out := append(Shared(), serving()...)
	for _, p := range delivery.Platforms() {
		out = append(out, p.Settings...)
	}
	return out
}

// ServeFlags declares the server's flags (--addr, --run-ttl) on fs.
func ServeFlags(fs *pflag.FlagSet) { setting.AddFlags(fs, addr.Spec, RunTTL.Spec) }

// Config is what the server runs with.
type Config struct {
	Addr        string
	RunTTL      time.Duration
	PublicURL   string // where the server is reached from outside, for the console's and files' links
	HTTPTimeout time.Duration
	DigestCron  string
	RemindCron  string
	ReviewCron  string
	BackupDir   string // "" for no scheduled backups
	BackupCron  string
	Count       string // store.CountApproved, store.CountAll or "" (auto)
	PostingDays int    // working days a posting lasts
	Holidays    string // days off besides weekends, YYYY-MM-DD joined by commas
	LogLevel    slog.Level
	LogJSON     bool
	// Values are every setting read; each platform takes its own.
	Values    setting.Values
	platforms []delivery.Platform // those whose settings were read

	// The rest is no setting: the zero values keep a server's own, and
	// tests shorten them.
	Now          func() time.Time // the clock; time.Now when nil
	StopSend     time.Duration    // how long sending goes on after the last updates are handled; 1 s
	StopRequests time.Duration    // when requests in flight are cut off in a stop; 3 s
	// SendBackoff is the senders' wait after a failed send; nil keeps the
	// delivery package's own (one second, doubling).
	SendBackoff func(attempt int) time.Duration
}

// ErrNoChannel is a server with nothing to serve.
var ErrNoChannel = errors.New("no chat channel configured")

// ReadConfig reads the server's settings and every platform's from flags
// (the serve command's; nil for none) and the environment. A bad value is
// a *setting.Error naming its variable or flag.
func ReadConfig(getenv func(string) string, flags *pflag.FlagSet) (Config, error) {
	return readConfig(getenv, flags, delivery.Platforms())
}

// readConfig reads the settings of the server and of platforms, the ones
// it will start.
func readConfig(getenv func(string) string, flags *pflag.FlagSet, platforms []delivery.Platform) (Config, error) {
	table := serving()
	for _, p := range platforms {
		table = append(table, p.Settings...)
	}
	v, err := setting.Read(table, getenv, flags)
	if err != nil {
		return Config{}, err
	}
	c := Config{Addr: addr.In(v), RunTTL: RunTTL.In(v), PublicURL: PublicURL.In(v), HTTPTimeout: httpTimeout.In(v),
		DigestCron: digestCron.In(v), RemindCron: remindCron.In(v), ReviewCron: reviewCron.In(v), BackupDir: backupDir.In(v), BackupCron: backupCron.In(v),
		Count: count.In(v), PostingDays: postingDays.In(v), Holidays: holidays.In(v), LogLevel: logLevel.In(v), LogJSON: logFormat.In(v), Values: v, platforms: platforms}
	var on, switches []string
	for _, p := range platforms {
		if p.On == nil {
			continue
		}
		ok, err := p.On(v)
		if err != nil {
			return c, &setting.Error{Name: p.Title, Advice: err.Error()}
		}
		if ok {
			on = append(on, p.Name)
		}
		if len(p.Settings) > 0 {
			switches = append(switches, p.Settings[0].Env+" ("+p.Title+")")
		}
	}
	if len(on) == 0 && c.PublicURL == "" {
		return c, fmt.Errorf("%w: set %s (a secret may come from a *_FILE variable instead); or SOTHON_PUBLIC_URL alone to serve the office console only; see docs/DEPLOY.md",
			ErrNoChannel, strings.Join(switches, ", "))
	}
	return c, nil
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Config) stopTimes() (send, requests time.Duration) {
	send, requests = c.StopSend, c.StopRequests
	if send <= 0 {
		send = time.Second
	}
	if requests <= 0 {
		requests = 3 * time.Second
	}
	return send, requests
}

// BackupDir is SOTHON_BACKUP_DIR among the values read, "" when unset.
func BackupDir(v setting.Values) string { return backupDir.In(v) }
