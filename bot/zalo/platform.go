package zalo

import (
	"context"
	"errors"

	"sothon/bot/delivery"
	"sothon/setting"
)

// The Zalo Bot Platform's settings.
var (
	botToken = setting.Secret("SOTHON_ZALO_BOT_TOKEN", "a Zalo Bot's token; turns the Zalo Bot channel on")
	botAPI   = setting.String("SOTHON_ZALO_BOT_API", DefaultBotAPI, "the Bot Platform's address")
	botHook  = setting.String("SOTHON_ZALO_BOT_WEBHOOK_URL", "",
		"the public address of `POST /webhook/zalo-bot`; polling when unset").ShownAs("polling")
	botHookSecret = setting.Define("SOTHON_ZALO_BOT_WEBHOOK_SECRET", "", "string", "the webhook's secret, 8 to 256 characters",
		func(s string) (string, error) {
			if s != "" && (len(s) < 8 || len(s) > 256) {
				return "", errors.New("must have 8 to 256 characters")
			}
			return s, nil
		}).AsSecret().ShownAs("generated, kept in the database")
	botRates = delivery.NewRates("SOTHON_ZALO_BOT", "Zalo Bot", DefaultLimits)
)

// The Zalo Official Account's settings.
var (
	oaAppID        = setting.String("SOTHON_ZALO_OA_APP_ID", "", "the app id of a Zalo OA's app; turns the OA channel on")
	oaSecret       = setting.Secret("SOTHON_ZALO_OA_SECRET", "the OA secret key, for webhook signatures")
	oaAppSecret    = setting.Secret("SOTHON_ZALO_APP_SECRET", "the app secret, for refreshing tokens")
	oaRefreshToken = setting.Secret("SOTHON_ZALO_OA_REFRESH_TOKEN", "the first refresh token, from authorising the app (later ones are kept in the database)")
	oaAPI          = setting.String("SOTHON_ZALO_OA_API", DefaultOAAPI, "the OA API's address")
	oaOAuth        = setting.String("SOTHON_ZALO_OAUTH_API", DefaultOAuthAPI, "the OAuth address")
	oaRates        = delivery.NewRates("SOTHON_ZALO_OA", "Zalo OA", DefaultLimits)
)

func init() {
	delivery.Register(delivery.Platform{
		Name:  BotName,
		Title: "Zalo Bot",
		Settings: append([]*setting.Spec{botToken.Spec, botAPI.Spec, botHook.Spec, botHookSecret.Spec},
			botRates.Specs()...),
		On:    func(v setting.Values) (bool, error) { return botToken.In(v) != "", nil },
		Start: startBot,
		Check: checkBot,
	})
	delivery.Register(delivery.Platform{
		Name:  OAName,
		Title: "Zalo OA",
		Settings: append([]*setting.Spec{oaAppID.Spec, oaSecret.Spec, oaAppSecret.Spec, oaRefreshToken.Spec, oaAPI.Spec, oaOAuth.Spec},
			oaRates.Specs()...),
		On:    oaOn,
		Start: startOA,
		Check: checkOA,
	})
}

func startBot(ctx context.Context, h *delivery.Host, v setting.Values) (*delivery.Started, error) {
	cfg := BotConfig{Token: botToken.In(v), APIBase: botAPI.In(v), WebhookURL: botHook.In(v),
		WebhookSecret: botHookSecret.In(v), Link: h.Link, Log: h.Log}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		var err error
		if cfg.WebhookSecret, err = h.StoredSecret(ctx, "zalo_bot_webhook_secret"); err != nil {
			return nil, err
		}
	}
	zb, err := NewBot(cfg)
	if err != nil {
		return nil, err
	}
	if err := zb.Start(ctx); err != nil {
		return nil, err
	}
	st := &delivery.Started{Channel: zb, Limits: botRates.In(v)}
	if cfg.WebhookURL != "" {
		st.Webhook = zb.Webhook(h.Accept)
	} else {
		st.Poll = zb.Poll
	}
	return st, nil
}

func oaOn(v setting.Values) (bool, error) {
	if oaAppID.In(v) == "" {
		return false, nil
	}
	if oaSecret.In(v) == "" || oaAppSecret.In(v) == "" {
		return false, errors.New("a Zalo OA needs SOTHON_ZALO_OA_APP_ID, SOTHON_ZALO_OA_SECRET and SOTHON_ZALO_APP_SECRET, and a first SOTHON_ZALO_OA_REFRESH_TOKEN")
	}
	return true, nil
}

func startOA(_ context.Context, h *delivery.Host, v setting.Values) (*delivery.Started, error) {
	oa, err := NewOA(OAConfig{AppID: oaAppID.In(v), OASecret: oaSecret.In(v), AppSecret: oaAppSecret.In(v),
		RefreshToken: oaRefreshToken.In(v), APIBase: oaAPI.In(v), OAuthBase: oaOAuth.In(v),
		Tokens: StoredTokens{h.Store}, Link: h.Link, Log: h.Log})
	if err != nil {
		return nil, err
	}
	return &delivery.Started{Channel: oa, Limits: oaRates.In(v), Webhook: oa.Webhook(h.Accept)}, nil
}
