package api

import (
	"crypto/ed25519"
	"errors"
	"net/http"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/protocol"
)

const (
	defaultEnrollTTL = time.Hour
	maxEnrollTTL     = 30 * 24 * time.Hour
)

type enrollmentTokenRequest struct {
	TTLSeconds *int64 `json:"ttlSeconds"`
}

type enrollmentTokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	ServerURL string    `json:"serverUrl"`
}

func (s *Server) createEnrollmentToken(w http.ResponseWriter, r *http.Request) *apiError {
	var req enrollmentTokenRequest
	if e := decodeBodyOptional(w, r, &req); e != nil {
		return e
	}
	ttl := defaultEnrollTTL
	if req.TTLSeconds != nil {
		ttl = time.Duration(*req.TTLSeconds) * time.Second
		if *req.TTLSeconds <= 0 || ttl > maxEnrollTTL {
			return badRequest("Field \"ttlSeconds\" must be between 1 and 2592000 (30 days).")
		}
	}

	tok, expires, err := s.store.CreateEnrollmentToken(r.Context(), ttl, s.now())
	if err != nil {
		return s.storeError(r, err, "enrollment token")
	}
	s.log.Info().Time("expiresAt", expires).Msg("enrollment token created")
	writeJSON(w, http.StatusCreated, enrollmentTokenResponse{
		Token: tok, ExpiresAt: expires, ServerURL: s.publicURL,
	})
	return nil
}

// enrollAgent trades a one-time enrollment token for a host record bound to
// the agent's public key. It is the only unauthenticated write endpoint;
// the token is its authentication.
func (s *Server) enrollAgent(w http.ResponseWriter, r *http.Request) *apiError {
	var req protocol.EnrollRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	if req.Token == "" {
		return badRequest("Field \"token\" is required.")
	}
	if len(req.PublicKey) != ed25519.PublicKeySize {
		return badRequest("Field \"publicKey\" must be a base64 Ed25519 public key.")
	}

	h, err := s.store.RedeemEnrollmentToken(r.Context(), req.Token, store.NewHost{
		Name: req.Name, PublicKey: req.PublicKey, AgentVersion: req.AgentVersion,
		Facts: req.Facts,
	}, s.now())
	if errors.Is(err, store.ErrTokenInvalid) {
		return errorf(http.StatusUnauthorized, "invalid_token",
			"The enrollment token is unknown, already used or expired; create a new one.")
	}
	if errors.Is(err, store.ErrConflict) {
		return errorf(http.StatusConflict, "conflict",
			"This key is already enrolled; the agent's state directory holds its identity.")
	}
	if err != nil {
		return s.storeError(r, err, "host")
	}
	s.log.Info().Str("host", h.ID).Str("name", h.Name).Msg("host enrolled")
	writeJSON(w, http.StatusCreated, protocol.EnrollResponse{HostID: h.ID})
	return nil
}
