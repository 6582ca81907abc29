package zalo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"sothon/bot"
	"sothon/bot/delivery"
)

// OAName is the channel name of a Zalo Official Account's chats.
const OAName = "zalo-oa"

// Default addresses of the OA and OAuth APIs.
const (
	DefaultOAAPI    = "https://openapi.zalo.me"
	DefaultOAuthAPI = "https://oauth.zaloapp.com"
)

// OAConfig configures the Official Account adapter.
type OAConfig struct {
	AppID     string
	OASecret  string // the OA secret key, for webhook signatures
	AppSecret string // the app's secret key, for refreshing tokens
	// RefreshToken is the first refresh token, from authorising the app;
	// later ones live in the token store.
	RefreshToken string
	APIBase      string // DefaultOAAPI when empty
	OAuthBase    string // DefaultOAuthAPI when empty
	Tokens       TokenStore
	// Link puts an attachment behind a public link, sent with the text.
	Link delivery.Linker
	Log  *slog.Logger
	Now  func() time.Time
}

// Tokens are an OA's access and refresh tokens.
type Tokens struct {
	Access, Refresh string
	Expires         time.Time
	// FromConfig is a digest of the configured refresh token these descend
	// from, so that a newly configured one (a re-authorisation) is noticed.
	FromConfig string
}

// TokenStore keeps the tokens durably. Refresh tokens are single use, so
// a new pair must be saved before it is used.
type TokenStore interface {
	LoadTokens(ctx context.Context) (Tokens, error)
	SaveTokens(ctx context.Context, t Tokens) error
}

// ErrReauthorise means Zalo refused the refresh token; an admin must authorise
// the app again and configure the new refresh token.
var ErrReauthorise = errors.New("zalo oa: the refresh token was refused: authorise the app again in the Zalo developer console and set SOTHON_ZALO_OA_REFRESH_TOKEN; messages stay queued until then")

// OA is the Zalo Official Account channel.
type OA struct {
	cfg  OAConfig
	http *http.Client
	log  *slog.Logger

	mu     sync.Mutex // one refresh at a time
	tokens Tokens
}

// NewOA builds the adapter without touching the network.
func NewOA(cfg OAConfig) (*OA, error) {
	if cfg.AppID == "" || cfg.OASecret == "" || cfg.AppSecret == "" || cfg.Tokens == nil {
		return nil, errors.New("zalo oa: app id, OA secret key, app secret and a token store are all needed")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultOAAPI
	}
	if cfg.OAuthBase == "" {
		cfg.OAuthBase = DefaultOAuthAPI
	}
	cfg.APIBase, cfg.OAuthBase = strings.TrimRight(cfg.APIBase, "/"), strings.TrimRight(cfg.OAuthBase, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &OA{cfg: cfg, http: delivery.HTTPClient(15 * time.Second), log: quietLog(cfg.Log)}, nil
}

// Name implements delivery.Channel.
func (o *OA) Name() string { return OAName }

// Signature is the value Zalo sends in X-ZEvent-Signature for a webhook
// body: "mac=" and the hex SHA-256 of the app id, the raw body, the event's
// timestamp and the OA secret key, concatenated. Zalo has changed such
// recipes before; this is the one place to follow it.
func Signature(appID string, body []byte, timestamp, oaSecret string) string {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(oaSecret))
	return "mac=" + hex.EncodeToString(h.Sum(nil))
}

// oaEvent is a webhook event; ids stay strings, as they exceed 2^53.
type oaEvent struct {
	AppID     string `json:"app_id"`
	EventName string `json:"event_name"`
	Timestamp string `json:"timestamp"`
	Sender    struct {
		ID string `json:"id"`
	} `json:"sender"`
	Message struct {
		Text        string         `json:"text"`
		MsgID       string         `json:"msg_id"`
		Attachments []oaAttachment `json:"attachments"`
	} `json:"message"`
}

