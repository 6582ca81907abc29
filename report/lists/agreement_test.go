package lists_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/office/register"
	"sothon/report"
	"sothon/report/export"
	"sothon/report/lists"
	"sothon/store"
	"sothon/store/storetest"
)

const naRao = "bac-kan/huyen-tung/khuoi-pai"

// The sequence seen in the field: a household approved as poor, then a
// second form for it (near-poor) waits, is returned, is corrected and the
// correction approved. At each step the lists, the round's figures and the
// official list agree; the pending change is shown apart.
func TestSecondFormOfAHouseholdInARound(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	file := "area_id,household_id,head_name,members,status\n" + naRao + ",K1,Nông Thị Mới,4,near_poor\n"
	if _, err := register.Import(ctx, db, "r.csv", strings.NewReader(file), register.Options{Now: now.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRound(ctx, store.Round{Name: "R", AreaID: "bac-kan", From: "2023-06-01", To: "2023-06-30", Opened: now}); err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	submit := func(class string, replaces uint64) uint64 {
		t.Helper()
		s := &store.Submission{Form: "household", AreaID: naRao, HouseholdID: "K1", SubmittedAt: now, Class: class, Replaces: replaces, Answers: map[string]string{}}
		a, err := db.Apply(ctx, store.Change{At: now, Submission: s})
		if err != nil {
			t.Fatal(err)
		}
		return a.SubmissionID
	}
	decide := func(id uint64, approve bool) {
		t.Helper()
		if _, _, err := db.Decide(ctx, store.Decision{Submission: id, Approve: approve, Reason: "Thu nhập chưa hợp lý", By: "o1", At: now}, nil); err != nil {
			t.Fatal(err)
		}
	}
	type want struct {
		poorList, nearList, leftNear int
		officialPoor, officialNear   int
		roundPoor, roundNear         int
		states                       report.ReviewStates
	}
	expect := func(step string, w want) {
		t.Helper()
		l, err := lists.Build(ctx, db, forms, cat, "bac-kan/huyen-tung", 0, "vi", now)
		if err != nil {
			t.Fatal(err)
		}
		st, err := report.Compute(ctx, db, "bac-kan/huyen-tung", now)
		if err != nil {
			t.Fatal(err)
		}
		got := want{l.Count(store.ListPoor), l.Count(store.ListNearPoor), l.Count(store.ListLeftNearPoor),
			st.Poor(), st.NearPoor(), st.ReviewedAs("poor"), st.ReviewedAs("near_poor"), st.Reviews()}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", step, got, w)
		}
		if d, err := lists.Agreement(ctx, db); err != nil || len(d) > 0 {
			t.Errorf("%s: disagreements %v, %v", step, d, err)
		}
	}
	first := submit("poor", 0)
	decide(first, true)
	expect("form 1 approved poor", want{1, 0, 0, 1, 0, 1, 0, report.ReviewStates{Approved: 1}})

	second := submit("near_poor", 0)
	expect("form 2 near-poor waits", want{1, 0, 0, 1, 0, 1, 0, report.ReviewStates{Approved: 1, Pending: 1, PendingChange: 1}})
	st, _ := db.HouseholdStanding(ctx, "K1")
	if rs, _ := st.In(1); rs.Approved.Decision.Form != first || rs.Pending.Form != second || !rs.PendingChange() {
		t.Errorf("standing: %+v", rs)
	}

	decide(second, false)
	expect("form 2 returned: form 1 stands", want{1, 0, 0, 1, 0, 1, 0, report.ReviewStates{Approved: 1, Returned: 1}})

	third := submit("near_poor", second)
	if rv, _ := db.ReviewOf(ctx, second); rv.State() != store.ReviewResubmitted {
		t.Errorf("the returned form after its correction: %s", rv.State())
	}
	expect("correction waits", want{1, 0, 0, 1, 0, 1, 0, report.ReviewStates{Approved: 1, Pending: 1, PendingChange: 1}})

	decide(third, true)
	expect("correction approved", want{0, 1, 0, 0, 1, 0, 1, report.ReviewStates{Approved: 1}})

	// A newer form waiting supersedes an older one waiting: one decision
	// to make, not two.
	fourth := submit("middle", 0)
	fifth := submit("poor", 0)
	if rv, _ := db.ReviewOf(ctx, fourth); rv.State() != store.ReviewSuperseded || rv.Last().ReplacedBy != fifth {
		t.Errorf("the older waiting form: %+v", rv)
	}
	if _, _, err := db.Decide(ctx, store.Decision{Submission: fourth, Approve: true, By: "o1", At: now}, nil); err == nil {
		t.Error("a superseded form was approved")
	}
	expect("two newer forms, the newest waiting", want{0, 1, 0, 0, 1, 0, 1, report.ReviewStates{Approved: 1, Pending: 1, PendingChange: 1}})
}

// Random sequences of submit, approve, return, correct and round changes
// over a few households: after every step the lists equal what a plain
// reading of the rule gives, and the lists, the figures, the official list
// and the counters agree (storetest checks counters and records on close).
func TestListsAgreeInEverySequence(t *testing.T) {
	t.Parallel()
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			m := newModel(t, seed)
			for step := range 40 {
				action := m.step()
				if t.Failed() {
					return
				}
				m.verify(fmt.Sprintf("step %d (%s)", step, action), forms, cat)
			}
		})
	}
}

