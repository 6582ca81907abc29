package server

import (
	"encoding/json"
	"net/http"
)

// health answers GET /healthz: the server is up, with how many updates it
// has taken in, how many it dropped (bursts past a chat's bound, strangers
// past theirs), and what waits in the inbox and the outbox.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	inbox, outbox, err := s.db.Queues(r.Context())
	if err != nil {
		s.log.Error("health", "err", err)
		http.Error(w, `{"status":"store unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "received": s.receiver.Accepted(), "dropped": s.receiver.Dropped(),
		"inbox": inbox, "outbox": outbox})
}
