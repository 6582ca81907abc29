package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/jobs"
	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/report"
	"sothon/store"
)

// registerAs makes chat a user with a role and area on the test channel.
func (f *fixture) registerAs(t testing.TB, chat, role, area string) store.User {
	t.Helper()
	u := store.User{Name: "User " + chat, Role: role, AreaID: area, Lang: "vi"}
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, User: &u, Identity: &store.Identity{Channel: "test", ChatID: chat}}); err != nil {
		t.Fatal(err)
	}
	return u
}

// submit stores a household submission for a village.
func (f *fixture) submit(t testing.TB, area, class string) {
	t.Helper()
	s := &store.Submission{Form: "household", FormVersion: "1", AreaID: area, HouseholdName: "Hộ " + class,
		SubmittedBy: "x", SubmittedAt: f.now, Answers: map[string]string{"class": class, "members": "3"}, Class: class, Members: 3}
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, Submission: s}); err != nil {
		t.Fatal(err)
	}
}

// The figures, the villages behind and the spreadsheet of an area, as the
// chat says and sends them; who may read which area is the office's rule,
// tested in package office, and the chat only says its refusal.
func TestFiguresInChat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.submit(t, "bac-kan/duc-xuan/to-1", "poor")
	f.submit(t, "bac-kan/duc-xuan/to-1", "near_poor")

	if out := f.say(t, "o1", "1", "/stats bac-kan/duc-xuan"); !strings.Contains(out[0].Text, "Không tìm thấy địa bàn «bac-kan/duc-xuan» trong phạm vi") {
		t.Fatalf("another ward's stats: %q", out[0].Text)
	}
	stats := f.say(t, "o1", "3", "/stats")[0].Text
	if !strings.Contains(stats, "Phường Huyền Tụng") || !strings.Contains(stats, "Hộ nghèo: 1 ") || !strings.Contains(stats, "Hộ cận nghèo: 0 ") {
		t.Fatalf("own stats:\n%s", stats)
	}
	if village := f.say(t, "o1", "4", "/stats bac-kan/huyen-tung/khuoi-pai")[0].Text; !strings.Contains(village, "Tổ Khuổi Pài") {
		t.Fatalf("a village of the ward: %q", village)
	}
	missing := f.say(t, "o1", "5", "/missing")
	all := missing[0].Text
	if strings.Contains(all, "duc-xuan") || !strings.Contains(all, "bac-kan/huyen-tung/ban-cau") || strings.Contains(all, "khuoi-pai") {
		t.Fatalf("missing villages:\n%s", all)
	}
	exp := f.say(t, "o1", "6", "/export")
	if len(exp) != 1 || exp[0].Attachment == nil {
		t.Fatalf("export: %+v", exp)
	}
	x, err := excelize.OpenReader(bytes.NewReader(exp[0].Attachment.Data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetList()[0])
	if len(rows) != 2 || rows[1][4] != "bac-kan/huyen-tung/khuoi-pai" {
		t.Fatalf("exported rows: %v", rows)
	}
	dig := f.say(t, "o1", "7", "/digest")
	if len(dig) != 1 || dig[0].Attachment == nil || !dig[0].Attachment.Image || strings.Contains(dig[0].Text, "Đức Xuân") {
		t.Fatalf("digest: %+v", dig)
	}
	if out := f.say(t, "o1", "8", "/round close"); !strings.Contains(out[0].Text, "không dành") {
		t.Fatalf("an official closing a round: %q", out[0].Text)
	}
}

