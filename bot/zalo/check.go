package zalo

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"sothon/bot/delivery"
)

// The Zalo channels' part of `sothon doctor`.

// checkBot checks a Zalo Bot's token (getMe) and webhook (getWebhookInfo).
func checkBot(ctx context.Context, c delivery.Checkup) []delivery.Finding {
	const title = "Zalo Bot"
	token := botToken.In(c.Values)
	args := []any{"channel", title, "setting", botToken.Env, "where", "Zalo Bot Creator"}
	b, err := NewBot(BotConfig{Token: token, APIBase: botAPI.In(c.Values)})
	if err != nil {
		return []delivery.Finding{{Status: delivery.Problem, Key: "doctor.token_malformed", Fix: "doctor.token_fix", Args: args}}
	}
	b.http = c.HTTP
	var me struct {
		Name string `json:"account_name"`
	}
	if err := b.call(ctx, b.http, "getMe", struct{}{}, &me); err != nil {
		var api *apiError
		if errors.As(err, &api) && (api.Code == 401 || api.Code == 404) {
			return []delivery.Finding{{Status: delivery.Problem, Key: "doctor.token_refused", Fix: "doctor.token_fix", Args: args}}
		}
		return []delivery.Finding{unreachable(title, botAPI.Env, err, token)}
	}
	out := []delivery.Finding{{Status: delivery.Fine, Key: "doctor.token_ok", Args: []any{"channel", title, "name", me.Name}}}
	var info struct {
		URL string `json:"url"`
	}
	if err := b.call(ctx, b.http, "getWebhookInfo", struct{}{}, &info); err != nil {
		return append(out, unreachable(title, botAPI.Env, err, token))
	}
	return append(out, delivery.WebhookFindings(ctx, c, delivery.WebhookState{Channel: title, Setting: botHook.Env,
		Want: botHook.In(c.Values), Set: info.URL, Secrets: []string{token}})...)
}

func unreachable(title, setting string, err error, secrets ...string) delivery.Finding {
	return delivery.Finding{Status: delivery.Problem, Key: "doctor.api_unreachable", Fix: "doctor.api_unreachable_fix",
		Args: []any{"channel", title, "setting", setting, "error", delivery.Redact(err.Error(), secrets...)}}
}

// checkOA checks the access token the server keeps (getoa, the OA's
// profile) without refreshing it, for a refresh token works only once and
// the server holds the pair; and that the webhook's address, which the
// app's settings give Zalo, reaches this server.
func checkOA(ctx context.Context, c delivery.Checkup) []delivery.Finding {
	const title = "Zalo OA"
	var out []delivery.Finding
	switch tk, err := oaTokens(ctx, c); {
	case err != nil:
		out = append(out, delivery.Finding{Status: delivery.Warning, Key: "doctor.oa_unknown", Fix: "doctor.oa_unknown_fix",
			Args: []any{"channel", title}})
	case tk.Access == "":
		out = append(out, delivery.Finding{Status: delivery.Warning, Key: "doctor.oa_no_token", Fix: "doctor.oa_no_token_fix",
			Args: []any{"channel", title}})
	case !c.Now.Before(tk.Expires):
		out = append(out, delivery.Finding{Status: delivery.Fine, Key: "doctor.oa_token_expired", Args: []any{"channel", title}})
	default:
		name, err := oaProfile(ctx, c, tk.Access)
		var oe *oaError
		switch {
		case errors.As(err, &oe):
			// The server renews a refused token at its next send, if the
			// refresh token still works; whether it does only a refresh
			// tells, which the doctor must not spend.
			out = append(out, delivery.Finding{Status: delivery.Warning, Key: "doctor.oa_token_refused", Fix: "doctor.oa_token_refused_fix",
				Args: []any{"channel", title, "error", delivery.Redact(oe.Error(), tk.Access, tk.Refresh), "setting", oaRefreshToken.Env}})
		case err != nil:
			out = append(out, unreachable(title, oaAPI.Env, err, tk.Access, tk.Refresh))
		default:
			out = append(out, delivery.Finding{Status: delivery.Fine, Key: "doctor.token_ok", Args: []any{"channel", title, "name", name}})
		}
	}
	if c.PublicURL == "" {
		return append(out, delivery.Finding{Status: delivery.Problem, Key: "doctor.oa_no_public_url", Fix: "doctor.public_url_none_fix",
			Args: []any{"channel", title}})
	}
	return append(out, delivery.ProbeFinding(ctx, c, title, strings.TrimRight(c.PublicURL, "/")+"/webhook/"+OAName))
}

func oaTokens(ctx context.Context, c delivery.Checkup) (Tokens, error) {
	if c.Store == nil {
		return Tokens{}, errors.New("no database")
	}
	return StoredTokens{c.Store}.LoadTokens(ctx)
}

// oaProfile asks for the OA's own profile with the access token.
func oaProfile(ctx context.Context, c delivery.Checkup, access string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(oaAPI.In(c.Values), "/")+"/v2.0/oa/getoa", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("access_token", access)
	var r struct {
		Error   int    `json:"error"`
		Message string `json:"message"`
		Data    struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := (&OA{http: c.HTTP}).do(req, &r, access); err != nil {
		return "", err
	}
	if r.Error != 0 {
		return "", &oaError{Code: r.Error, Message: r.Message}
	}
	return r.Data.Name, nil
}
