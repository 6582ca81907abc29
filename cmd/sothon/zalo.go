package main

import (
	"context"
	"encoding/json"
	"fmt"

	"sothon/bot/delivery"
	"sothon/bot/zalo"
	"sothon/store"
)

type zaloBotConfig struct {
	token, api, webhookURL, webhookSecret string
	limits                                delivery.Limits
}

func (c *zaloBotConfig) read(e *env) error {
	var err error
	if c.token, err = secret(e, "SOTHON_ZALO_BOT_TOKEN"); err != nil {
		return err
	}
	c.api = envOr(e, "SOTHON_ZALO_BOT_API", zalo.DefaultBotAPI)
	c.webhookURL = e.getenv("SOTHON_ZALO_BOT_WEBHOOK_URL")
	if c.webhookSecret, err = secret(e, "SOTHON_ZALO_BOT_WEBHOOK_SECRET"); err != nil {
		return err
	}
	if s := c.webhookSecret; s != "" && (len(s) < 8 || len(s) > 256) {
		return usageError{"SOTHON_ZALO_BOT_WEBHOOK_SECRET must have 8 to 256 characters"}
	}
	c.limits, err = limitsFromEnv(e, "SOTHON_ZALO_BOT", zalo.DefaultLimits)
	return err
}

type zaloOAConfig struct {
	appID, oaSecret, appSecret, refreshToken, api, oauth string
	limits                                               delivery.Limits
}

func (c *zaloOAConfig) read(e *env) error {
	c.appID = e.getenv("SOTHON_ZALO_OA_APP_ID")
	var err error
	for name, dst := range map[string]*string{"SOTHON_ZALO_OA_SECRET": &c.oaSecret, "SOTHON_ZALO_APP_SECRET": &c.appSecret,
		"SOTHON_ZALO_OA_REFRESH_TOKEN": &c.refreshToken} {
		if *dst, err = secret(e, name); err != nil {
			return err
		}
	}
	if c.appID != "" && (c.oaSecret == "" || c.appSecret == "") {
		return usageError{"a Zalo OA needs SOTHON_ZALO_OA_APP_ID, SOTHON_ZALO_OA_SECRET and SOTHON_ZALO_APP_SECRET, and a first SOTHON_ZALO_OA_REFRESH_TOKEN"}
	}
	c.api = envOr(e, "SOTHON_ZALO_OA_API", zalo.DefaultOAAPI)
	c.oauth = envOr(e, "SOTHON_ZALO_OAUTH_API", zalo.DefaultOAuthAPI)
	c.limits, err = limitsFromEnv(e, "SOTHON_ZALO_OA", zalo.DefaultLimits)
	return err
}

func (s *server) startZaloBot(ctx context.Context, all serveConfig) (*channel, error) {
	cfg := all.zaloBot
	if cfg.token == "" {
		return nil, nil
	}
	if cfg.webhookURL != "" && cfg.webhookSecret == "" {
		var err error
		if cfg.webhookSecret, err = s.storedSecret(ctx, "zalo_bot_webhook_secret"); err != nil {
			return nil, err
		}
	}
	zb, err := zalo.NewBot(zalo.BotConfig{Token: cfg.token, APIBase: cfg.api, WebhookURL: cfg.webhookURL,
		WebhookSecret: cfg.webhookSecret, Link: s.link, Log: component(s.log, zalo.BotName)})
	if err != nil {
		return nil, err
	}
	if err := zb.Start(ctx); err != nil {
		return nil, err
	}
	ch := &channel{name: zalo.BotName, sender: &delivery.Sender{Store: s.db, Channel: zb, Limits: cfg.limits, Backoff: sendBackoff, Log: component(s.log, "sender."+zalo.BotName)}}
	if cfg.webhookURL != "" {
		ch.webhook = zb.Webhook(s.receiver.Accept)
	} else {
		ch.poll = zb.Poll
	}
	return ch, nil
}

func (s *server) startZaloOA(_ context.Context, all serveConfig) (*channel, error) {
	cfg := all.zaloOA
	if cfg.appID == "" {
		return nil, nil
	}
	oa, err := zalo.NewOA(zalo.OAConfig{AppID: cfg.appID, OASecret: cfg.oaSecret, AppSecret: cfg.appSecret,
		RefreshToken: cfg.refreshToken, APIBase: cfg.api, OAuthBase: cfg.oauth, Tokens: tokenStore{s.db}, Link: s.link, Log: component(s.log, zalo.OAName)})
	if err != nil {
		return nil, err
	}
	return &channel{name: zalo.OAName, sender: &delivery.Sender{Store: s.db, Channel: oa, Limits: cfg.limits, Backoff: sendBackoff, Log: component(s.log, "sender."+zalo.OAName)},
		webhook: oa.Webhook(s.receiver.Accept)}, nil
}

// tokenStore keeps the OA's token pair in one database setting, so the
// access and refresh tokens are saved together in one commit.
type tokenStore struct{ db *store.DB }

const settingOATokens = "zalo_oa_tokens"

func (t tokenStore) LoadTokens(ctx context.Context) (zalo.Tokens, error) {
	var tk zalo.Tokens
	raw, err := t.db.Setting(ctx, settingOATokens)
	if err != nil || raw == "" {
		return tk, err
	}
	if err := json.Unmarshal([]byte(raw), &tk); err != nil {
		return tk, fmt.Errorf("stored Zalo OA tokens: %w", err)
	}
	return tk, nil
}

func (t tokenStore) SaveTokens(ctx context.Context, tk zalo.Tokens) error {
	data, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	return t.db.SetSetting(ctx, settingOATokens, string(data))
}