// A review counts in the round whose days it falls on, whether the round
// was opened before or after it.
func TestRoundsCountCoverageAndLeavingPoverty(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "a1", store.RoleAdmin, "bac-kan")
	area := "bac-kan/huyen-tung/khuoi-pai"
	hhs, _ := f.db.HouseholdsIn(ctx, area)
	if err := f.db.ImportHouseholds(ctx, []store.Household{{ID: hhs[0].ID, AreaID: area, HeadName: hhs[0].HeadName, Status: "poor"}}); err != nil {
		t.Fatal(err)
	}
	review := func(hh, class string, at time.Time) {
		s := &store.Submission{Form: "household", AreaID: area, HouseholdID: hh, SubmittedAt: at, Answers: map[string]string{"class": class}, Class: class}
		if _, err := f.db.Apply(ctx, store.Change{At: at, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	review(hhs[2].ID, "poor", f.now.AddDate(0, -1, 0)) // before the round's days: not counted
	review(hhs[0].ID, "middle", f.now)                 // was poor: left poverty, before the round was opened
	if out := f.say(t, "a1", "1", "/round open Rà soát giữa năm 2023 2023-06-01 2023-06-30"); !strings.Contains(out[0].Text, "Đã mở") {
		t.Fatalf("open: %q", out[0].Text)
	}
	if out := f.say(t, "a1", "2", "/round open Khác 2023-09-01 2023-12-14"); !strings.Contains(out[0].Text, "đóng đợt đó trước") {
		t.Fatalf("second open: %q", out[0].Text)
	}
	review(hhs[0].ID, "middle", f.now) // reviewed again: still one household, still left poverty once
	review(hhs[1].ID, "near_poor", f.now)
	stats := f.say(t, "a1", "3", "/stats "+area)[0].Text
	for _, want := range []string{"Đã rà soát: 2/480 hộ", "Thoát nghèo trong đợt: 1 hộ", "01/06/2023 – 30/06/2023",
		"trong đó hộ nghèo 0, hộ cận nghèo 1"} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats lack %q:\n%s", want, stats)
		}
	}
	// Forms wait for review (the household's first form of the round was
	// superseded by its second): closing asks first, lists them, and "no"
	// keeps it open.
	if out := f.say(t, "a1", "4", "/round close"); !strings.Contains(out[0].Text, "còn 2 phiếu chờ duyệt") || strings.Count(out[0].Text, "• Phiếu số") != 2 {
		t.Fatalf("close with forms waiting: %q", out[0].Text)
	}
	if out := f.say(t, "a1", "5", "2"); !strings.Contains(out[len(out)-1].Text, "vẫn mở") {
		t.Fatalf("kept open: %q", out[len(out)-1].Text)
	}
	f.say(t, "a1", "6", "/round close")
	if out := f.say(t, "a1", "7", "vẫn đóng"); !strings.Contains(out[len(out)-1].Text, "Đã đóng") {
		t.Fatalf("close anyway: %q", out[len(out)-1].Text)
	}
}

func weekly(f *fixture) *jobs.Weekly {
	forms, _ := flows.Default()
	return &jobs.Weekly{Store: f.db, Forms: forms, Catalog: locales.MustLoad(), Now: func() time.Time { return f.now }}
}

func TestRemindersWhoOncePerWeekAndQuietHours(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2023, 6, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)) // Thursday 08:00
	f.registerAs(t, "h1", store.RoleHead, "bac-kan/huyen-tung/khuoi-pai")
	f.registerAs(t, "h2", store.RoleHead, "bac-kan/nong-thuong/na-rao")
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan")
	f.submit(t, "bac-kan/nong-thuong/na-rao", "none") // na-rao sent something this week
	if _, err := f.db.OpenRound(ctx, store.Round{Name: "Đợt 1", From: "2023-06-01", To: "2023-06-30", Opened: f.now}); err != nil {
		t.Fatal(err)
	}
	j := weekly(f)
	n, err := j.SendReminders(ctx)
	if err != nil || n != 2 {
		t.Fatalf("reminders: %d, %v (both villages have unreviewed households)", n, err)
	}
	if n, _ := j.SendReminders(ctx); n != 0 {
		t.Fatalf("%d more reminders in the same week", n)
	}
	msgs, _ := f.db.Outbox(ctx, "test", 10)
	if len(msgs) != 2 || !strings.Contains(msgs[0].Text, "480") && !strings.Contains(msgs[1].Text, "480") {
		t.Fatalf("reminders queued: %+v", msgs)
	}
	for _, m := range msgs {
		if m.ChatID == "o1" || !m.NotBefore.IsZero() || len(m.Options) != 1 || m.Question != "remind" {
			t.Fatalf("reminder: %+v", m)
		}
	}
	// Next week, at 22:00: queued for 06:00 the next morning.
	f.now = f.now.Add(7*24*time.Hour + 14*time.Hour)
	if n, _ := j.SendReminders(ctx); n != 2 {
		t.Fatalf("next week: %d reminders", n)
	}
	msgs, _ = f.db.Outbox(ctx, "test", 10)
	if last := msgs[len(msgs)-1]; last.NotBefore.Hour() != 6 || last.NotBefore.Day() != f.now.Day()+1 {
		t.Fatalf("a reminder queued at 22:00 goes out at %v", last.NotBefore)
	}
}