// Webhook is the handler for POST /webhook/zalo-oa. A request without a
// valid signature gets 401 and changes nothing.
func (o *OA) Webhook(accept func(context.Context, ...bot.Inbound) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.Header.Get("X-ZEvent-Signature") == "" { // the body is signed: refuse what is not, unread
			delivery.Refuse(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		body, ok := delivery.ReadWebhookBody(w, r)
		if !ok {
			return
		}
		var ev oaEvent
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&ev); err != nil {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		want := Signature(o.cfg.AppID, body, ev.Timestamp, o.cfg.OASecret)
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-ZEvent-Signature")), []byte(want)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		in, handled := ev.inbound()
		delivery.AcceptWebhook(w, r, accept, in, handled, o.log)
	})
}

func (ev oaEvent) inbound() (bot.Inbound, bool) {
	if ev.Sender.ID == "" || ev.Message.MsgID == "" {
		return bot.Inbound{}, false
	}
	in := bot.Inbound{Channel: OAName, ChatID: ev.Sender.ID, MessageID: ev.Message.MsgID, At: time.Now()}
	switch ev.EventName {
	case "user_send_text":
		if strings.TrimSpace(ev.Message.Text) == "" { // a text event without text: nothing to answer
			return bot.Inbound{}, false
		}
		in.Text = ev.Message.Text
	case "user_send_image", "user_send_sticker", "user_send_gif", "user_send_file", "user_send_audio", "user_send_video", "user_send_location", "user_send_link":
		in.NotText = true
		ev.media(&in)
	default:
		return bot.Inbound{}, false
	}
	return in, true
}

// Zalo OA error codes that decide what happens to a message.
const (
	errTokenInvalid  = -216
	errTokenExpired  = -220
	errNotInteracted = -230 // the user has not written in 7 days
	errUserBlocked   = -213
	errUserNotFollow = -227
	errQuota         = -32
	errRefreshBad    = -14014
	errRefreshUsed   = -14020
)

// oaError is an OA API answer with error ≠ 0 (it arrives with HTTP 200).
type oaError struct {
	Code    int
	Message string
}

func (e *oaError) Error() string { return fmt.Sprintf("zalo oa: %d %s", e.Code, e.Message) }

// Send implements delivery.Channel: a customer-service text message with the
// options numbered, split at 2,000 characters.
func (o *OA) Send(ctx context.Context, out delivery.Outbound) (string, error) {
	if out.Edit != "" {
		return "", nil
	}
	text, photo, err := withAttachment(ctx, out, o.cfg.Link)
	if err != nil {
		return "", err
	}
	if photo != "" { // an OA shows a link; an image needs an upload first
		text += "\n📎 " + photo
	}
	// An OA's text message has no switch for link previews: out.NoPreview
	// cannot be honoured (a login link's page spends nothing; only its
	// button does).
	return "", delivery.SendParts(out, text, MaxText, func(part string, _ bool) error {
		return o.sendPart(ctx, out.ChatID, part)
	})
}

// sendPart sends one text; an access token Zalo calls invalid or expired
// is refreshed and the send tried once more.
func (o *OA) sendPart(ctx context.Context, user, text string) error {
	token, err := o.accessToken(ctx, false)
	if err != nil {
		return err
	}
	err = o.post(ctx, user, text, token)
	var oe *oaError
	if errors.As(err, &oe) && (oe.Code == errTokenInvalid || oe.Code == errTokenExpired) {
		if token, err = o.accessToken(ctx, true); err != nil {
			return err
		}
		err = o.post(ctx, user, text, token)
	}
	return classifyOA(err)
}