var classes = []string{"poor", "near_poor", "middle", "none"}

// model drives a database and keeps the same story in plain terms: each
// form's state, and which round counts it.
type model struct {
	t        *testing.T
	db       *store.DB
	rng      *rand.Rand
	at       time.Time
	basis    string // SOTHON_COUNT: "" (auto), approved or all
	register map[string]string
	forms    []*modelForm
	rounds   []*modelRound
}

type modelForm struct {
	id       uint64
	hh       string
	class    string
	state    string
	round    int // index in rounds, -1 for none
	replaces uint64
}

type modelRound struct {
	round  store.Round
	closed map[uint64]string // each form's state at the close
}

var households = []string{"K1", "K2", "K3", "K4"}

func newModel(t *testing.T, seed uint64) *model {
	m := &model{t: t, db: storetest.Open(t), rng: rand.New(rand.NewPCG(seed, 2026)), at: time.Date(2023, 6, 1, 8, 0, 0, 0, now.Location()),
		basis: []string{"", store.CountApproved, store.CountAll}[seed%3], register: map[string]string{}}
	if m.basis != "" {
		if err := m.db.SetSetting(ctx, store.SettingCountBasis, m.basis); err != nil {
			t.Fatal(err)
		}
	}
	file := "area_id,household_id,head_name,members,status\n"
	for i, hh := range households {
		m.register[hh] = classes[m.rng.IntN(len(classes))]
		file += fmt.Sprintf("%s,%s,Hộ số %d,4,%s\n", naRao, hh, i+1, m.register[hh])
	}
	if _, err := register.Import(ctx, m.db, "r.csv", strings.NewReader(file), register.Options{Now: m.at.AddDate(0, -1, 0)}); err != nil {
		t.Fatal(err)
	}
	m.openRound()
	return m
}

// openRound opens a round for the month of m.at.
func (m *model) openRound() {
	first := time.Date(m.at.Year(), m.at.Month(), 1, 0, 0, 0, 0, m.at.Location())
	r := store.Round{Name: first.Format("01/2006"), AreaID: "bac-kan", From: first.Format(time.DateOnly),
		To: first.AddDate(0, 1, -1).Format(time.DateOnly), Opened: m.at}
	r, err := m.db.OpenRound(ctx, r)
	if err != nil {
		m.t.Fatal(err)
	}
	m.rounds = append(m.rounds, &modelRound{round: r})
}

func (m *model) open() int {
	if r := len(m.rounds) - 1; r >= 0 && m.rounds[r].closed == nil {
		return r
	}
	return -1
}