func TestDigestsGoToOfficialsWithChangeSinceLast(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	f.registerAs(t, "h1", store.RoleHead, "bac-kan/huyen-tung/khuoi-pai")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	j := weekly(f)
	if n, err := j.SendDigests(ctx, "bac-kan"); err != nil || n != 1 {
		t.Fatalf("digests: %d, %v", n, err)
	}
	f.now = f.now.Add(7 * 24 * time.Hour)
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	if n, _ := j.SendDigests(ctx, "bac-kan"); n != 1 {
		t.Fatal("second digest not sent")
	}
	msgs, _ := f.db.Outbox(ctx, "test", 10)
	if len(msgs) != 2 || msgs[1].ChatID != "o1" || !strings.Contains(msgs[1].Text, "Hộ nghèo: 3 (0,2%) [so với báo cáo trước: +2]") || msgs[1].Attachment == nil {
		t.Fatalf("second digest: %q", msgs[len(msgs)-1].Text)
	}
}

func TestScheduleRunsEachSlotOnceAndCatchesUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loc := time.FixedZone("ICT", 7*3600)
	clock := time.Date(2023, 6, 12, 9, 30, 0, 0, loc) // Monday 09:30: the 07:00 slot was missed
	var mu sync.Mutex
	runs := map[string]int{}
	s := &jobs.Schedule{Store: f.db, Loc: loc, Now: func() time.Time { return clock }, Log: discard()}
	s.Add("digest", jobs.DefaultDigestCron, func(context.Context) error { mu.Lock(); runs["digest"]++; mu.Unlock(); return nil })
	s.Add("remind", jobs.DefaultRemindCron, func(context.Context) error { mu.Lock(); runs["remind"]++; mu.Unlock(); return nil })
	s.Add("boom", "30 9 * * *", func(context.Context) error { panic("broken job") })
	s.CatchUp(ctx)
	s.CatchUp(ctx) // a second restart the same day: no second run
	if runs["digest"] != 1 || runs["remind"] != 0 {
		t.Fatalf("after catching up on Monday: %v", runs)
	}
	// Tuesday: Monday's slot is not the same day, nothing to catch up.
	clock = clock.Add(24 * time.Hour)
	s.CatchUp(ctx)
	if runs["digest"] != 1 {
		t.Fatalf("caught up a slot of another day: %v", runs)
	}
	if err := s.Add("bad", "every monday", nil); err == nil {
		t.Fatal("a bad cron spec accepted")
	}
}

func TestNotTextIsRefusedPolitely(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "1")
	f.say(t, "1", "a", "1")
	if err := func() error {
		_, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: "b", NotText: true})
		return err
	}(); err != nil {
		t.Fatal(err)
	}
	if err := f.sender.Flush(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	last := f.ch.sent[len(f.ch.sent)-1]
	if !strings.Contains(last.Text, "chỉ đọc được tin nhắn chữ") || last.Question != "household" {
		t.Fatalf("sticker reply: %+v", last)
	}
}

func TestReminderButtonStartsOrResumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "h1", store.RoleHead, "bac-kan/huyen-tung/khuoi-pai")
	press := func(id string) []delivery.Outbound {
		t.Helper()
		if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "h1", MessageID: id, Button: "a|remind|1", CallbackID: "cb"}); err != nil {
			t.Fatal(err)
		}
		before := len(f.ch.sent)
		if err := f.sender.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		return closingsFirst(f.ch.sent[before:])
	}
	if out := press("1"); out[len(out)-1].Question != "household" {
		t.Fatalf("the reminder's button did not start a review: %+v", out)
	}
	f.say(t, "h1", "2", "1") // a household: now at "members"
	if out := press("3"); !strings.Contains(out[len(out)-1].Text, "đang điền dở") || out[len(out)-1].Question != "members" {
		t.Fatalf("the reminder's button did not resume: %+v", out[len(out)-1])
	}
}

