package api

import (
	"context"
	"net/http"
	"time"
)

// healthz says the process is alive; it checks nothing else.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether the control plane can serve: its database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn().Err(err).Msg("readiness check failed")
		writeError(w, errorf(http.StatusServiceUnavailable, "unavailable",
			"The database does not answer."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