func (m *model) pick(state string) *modelForm {
	var in []*modelForm
	for _, f := range m.forms {
		if f.state == state {
			in = append(in, f)
		}
	}
	if len(in) == 0 {
		return nil
	}
	return in[m.rng.IntN(len(in))]
}

// step does one random action and says which.
func (m *model) step() string {
	m.at = m.at.Add(time.Duration(1+m.rng.IntN(90)) * time.Minute)
	switch n := m.rng.IntN(21); {
	case n < 7:
		return m.submit(households[m.rng.IntN(len(households))], 0)
	case n < 11:
		if f := m.pick(store.ReviewReceived); f != nil {
			return m.decide(f, true)
		}
	case n < 14:
		if f := m.pick(store.ReviewReceived); f != nil {
			return m.decide(f, false)
		}
	case n < 17:
		if f := m.pick(store.ReviewReturned); f != nil {
			return m.submit(f.hh, f.id)
		}
	case n < 19:
		if r := m.open(); r >= 0 {
			if _, err := m.db.CloseRound(ctx, "bac-kan", m.at, "a1"); err != nil {
				m.t.Fatal(err)
			}
			m.rounds[r].closed = map[uint64]string{}
			for _, f := range m.forms {
				m.rounds[r].closed[f.id] = f.state
			}
			return "close the round"
		}
	default:
		if m.open() < 0 {
			m.at = time.Date(m.at.Year(), m.at.Month()+1, 2, 8, 0, 0, 0, m.at.Location())
			m.openRound()
			return "open a round next month"
		}
	}
	return m.submit(households[m.rng.IntN(len(households))], 0)
}

func (m *model) submit(hh string, replaces uint64) string {
	class := classes[m.rng.IntN(len(classes))]
	s := &store.Submission{Form: "household", AreaID: naRao, HouseholdID: hh, SubmittedAt: m.at, SubmittedBy: "h1", Class: class, Replaces: replaces, Answers: map[string]string{}}
	a, err := m.db.Apply(ctx, store.Change{At: m.at, Submission: s})
	if err != nil {
		m.t.Fatal(err)
	}
	// The rule in plain terms: a new form voids the household's forms
	// waiting, and corrects the one it names, or else its newest returned.
	var returned []*modelForm
	for _, f := range m.forms {
		switch {
		case f.hh != hh:
		case f.state == store.ReviewReceived:
			f.state = store.ReviewSuperseded
		case f.state == store.ReviewReturned:
			returned = append(returned, f)
		}
	}
	if replaces == 0 && len(returned) > 0 {
		replaces = returned[len(returned)-1].id
	}
	for _, f := range returned {
		f.state = store.ReviewSuperseded
		if f.id == replaces {
			f.state = store.ReviewResubmitted
		}
	}
	m.forms = append(m.forms, &modelForm{id: a.SubmissionID, hh: hh, class: class, state: store.ReviewReceived, round: m.open(), replaces: replaces})
	return fmt.Sprintf("form %d for %s: %s, replacing %d", a.SubmissionID, hh, class, replaces)
}

func (m *model) decide(f *modelForm, approve bool) string {
	d := store.Decision{Submission: f.id, Approve: approve, Reason: "Số nhân khẩu chưa đúng", By: "o1", At: m.at}
	if _, _, err := m.db.Decide(ctx, d, nil); err != nil {
		m.t.Fatal(err)
	}
	f.state = map[bool]string{true: store.ReviewApproved, false: store.ReviewReturned}[approve]
	return fmt.Sprintf("%s form %d", f.state, f.id)
}

// stateIn is a form's state as a round sees it.
func (m *model) stateIn(f *modelForm, r int) string {
	if r >= 0 && m.rounds[r].closed != nil {
		return m.rounds[r].closed[f.id]
	}
	return f.state
}

func stands(basis, state string) bool {
	return state == store.ReviewApproved || basis == store.CountAll && state == store.ReviewReceived
}