// Rounds have an area: two wards may each run one, a ward's admin neither
// sees nor closes the city's, and a review counts only in its own area's.
func TestRoundsAreScopedToTheirArea(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "city", store.RoleAdmin, "bac-kan")
	f.registerAs(t, "ht", store.RoleAdmin, "bac-kan/huyen-tung")
	f.registerAs(t, "dx", store.RoleAdmin, "bac-kan/duc-xuan")
	if out := f.say(t, "ht", "1", "/round open Huyền Tụng 2023-06-01 2023-06-30"); !strings.Contains(out[0].Text, "Đã mở") {
		t.Fatalf("ward round: %q", out[0].Text)
	}
	if out := f.say(t, "dx", "2", "/round open Đức Xuân 2023-06-01 2023-06-30"); !strings.Contains(out[0].Text, "Đã mở") {
		t.Fatalf("a second ward's round: %q", out[0].Text)
	}
	if out := f.say(t, "city", "3", "/round open Thành phố 2023-06-01 2023-06-30"); !strings.Contains(out[0].Text, "đóng đợt đó trước") {
		t.Fatalf("a city round over open ward rounds: %q", out[0].Text)
	}
	if out := f.say(t, "city", "4", "/round close"); !strings.Contains(out[0].Text, "Chưa có đợt") {
		t.Fatalf("the city admin closed a ward's round: %q", out[0].Text)
	}
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	f.submit(t, "bac-kan/duc-xuan/to-1", "poor")
	for area, want := range map[string]string{"bac-kan/huyen-tung": "Đợt rà soát «Huyền Tụng»", "bac-kan/duc-xuan": "Đợt rà soát «Đức Xuân»"} {
		st, err := report.Compute(ctx, f.db, area, f.now)
		if err != nil || st.Reviewed() != 1 {
			t.Fatalf("%s: %d reviewed, %v", area, st.Reviewed(), err)
		}
		forms, _ := flows.Default()
		if text := report.Digest(st, nil, forms, locales.MustLoad(), "vi"); !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", area, want, text)
		}
	}
	f.say(t, "ht", "5", "/round close")
	if out := f.say(t, "ht", "6", "1"); !strings.Contains(out[len(out)-1].Text, "Đã đóng") {
		t.Fatalf("the ward admin closing their round: %q", out[len(out)-1].Text)
	}
}

// press sends a button press from a chat and returns what was sent out.
func (f *fixture) press(t *testing.T, chat, msgID, data string) (bot.Result, []delivery.Outbound) {
	t.Helper()
	res, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: msgID, Button: data, CallbackID: "cb"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.ch.sent)
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return res, closingsFirst(f.ch.sent[before:])
}

// Review by buttons, as on Telegram: the card's buttons return a form with
// a reason, the head's button reopens it. A button pressed again is told
// the office's refusal (who may decide which form is tested in package
// office); a quiet-hours return waits for the morning. The reopened form
// asks first what it lacks.
func TestReviewByButtons(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	card := f.say(t, "o1", "1", "/review")
	if len(card) != 1 || card[0].Question != "review:1" || len(card[0].Options) != 3 {
		t.Fatalf("the card: %+v", card)
	}
	_, why := f.press(t, "o1", "3", bot.ButtonData("review:1", "2", false))
	if len(why) == 0 || why[len(why)-1].Question != "review:why:1" {
		t.Fatalf("asking why: %+v", why)
	}
	f.now = time.Date(2023, 6, 15, 22, 30, 0, 0, time.UTC) // quiet hours
	_, out := f.press(t, "o1", "4", bot.ButtonData("review:why:1", "3", false))
	if !strings.Contains(out[len(out)-1].Text, "Đã trả lại phiếu số 1") {
		t.Fatalf("the return: %+v", out)
	}
	for _, m := range out {
		if m.ChatID == "h1" {
			t.Fatalf("the head was told in the quiet hours: %q", m.Text)
		}
	}
	f.now = time.Date(2023, 6, 16, 6, 0, 0, 0, time.UTC)
	if err := f.sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	notice := f.ch.sent[len(f.ch.sent)-1]
	if notice.ChatID != "h1" || !strings.Contains(notice.Text, "Số nhân khẩu chưa đúng") || notice.Question != "fix:1" {
		t.Fatalf("the head's notice in the morning: %+v", notice)
	}
	if _, out := f.press(t, "o1", "5", bot.ButtonData("review:why:1", "1", false)); !strings.Contains(out[0].Text, "đã được xử lý") {
		t.Fatalf("returned twice: %q", out[0].Text)
	}
	_, reopened := f.press(t, "h1", "6", bot.ButtonData("fix:1", "1", false))
	if last := reopened[len(reopened)-1]; !strings.Contains(last.Text, "Mở lại phiếu số 1") || last.Question != "working_age" {
		t.Fatalf("the head's button: %+v", reopened)
	}
}

