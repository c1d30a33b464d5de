package api

import (
	"net/http"
)

func (s *Server) listHosts(w http.ResponseWriter, r *http.Request) *apiError {
	hs, err := s.store.ListHosts(r.Context())
	if err != nil {
		return s.internal(r, err)
	}
	out := make([]hostView, 0, len(hs))
	for _, h := range hs {
		out = append(out, viewHost(h))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getHost(w http.ResponseWriter, r *http.Request) *apiError {
	h, err := s.store.GetHost(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "host")
	}
	writeJSON(w, http.StatusOK, viewHost(h))
	return nil
}

// revokeHost forgets the host's key and cuts its live session at once, so a
// stolen key stops working the moment the operator acts.
func (s *Server) revokeHost(w http.ResponseWriter, r *http.Request) *apiError {
	id := r.PathValue("id")
	if err := s.store.RevokeHost(r.Context(), id, s.now()); err != nil {
		return s.storeError(r, err, "host")
	}
	s.hub.Disconnect(id)
	s.log.Info().Str("host", id).Msg("host revoked")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listHostContainers(w http.ResponseWriter, r *http.Request) *apiError {
	h, err := s.store.GetHost(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "host")
	}
	cs, err := s.store.ListHostContainers(r.Context(), h.ID)
	if err != nil {
		return s.internal(r, err)
	}
	writeJSON(w, http.StatusOK, viewContainers(cs))
	return nil
}
