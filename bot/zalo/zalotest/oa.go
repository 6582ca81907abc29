package zalotest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OA is a fake Zalo OA API and OAuth server: access tokens expire when
// told to, refresh tokens work once.
type OA struct {
	*httptest.Server
	recorder
	AppID, AppSecret string

	mu        sync.Mutex
	access    map[string]bool // valid access tokens
	refresh   map[string]bool // unused refresh tokens
	n         int             // tokens issued
	sent      int
	sendReply []string // scripted answers to the next sends
	refuse    bool     // refuse every refresh with -14014
}

// NewOA starts a fake with a first refresh token that works.
func NewOA(appID, appSecret, firstRefresh string) *OA {
	o := &OA{AppID: appID, AppSecret: appSecret, access: map[string]bool{}, refresh: map[string]bool{firstRefresh: true}}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

// ExpireAccessTokens makes every access token answer -216.
func (o *OA) ExpireAccessTokens() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.access = map[string]bool{}
}

// Authorise adds a refresh token, as when an admin authorises the app again.
func (o *OA) Authorise(refreshToken string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refresh[refreshToken] = true
}

// RefuseRefresh makes refreshes answer -14014.
func (o *OA) RefuseRefresh(refuse bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refuse = refuse
}

// ScriptSend queues raw answers for the next message sends.
func (o *OA) ScriptSend(bodies ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sendReply = append(o.sendReply, bodies...)
}

func (o *OA) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: r.URL.Path, Header: r.Header.Clone(), At: time.Now()}
	var reply string
	switch r.URL.Path {
	case "/v4/oa/access_token":
		form, _ := url.ParseQuery(string(body))
		call.Params = map[string]string{}
		for k := range form {
			call.Params[k] = form.Get(k)
		}
		reply = o.refreshToken(r.Header.Get("secret_key"), form)
	case "/v3.0/oa/message/cs":
		call.Params = flatten(body)
		reply = o.send(r.Header.Get("access_token"))
	case "/v2.0/oa/getoa":
		reply = o.profile(r.Header.Get("access_token"))
	default:
		reply = `{"error":-124,"message":"unknown path"}`
	}
	call.Reply = reply
	o.Record(call)
	writeJSON(w, reply)
}

func (o *OA) refreshToken(secret string, form url.Values) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case secret != o.AppSecret || form.Get("app_id") != o.AppID || form.Get("grant_type") != "refresh_token":
		return `{"error":-14002,"error_name":"Invalid app","error_description":"app id or secret key is invalid"}`
	case o.refuse || !o.refresh[form.Get("refresh_token")]:
		return `{"error":-14014,"error_name":"Invalid refresh token","error_description":"refresh token is invalid or used"}`
	}
	delete(o.refresh, form.Get("refresh_token"))
	o.n++
	access, refresh := fmt.Sprintf("access-%d", o.n), fmt.Sprintf("refresh-%d", o.n)
	o.access[access], o.refresh[refresh] = true, true
	return fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"expires_in":"90000"}`, access, refresh)
}

func (o *OA) send(token string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.access[token] {
		return `{"error":-216,"message":"Access token is invalid"}`
	}
	if len(o.sendReply) > 0 {
		r := o.sendReply[0]
		o.sendReply = o.sendReply[1:]
		return r
	}
	o.sent++
	return fmt.Sprintf(`{"error":0,"message":"Success","data":{"message_id":"mid%d","user_id":"u"}}`, o.sent)
}

// profile is the OA's own profile, for a valid access token.
func (o *OA) profile(token string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.access[token] {
		return `{"error":-216,"message":"Access token is invalid"}`
	}
	return `{"error":0,"message":"Success","data":{"oa_id":"579745863508352884","name":"Sổ Thôn OA"}}`
}

// Sent lists the texts delivered to a user.
func (o *OA) Sent(user string) []string {
	var out []string
	for _, c := range o.Calls("/v3.0/oa/message/cs") {
		if c.Params["recipient.user_id"] == user && strings.Contains(c.Reply, `"error":0`) {
			out = append(out, c.Params["message.text"])
		}
	}
	return out
}