// /approve approves a village's waiting forms at once, after a question;
// "no" approves nothing, another ward's village cannot be named, and a ward
// is told the office's refusal.
func TestApproveAVillageAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	for range 3 {
		f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	}
	f.submit(t, "bac-kan/huyen-tung/ban-cau", "poor")
	if out := f.say(t, "o1", "1", "/approve to-1"); strings.Contains(out[0].Text, "Duyệt tất cả") {
		t.Fatalf("another ward's village: %q", out[0].Text)
	}
	if out := f.say(t, "o1", "1a", "/approve huyen tung"); len(out) != 1 || !strings.Contains(out[0].Text, "từng thôn, tổ") {
		t.Fatalf("a ward: %+v", out)
	}
	if out := f.say(t, "o1", "2", "/approve khuoi pai"); !strings.Contains(out[0].Text, "Duyệt tất cả 3 phiếu") {
		t.Fatalf("the question: %q", out[0].Text)
	}
	if out := f.say(t, "o1", "3", "khong"); !strings.Contains(out[len(out)-1].Text, "Chưa duyệt") {
		t.Fatalf("no: %q", out[0].Text)
	}
	f.say(t, "o1", "4", "/approve khuoi pai")
	if out := f.say(t, "o1", "5", "1"); !strings.Contains(out[len(out)-1].Text, "Đã duyệt 3 phiếu") {
		t.Fatalf("yes: %q", out[0].Text)
	}
	if next, waiting, err := f.db.NextPending(ctx, "bac-kan/huyen-tung", 0); err != nil || waiting != 1 || next.AreaID != "bac-kan/huyen-tung/ban-cau" {
		t.Fatalf("left waiting: %d, %+v, %v", waiting, next, err)
	}
}

// A village with a returned form is reminded even when it sent something
// this week and no round is open, and the correction comes first.
func TestReminderAsksForReturnedFormsFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2023, 6, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	f.registerAs(t, "h1", store.RoleHead, "bac-kan/huyen-tung/khuoi-pai")
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	j := weekly(f)
	if n, err := j.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("a village that sent this week, nothing returned: %d reminders, %v", n, err)
	}
	if _, _, err := f.db.Decide(ctx, store.Decision{Submission: 1, Reason: "Sai hộ", By: "o1", At: f.now}, nil); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.AddDate(0, 0, 7)
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor") // active this week too
	if n, err := j.SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("a village with a returned form: %d reminders, %v", n, err)
	}
	msgs, _ := f.db.Outbox(ctx, "test", 10)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, "↩️ Thôn mình có 1 phiếu bị trả lại") {
		t.Fatalf("the reminder: %+v", msgs)
	}
}

