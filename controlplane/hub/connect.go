package hub

import (
	"crypto/ed25519"
	"errors"
	"net/http"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/protocol"
)

// ServeHTTP handles the agent's connect request. The request is
// authenticated before the websocket upgrade: a refused agent gets a plain
// HTTP error and never a session.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hostID, status := h.authenticate(r)
	if status != http.StatusOK {
		h.metrics.connects.WithLabelValues("refused").Inc()
		http.Error(w, http.StatusText(status), status)
		return
	}

	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		http.Error(w, "control plane is shutting down", http.StatusServiceUnavailable)
		return
	}

	ys, err := protocol.Accept(w, r)
	if err != nil {
		h.metrics.connects.WithLabelValues("failed").Inc()
		h.log.Debug().Err(err).Str("host", hostID).Msg("upgrade failed")
		return
	}
	h.metrics.connects.WithLabelValues("accepted").Inc()

	s := newSession(h, hostID, ys)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		s.run()
	}()
}

// authenticate checks the connect proof and returns the host id, or the
// HTTP status that refuses the request.
func (h *Hub) authenticate(r *http.Request) (string, int) {
	proof, err := protocol.ParseConnect(r.Header)
	if err != nil {
		return "", http.StatusUnauthorized
	}

	host, err := h.store.GetHost(r.Context(), proof.HostID)
	if errors.Is(err, store.ErrNotFound) {
		return "", http.StatusUnauthorized
	}
	if err != nil {
		h.log.Error().Err(err).Str("host", proof.HostID).Msg("look up host failed")
		return "", http.StatusServiceUnavailable
	}

	now := h.now()
	if err := proof.Verify(ed25519.PublicKey(host.PublicKey), now); err != nil {
		h.logRefusal(proof.HostID, "bad signature or clock skew")
		return "", http.StatusUnauthorized
	}
	if !h.nonces.use(proof.Nonce, now) {
		h.logRefusal(proof.HostID, "replayed nonce")
		return "", http.StatusUnauthorized
	}
	return host.ID, http.StatusOK
}

func (h *Hub) logRefusal(hostID, why string) {
	h.log.Warn().Str("host", hostID).Str("reason", why).Msg("agent connect refused")
}
