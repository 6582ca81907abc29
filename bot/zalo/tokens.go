package zalo

import (
	"context"
	"encoding/json"
	"fmt"

	"sothon/store"
)

// StoredTokens keeps the OA's token pair in one database setting, so that
// the access and refresh tokens are saved together in one commit.
type StoredTokens struct{ DB *store.DB }

const settingOATokens = "zalo_oa_tokens"

// LoadTokens implements TokenStore.
func (t StoredTokens) LoadTokens(ctx context.Context) (Tokens, error) {
	var tk Tokens
	raw, err := t.DB.Setting(ctx, settingOATokens)
	if err != nil || raw == "" {
		return tk, err
	}
	if err := json.Unmarshal([]byte(raw), &tk); err != nil {
		return tk, fmt.Errorf("stored Zalo OA tokens: %w", err)
	}
	return tk, nil
}

// SaveTokens implements TokenStore.
func (t StoredTokens) SaveTokens(ctx context.Context, tk Tokens) error {
	data, err := json.Marshal(tk)
	if err != nil {
		return err
	}
	return t.DB.SetSetting(ctx, settingOATokens, string(data))
}