// /lists sends the round's lists as a PDF; no round, no lists; another
// ward's are out of reach.
func TestListsInChat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	if out := f.say(t, "o1", "1", "/lists"); !strings.Contains(out[0].Text, "Chưa có đợt rà soát") {
		t.Fatalf("without a round: %q", out[0].Text)
	}
	if _, err := f.db.OpenRound(ctx, store.Round{Name: "Đợt 1", From: "2023-06-01", To: "2023-06-30", Opened: f.now}); err != nil {
		t.Fatal(err)
	}
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	out := f.say(t, "o1", "2", "/lists khuoi pai")
	a := out[len(out)-1].Attachment
	if a == nil || !strings.HasSuffix(a.Name, ".pdf") || !bytes.HasPrefix(a.Data, []byte("%PDF")) || !strings.Contains(out[len(out)-1].Text, "Đợt 1") {
		t.Fatalf("the lists: %+v", out)
	}
	if out := f.say(t, "o1", "3", "/lists bac-kan/duc-xuan"); out[0].Attachment != nil || !strings.Contains(out[0].Text, "trong phạm vi của anh/chị") {
		t.Fatalf("another ward's lists: %+v", out[0])
	}
}

// /lists bienban sends a village's meeting minutes and /lists phuluc the
// ward's decision annex (a draft before the decision), as PDF or XLSX;
// another ward's annex is out of reach, and a ward has no minutes.
func TestDocumentsInChat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o1 := f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	if _, err := f.db.OpenRound(ctx, store.Round{Name: "Đợt 1", AreaID: "bac-kan/huyen-tung", From: "2023-06-01", To: "2023-06-30", Opened: f.now}); err != nil {
		t.Fatal(err)
	}
	f.submit(t, "bac-kan/huyen-tung/khuoi-pai", "poor")
	if out := f.say(t, "o1", "1", "/lists bienban khuoi pai"); out[0].Attachment != nil || !strings.Contains(out[0].Text, "chưa mở cuộc họp") {
		t.Fatalf("minutes before the meeting: %+v", out[0])
	}
	o1, _ = f.db.UserByIdentity(ctx, "test", "o1")
	if _, err := (&office.Office{Store: f.db}).OpenMeeting(ctx, o1, office.MeetingOpening{Village: "bac-kan/huyen-tung/khuoi-pai", Day: "2023-06-14",
		Present: 12, Chair: "Hoàng Văn Thắng", Secretary: "Lục Thị Mai", Front: "Nông Văn Hùng"}, f.now); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ say, name, magic, text string }{
		{"/lists bienban khuoi pai", "bien-ban-hop-bac-kan-huyen-tung-khuoi-pai-2023-06-15.pdf", "%PDF", "Biên bản họp Tổ Khuổi Pài"},
		{"/lists biên bản Khuổi Pài", "bien-ban-hop-bac-kan-huyen-tung-khuoi-pai-2023-06-15.pdf", "%PDF", "Biên bản họp"},
		{"/lists phuluc", "phu-luc-bac-kan-huyen-tung-2023-06-15.pdf", "%PDF", "dự thảo"},
		{"/lists phụ lục huyen tung XLSX", "phu-luc-bac-kan-huyen-tung-2023-06-15.xlsx", "PK", "Phụ lục quyết định của Phường Huyền Tụng"},
	} {
		out := f.say(t, "o1", c.say, c.say)
		last := out[len(out)-1]
		if a := last.Attachment; a == nil || a.Name != c.name || !bytes.HasPrefix(a.Data, []byte(c.magic)) || !strings.Contains(last.Text, c.text) {
			t.Errorf("%s: %+v", c.say, out)
		}
	}
	for say, want := range map[string]string{"/lists phuluc bac-kan/duc-xuan": "trong phạm vi của anh/chị", "/lists bienban": "Hãy chọn một thôn, tổ"} {
		if out := f.say(t, "o1", say, say); out[0].Attachment != nil || !strings.Contains(out[0].Text, want) {
			t.Errorf("%s: %+v", say, out[0])
		}
	}
}

// A revoked head is not among the villages behind, so gets no reminder
// (nor could: their chats are gone); they stay only as the author of what
// they sent.
func TestRevokedHeadsAreNotReminded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = time.Date(2023, 6, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	h1 := f.registerAs(t, "h1", store.RoleHead, "bac-kan/huyen-tung/khuoi-pai")
	h2 := f.registerAs(t, "h2", store.RoleHead, "bac-kan/huyen-tung/ban-cau")
	if err := f.db.Revoke(ctx, h2.ID, "admin", f.now); err != nil {
		t.Fatal(err)
	}
	behind, err := report.VillagesBehind(ctx, f.db, f.now)
	if err != nil || len(behind) != 1 || behind[0].User.ID != h1.ID {
		t.Fatalf("villages behind: %+v, %v (only h1's)", behind, err)
	}
	if n, err := weekly(f).SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("reminders: %d, %v", n, err)
	}
}

