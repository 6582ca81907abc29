package telegram

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/locales"
	"sothon/setting"
)

// The Telegram platform's settings.
var (
	tokenSetting = setting.Secret("SOTHON_TELEGRAM_TOKEN", "the bot's token from BotFather; turns the Telegram channel on")
	apiSetting   = setting.String("SOTHON_TELEGRAM_API", DefaultAPI,
		"the Bot API's address (a local Bot API server, or a test server)")
	webhookURLSetting = setting.String("SOTHON_TELEGRAM_WEBHOOK_URL", "",
		"the public address of `POST /webhook/telegram`; polling when unset").ShownAs("polling")
	webhookSecretSetting = setting.Secret("SOTHON_TELEGRAM_WEBHOOK_SECRET", "the webhook's secret token").
				ShownAs("generated, kept in the database")
	rates = delivery.NewRates("SOTHON_TELEGRAM", "Telegram bot", delivery.DefaultLimits)
)

func init() {
	delivery.Register(delivery.Platform{
		Name:  Name,
		Title: "Telegram",
		Settings: append([]*setting.Spec{tokenSetting.Spec, apiSetting.Spec, webhookURLSetting.Spec, webhookSecretSetting.Spec},
			rates.Specs()...),
		On:    func(v setting.Values) (bool, error) { return tokenSetting.In(v) != "", nil },
		Start: start,
		Check: check,
	})
}

// start connects the bot, learns its username for invite links and
// registers its command menus.
func start(ctx context.Context, h *delivery.Host, v setting.Values) (*delivery.Started, error) {
	cfg := Config{Token: tokenSetting.In(v), APIBase: apiSetting.In(v), WebhookURL: webhookURLSetting.In(v),
		WebhookSecret: webhookSecretSetting.In(v), Commands: commandMenus(h.Engine), Context: h.Context, Log: h.Log}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		var err error
		if cfg.WebhookSecret, err = h.StoredSecret(ctx, "telegram_webhook_secret"); err != nil {
			return nil, err
		}
	}
	tg, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := tg.Start(ctx); err != nil {
		return nil, err
	}
	if err := h.Store.SetSetting(ctx, SettingUsername, tg.Username()); err != nil {
		return nil, err
	}
	st := &delivery.Started{Channel: tg, Limits: rates.In(v)}
	if cfg.WebhookURL != "" {
		st.Webhook = tg.Webhook(h.Accept)
	} else {
		st.Poll = func(ctx context.Context, accept func(context.Context, ...bot.Inbound) error) error {
			return tg.Poll(ctx, accept)
		}
	}
	return st, nil
}

// commandMenus is the command menu Telegram shows, in each language.
func commandMenus(e *bot.Engine) map[string][]tgbotapi.BotCommand {
	out := map[string][]tgbotapi.BotCommand{}
	for _, lang := range locales.Languages {
		for _, c := range e.CommandMenu(lang) {
			out[lang] = append(out[lang], tgbotapi.BotCommand{Command: c.Name, Description: c.Description})
		}
	}
	return out
}