func (o *OA) post(ctx context.Context, user, text, token string) error {
	body, _ := json.Marshal(map[string]any{"recipient": map[string]string{"user_id": user}, "message": map[string]string{"text": text}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.cfg.APIBase+"/v3.0/oa/message/cs", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", token)
	var r struct {
		Error   int    `json:"error"`
		Message string `json:"message"`
	}
	if err := o.do(req, &r, token); err != nil {
		return err
	}
	if r.Error != 0 {
		return &oaError{Code: r.Error, Message: r.Message}
	}
	return nil
}

// do runs a request and decodes a JSON answer, keeping secrets out of errors.
func (o *OA) do(req *http.Request, v any, secrets ...string) error {
	resp, err := o.http.Do(req)
	if err != nil {
		return &delivery.TemporaryError{Err: errors.New(delivery.Redact(err.Error(), secrets...))}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return &delivery.TemporaryError{Err: fmt.Errorf("zalo oa: HTTP %d", resp.StatusCode)}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return &delivery.TemporaryError{Err: fmt.Errorf("zalo oa: HTTP %d with a malformed body", resp.StatusCode)}
	}
	return nil
}

func classifyOA(err error) error {
	var oe *oaError
	if err == nil || !errors.As(err, &oe) {
		return err
	}
	switch oe.Code {
	case errNotInteracted, errUserBlocked, errUserNotFollow:
		return fmt.Errorf("%w: %v", delivery.ErrUnreachable, err)
	case errQuota, errTokenInvalid, errTokenExpired:
		return &delivery.TemporaryError{Err: err}
	}
	return &delivery.PermanentError{Err: err}
}

// refreshAhead is how long before expiry an access token is renewed.
const refreshAhead = time.Hour

// accessToken returns a usable access token, refreshing it when it is
// close to expiry or when force is set. Only one refresh runs at a time,
// and the new pair is saved before it is used: a refresh token works once.
func (o *OA) accessToken(ctx context.Context, force bool) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tokens.Access == "" {
		t, err := o.cfg.Tokens.LoadTokens(ctx)
		if err != nil {
			return "", &delivery.TemporaryError{Err: err}
		}
		o.tokens = t
	}
	configured := digest(o.cfg.RefreshToken)
	if o.cfg.RefreshToken != "" && o.tokens.FromConfig != configured {
		// A refresh token configured since the last one we used: the admin
		// authorised the app again.
		o.tokens = Tokens{Refresh: o.cfg.RefreshToken, FromConfig: configured}
	}
	if !force && o.tokens.Access != "" && o.cfg.Now().Add(refreshAhead).Before(o.tokens.Expires) {
		return o.tokens.Access, nil
	}
	if o.tokens.Refresh == "" {
		return "", &delivery.TemporaryError{Err: ErrReauthorise}
	}
	fresh, err := o.refresh(ctx, o.tokens.Refresh)
	if err != nil {
		return "", err
	}
	fresh.FromConfig = o.tokens.FromConfig
	if err := o.cfg.Tokens.SaveTokens(ctx, fresh); err != nil {
		// The old refresh token is spent and the new one not kept: nothing
		// more can be done without an admin.
		o.log.Error("zalo oa: could not save the new tokens", "err", err)
		return "", &delivery.TemporaryError{Err: fmt.Errorf("%w (saving the new tokens failed: %v)", ErrReauthorise, err)}
	}
	o.tokens = fresh
	o.log.Info("zalo oa: access token refreshed", "expires", fresh.Expires)
	return fresh.Access, nil
}

// refresh trades a refresh token for a new access and refresh token.
func (o *OA) refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	form := url.Values{"refresh_token": {refreshToken}, "app_id": {o.cfg.AppID}, "grant_type": {"refresh_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.cfg.OAuthBase+"/v4/oa/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return Tokens{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", o.cfg.AppSecret)
	var r struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
		Error        int             `json:"error"`
		Description  string          `json:"error_description"`
	}
	if err := o.do(req, &r, refreshToken, o.cfg.AppSecret); err != nil {
		return Tokens{}, err
	}
	switch {
	case r.Error == errRefreshBad || r.Error == errRefreshUsed:
		o.log.Error("zalo oa: refresh refused", "code", r.Error, "err", ErrReauthorise)
		return Tokens{}, &delivery.TemporaryError{Err: ErrReauthorise}
	case r.Error != 0 || r.AccessToken == "" || r.RefreshToken == "":
		return Tokens{}, &delivery.TemporaryError{Err: fmt.Errorf("zalo oa: refresh failed: %d %s", r.Error, r.Description)}
	}
	secs, err := strconv.Atoi(strings.Trim(string(r.ExpiresIn), `"`))
	if err != nil || secs <= 0 {
		secs = 25 * 3600
	}
	return Tokens{Access: r.AccessToken, Refresh: r.RefreshToken, Expires: o.cfg.Now().Add(time.Duration(secs) * time.Second)}, nil
}

func digest(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
