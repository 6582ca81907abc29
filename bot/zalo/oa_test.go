package zalo

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/bot/zalo/zalotest"
	"sothon/flows"
)

// memTokens is a token store that remembers the order of events.
type memTokens struct {
	mu     sync.Mutex
	tokens Tokens
	saves  []Tokens
	onSave func(Tokens)
}

func (m *memTokens) LoadTokens(context.Context) (Tokens, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens, nil
}

func (m *memTokens) SaveTokens(_ context.Context, t Tokens) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = t
	m.saves = append(m.saves, t)
	if m.onSave != nil {
		m.onSave(t)
	}
	return nil
}

func newOA(t *testing.T, fake *zalotest.OA, store TokenStore) *OA {
	t.Helper()
	oa, err := NewOA(OAConfig{AppID: fake.AppID, OASecret: "oa-secret", AppSecret: fake.AppSecret, RefreshToken: "first-refresh",
		APIBase: fake.URL, OAuthBase: fake.URL, Tokens: store})
	if err != nil {
		t.Fatal(err)
	}
	return oa
}

func TestOATokenRefreshIsSavedBeforeUseAndSurvivesACrash(t *testing.T) {
	fake := zalotest.NewOA("app1", "app-secret", "first-refresh")
	defer fake.Close()
	tokens := &memTokens{}
	// When a pair is saved, its access token must not have been used yet.
	tokens.onSave = func(tk Tokens) {
		for _, c := range fake.Calls("/v3.0/oa/message/cs") {
			if c.Header.Get("access_token") == tk.Access {
				t.Errorf("access token %s used before it was saved", tk.Access)
			}
		}
	}
	oa := newOA(t, fake, tokens)
	ctx := context.Background()
	if _, err := oa.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "xin chào"}); err != nil {
		t.Fatal(err)
	}
	if len(tokens.saves) != 1 || tokens.saves[0].Refresh != "refresh-1" {
		t.Fatalf("saves: %+v", tokens.saves)
	}
	// Mid-conversation the access token expires: refresh, save, retry once.
	fake.ExpireAccessTokens()
	if _, err := oa.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "câu hỏi"}); err != nil {
		t.Fatal(err)
	}
	if len(tokens.saves) != 2 || tokens.saves[1].Refresh != "refresh-2" {
		t.Fatalf("saves after expiry: %+v", tokens.saves)
	}
	refreshes := fake.Calls("/v4/oa/access_token")
	if len(refreshes) != 2 || refreshes[1].Params["refresh_token"] != "refresh-1" || refreshes[1].Header.Get("secret_key") != "app-secret" {
		t.Fatalf("refresh calls: %+v", refreshes)
	}
	// A crash after the refresh: a new process loads the saved pair and
	// sends without refreshing again (the old refresh token is spent).
	again := newOA(t, fake, tokens)
	if _, err := again.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "sau khi khởi động lại"}); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls("/v4/oa/access_token")); n != 2 {
		t.Fatalf("%d refreshes, want no new one after the restart", n)
	}
	if got := fake.Sent("u1"); len(got) != 3 {
		t.Fatalf("delivered %d, want 3", len(got))
	}
}

func TestOAErrors(t *testing.T) {
	fake := zalotest.NewOA("app1", "app-secret", "first-refresh")
	defer fake.Close()
	oa := newOA(t, fake, &memTokens{})
	ctx := context.Background()
	fake.ScriptSend(`{"error":-230,"message":"User has not interacted with the OA in the last 7 days"}`)
	fake.ScriptSend(`{"error":-32,"message":"Quota exceeded"}`)
	if _, err := oa.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "a"}); !errors.Is(err, delivery.ErrUnreachable) {
		t.Fatalf("-230: %v", err)
	}
	var tmp *delivery.TemporaryError
	if _, err := oa.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "b"}); !errors.As(err, &tmp) {
		t.Fatalf("-32: %v", err)
	}
	fake.ExpireAccessTokens()
	fake.RefuseRefresh(true)
	_, err := oa.Send(ctx, delivery.Outbound{ChatID: "u1", Text: "c"})
	if !errors.As(err, &tmp) || !errors.Is(err, ErrReauthorise) {
		t.Fatalf("refused refresh: %v", err)
	}
}

func TestOASignatureAndEvents(t *testing.T) {
	oa, err := NewOA(OAConfig{AppID: "app1", OASecret: "oa-secret", AppSecret: "s", Tokens: &memTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	var got []bot.Inbound
	h := oa.Webhook(func(_ context.Context, ins ...bot.Inbound) error { got = append(got, ins...); return nil })
	body := `{"app_id":"app1","event_name":"user_send_text","timestamp":"1690000000000","sender":{"id":"8457391023847561234"},"message":{"text":"2","msg_id":"9223372036854775807123"}}`
	for _, tc := range []struct {
		name, sig string
		want      int
	}{
		{"missing", "", 401},
		{"wrong", "mac=00", 401},
		{"other secret", Signature("app1", []byte(body), "1690000000000", "nope"), 401},
		{"valid", Signature("app1", []byte(body), "1690000000000", "oa-secret"), 200},
	} {
		if code := post(h, body, "X-ZEvent-Signature", tc.sig); code != tc.want {
			t.Errorf("%s signature: %d, want %d", tc.name, code, tc.want)
		}
	}
	if len(got) != 1 || got[0].ChatID != "8457391023847561234" || got[0].MessageID != "9223372036854775807123" || got[0].Text != "2" {
		t.Fatalf("accepted: %+v", got)
	}
	sticker := strings.Replace(body, "user_send_text", "user_send_sticker", 1)
	if code := post(h, sticker, "X-ZEvent-Signature", Signature("app1", []byte(sticker), "1690000000000", "oa-secret")); code != 200 || !got[1].NotText {
		t.Fatalf("sticker: %d %+v", code, got)
	}
}

func TestRenderNumbersOptions(t *testing.T) {
	got := render(delivery.Outbound{Text: "Giới tính", Options: []flows.Option{{Key: "1", Label: "Nam"}, {Key: "2", Label: "Nữ"}}})
	if got != "Giới tính\n\n1. Nam\n2. Nữ" {
		t.Fatalf("%q", got)
	}
}
