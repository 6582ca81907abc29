package telegram

import (
	"context"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot/delivery"
)

// check is the Telegram channel's part of `sothon doctor`: the token
// works (getMe), the webhook is the one configured (getWebhookInfo),
// Telegram delivers to it without error, and its address reaches a
// server that checks the secret.
func check(ctx context.Context, c delivery.Checkup) []delivery.Finding {
	const title = "Telegram"
	token := tokenSetting.In(c.Values)
	a, err := New(Config{Token: token, APIBase: apiSetting.In(c.Values)})
	if err != nil {
		return []delivery.Finding{{Status: delivery.Problem, Key: "doctor.token_malformed", Fix: "doctor.token_fix",
			Args: []any{"channel", title, "setting", tokenSetting.Env, "where", "BotFather"}}}
	}
	api := &tgbotapi.BotAPI{Token: token, Client: &client{http: c.HTTP, token: token, ctx: ctx}}
	api.SetAPIEndpoint(a.cfg.APIBase + "/bot%s/%s")
	me, err := api.GetMe()
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && (apiErr.Code == 401 || apiErr.Code == 404) {
			return []delivery.Finding{{Status: delivery.Problem, Key: "doctor.token_refused", Fix: "doctor.token_fix",
				Args: []any{"channel", title, "setting", tokenSetting.Env, "where", "BotFather"}}}
		}
		return []delivery.Finding{{Status: delivery.Problem, Key: "doctor.api_unreachable", Fix: "doctor.api_unreachable_fix",
			Args: []any{"channel", title, "error", classify(err, token).Error(), "setting", apiSetting.Env}}}
	}
	out := []delivery.Finding{{Status: delivery.Fine, Key: "doctor.token_ok", Args: []any{"channel", title, "name", "@" + me.UserName}}}
	info, err := api.GetWebhookInfo()
	if err != nil {
		return append(out, delivery.Finding{Status: delivery.Problem, Key: "doctor.api_unreachable", Fix: "doctor.api_unreachable_fix",
			Args: []any{"channel", title, "error", classify(err, token).Error(), "setting", apiSetting.Env}})
	}
	return append(out, delivery.WebhookFindings(ctx, c, delivery.WebhookState{Channel: title, Setting: webhookURLSetting.Env,
		Want: webhookURLSetting.In(c.Values), Set: info.URL, LastError: info.LastErrorMessage, Secrets: []string{token}})...)
}
