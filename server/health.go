package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"sothon/store"
	"sothon/store/links"
)

// health answers GET /healthz: the server is up, with how many updates it
// has taken in, how many it dropped (bursts past a chat's bound, strangers
// past theirs), and what waits in the inbox and the outbox; with a public
// address, the instance it is (InstanceID).
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	inbox, outbox, err := s.db.Queues(r.Context())
	if err != nil {
		s.log.Error("health", "err", err)
		http.Error(w, `{"status":"store unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	body := map[string]any{"status": "ok", "received": s.receiver.Accepted(), "dropped": s.receiver.Dropped(),
		"inbox": inbox, "outbox": outbox}
	if len(s.signer.Key) > 0 {
		body["instance"] = instanceID(string(s.signer.Key))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// InstanceID names the installation whose database is db, for `sothon
// doctor` to tell that the public address reaches this server and no
// other: a digest of the key that signs file links, which the server makes
// when it first runs with a public address. It says nothing of the key.
// "" when there is no key yet.
func InstanceID(ctx context.Context, db *store.DB) (string, error) {
	secret, err := db.Setting(ctx, links.KeySetting)
	if err != nil || secret == "" {
		return "", err
	}
	return instanceID(secret), nil
}

func instanceID(secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("instance"))
	return hex.EncodeToString(mac.Sum(nil))[:16]
}