// A question asked of someone whose role has changed since (an official
// made a head) is dropped, as is one no keyboard of ours names: their
// next words go where a head's go.
func TestAQuestionOfAnotherRoleIsDropped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i, asked := range []string{"review:7", "review:7:Bac-kan"} {
		chat := fmt.Sprint(i)
		f.register(t, chat)
		u, _ := f.db.UserByID(ctx, "u-"+chat)
		u.Awaiting = asked
		if _, err := f.db.Apply(ctx, store.Change{At: f.now, User: &u}); err != nil {
			t.Fatal(err)
		}
		out := f.say(t, chat, "m1", "1")
		if last := out[len(out)-1]; last.Question != "household" {
			t.Fatalf("after %q the head's 1 did not start the first questionnaire: %+v", asked, out)
		}
		if u, _ := f.db.UserByID(ctx, "u-"+chat); u.Awaiting != "" {
			t.Fatalf("the question stays: %q", u.Awaiting)
		}
	}
}

// A reviewer is a role like the others: an admin's /invite names it (and
// the area by its name, not its id), and the welcome says it ("cán bộ
// duyệt phiếu", never "vai trò []").
func TestReviewerIsInvitedAndWelcomedByRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "a1", store.RoleAdmin, "bac-kan/huyen-tung")
	created := f.say(t, "a1", "1", "/invite reviewer bac-kan/huyen-tung Lý Thị Duyệt")[0].Text
	if !strings.Contains(created, "(cán bộ duyệt phiếu, Phường Huyền Tụng)") {
		t.Fatalf("the invite: %q", created)
	}
	code := strings.TrimSpace(strings.TrimPrefix(created, "Mã mời:"))[:8]
	welcome := f.say(t, "r1", "2", "/start "+code)[0].Text
	if !strings.Contains(welcome, "Lý Thị Duyệt") || !strings.Contains(welcome, "vai trò cán bộ duyệt phiếu Phường Huyền Tụng") {
		t.Fatalf("the reviewer's welcome: %q", welcome)
	}
	if help := f.say(t, "r1", "3", "/help")[0].Text; !strings.Contains(help, "/web") || !strings.Contains(help, "/review") {
		t.Fatalf("the reviewer's help: %q", help)
	}
	if out := f.say(t, "a1", "4", "/help")[0].Text; !strings.Contains(out, "head, official, reviewer, admin") {
		t.Fatalf("the admin's help names no reviewer: %q", out)
	}
}

// A press naming an area as no keyboard of ours writes it ("..", "//", a
// slash at an end, capitals…) is refused before anything is looked up or
// decided, with a word that the button is not valid.
func TestButtonWithNonCanonicalAreaIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.registerAs(t, "o1", store.RoleOfficial, "bac-kan/huyen-tung")
	f.submit(t, "bac-kan/duc-xuan/to-1", "poor")
	for i, data := range []string{"a|approve:bac-kan/huyen-tung/../duc-xuan|1", "a|approve:bac-kan/huyen-tung/|1",
		"a|approve:bac-kan/huyen-tung//x|1", "a|approve:bac-kan/Huyen-tung|1", "a|review:1:bac-kan/huyen-tung/..|1",
		"a|review:1:bac-kan/huyen-tung/./x|1", "a|review:why:1:/bac-kan/huyen-tung|1", "a|review::1|1", "a|approve:bac-kan/huyen tung|1"} {
		res, out := f.press(t, "o1", fmt.Sprint("p", i), data)
		if !strings.Contains(res.Toast, "không hợp lệ") || len(out) != 0 {
			t.Errorf("%q: toast %q, sent %+v", data, res.Toast, out)
		}
	}
	if rv, err := f.db.ReviewOf(ctx, 1); err != nil || rv.State() != store.ReviewReceived {
		t.Fatalf("the form of another ward is %q (%v)", rv.State(), err)
	}
}