// basisIn is the basis in force in round r (-1: none open).
func (m *model) basisIn(r int) string {
	if m.basis != "" || r < 0 {
		return cmp.Or(m.basis, store.CountAll)
	}
	for _, f := range m.forms {
		if f.round == r {
			switch m.stateIn(f, r) {
			case store.ReviewApproved, store.ReviewReturned, store.ReviewResubmitted:
				return store.CountApproved
			}
		}
	}
	return store.CountAll
}

// currentForms are the forms the households stand at now, on the basis in
// force: what the current-form export must give.
func (m *model) currentForms() []string {
	basis := m.basisIn(m.open())
	var out []string
	for _, hh := range households {
		last := uint64(0)
		for _, f := range m.forms {
			if f.hh == hh && stands(basis, f.state) {
				last = f.id
			}
		}
		if last != 0 {
			out = append(out, fmt.Sprint(last))
		}
	}
	slices.Sort(out)
	return out
}

// expected are the lists of the round r: household ids by kind.
func (m *model) expected(r int) map[string][]string {
	basis := m.basisIn(r)
	want := map[string][]string{}
	for _, hh := range households {
		before, class, seen := m.register[hh], "", false
		for _, f := range m.forms {
			switch {
			case f.hh != hh:
			case f.round == r && stands(basis, m.stateIn(f, r)):
				class = f.class
			case f.round != r && !seen && stands(basis, m.stateIn(f, r)):
				before = f.class
			}
			seen = seen || (f.hh == hh && f.round == r)
		}
		add := func(kind string) { want[kind] = append(want[kind], hh) }
		switch class {
		case "poor", "near_poor":
			add(class)
		}
		switch {
		case class == "":
		case before == "poor" && class != "poor":
			add(store.ListLeftPoor)
		case before == "near_poor" && (class == "middle" || class == "none"):
			add(store.ListLeftNearPoor)
		}
	}
	return want
}

func (m *model) verify(step string, forms *flows.Set, cat *locales.Catalog) {
	m.t.Helper()
	for r := range m.rounds {
		l, err := lists.Build(ctx, m.db, forms, cat, "bac-kan/huyen-tung", m.rounds[r].round.ID, "vi", m.at)
		if err != nil {
			m.t.Fatal(err)
		}
		got := map[string][]string{}
		for _, v := range l.Villages {
			for kind, entries := range v.Lists {
				for _, e := range entries {
					got[kind] = append(got[kind], e.HouseholdID)
				}
				slices.Sort(got[kind])
			}
		}
		if want := m.expected(r); fmt.Sprint(got) != fmt.Sprint(want) {
			m.t.Errorf("%s, round %d: lists %v, the rule gives %v", step, r+1, got, want)
		}
	}
	if d, err := lists.Agreement(ctx, m.db); err != nil || len(d) > 0 {
		m.t.Errorf("%s: %v %v", step, d, err)
	}
	for _, area := range []string{"bac-kan/huyen-tung", ""} { // an area, and the whole database
		var csvOut bytes.Buffer
		opts := export.Options{Filter: store.SubmissionFilter{AreaID: area}, Current: true, NoBOM: true}
		if _, err := export.Write(ctx, m.db, forms, opts, &csvOut); err != nil {
			m.t.Fatal(err)
		}
		table, _ := csv.NewReader(&csvOut).ReadAll()
		var current []string
		for _, row := range table[1:] {
			current = append(current, row[0])
		}
		slices.Sort(current)
		if want := m.currentForms(); !slices.Equal(current, want) {
			m.t.Errorf("%s: the current-form export of %q has %v, the rule gives %v", step, area, current, want)
		}
	}
	if diffs, err := m.db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		m.t.Errorf("%s: counters %v %v", step, diffs, err)
	}
	if diffs, err := m.db.CheckStandings(ctx); err != nil || len(diffs) > 0 {
		m.t.Errorf("%s: households %v %v", step, diffs, err)
	}
}
