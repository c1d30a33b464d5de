// Package hub keeps the live tunnels of connected agents: it authenticates
// and upgrades their connections, runs the handshake, applies the inventory
// they stream, and lets the rest of the control plane call them.
package hub

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/protocol"
)

// ErrHostOffline means the host has no live session on this control plane.
var ErrHostOffline = errors.New("host is offline")

// Limits of one agent session.
const (
	// maxStreams caps the streams handled at once for one agent; more are
	// refused rather than queued, so one agent cannot starve the others.
	maxStreams = 32
	// handshakeTimeout bounds how long a new session may take to say hello.
	handshakeTimeout = 10 * time.Second
	// pingConcurrency caps the keepalive pings in flight at once.
	pingConcurrency = 64
)

// Config holds what a Hub needs.
type Config struct {
	Store    *store.Store
	Logger   zerolog.Logger
	Registry prometheus.Registerer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Hub owns every agent session of this control plane.
type Hub struct {
	store   *store.Store
	log     zerolog.Logger
	now     func() time.Time
	metrics *metrics
	nonces  *nonceCache

	ctx    context.Context // ends when the hub closes; parent of session work
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the hub starts

	mu       sync.Mutex
	sessions map[string]*session // by host id
	closed   bool
}

// New starts a hub. Close it to end every session.
func New(cfg Config) *Hub {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		store:    cfg.Store,
		log:      cfg.Logger.With().Str("component", "hub").Logger(),
		now:      now,
		metrics:  newMetrics(cfg.Registry),
		nonces:   newNonceCache(),
		ctx:      ctx,
		cancel:   cancel,
		sessions: make(map[string]*session),
	}
	h.wg.Add(1)
	go h.livenessLoop()
	return h
}

// Close ends every session and waits, at most until ctx ends, for the
// hub's goroutines to finish.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	live := make([]*session, 0, len(h.sessions))
	for _, s := range h.sessions {
		live = append(live, s)
	}
	h.mu.Unlock()

	h.cancel()
	for _, s := range live {
		s.close()
	}

	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Online reports whether hostID has a live session here.
func (h *Hub) Online(hostID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.sessions[hostID]
	return ok
}

// Connected returns the ids of the hosts with a live session.
func (h *Hub) Connected() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]string, 0, len(h.sessions))
	for id := range h.sessions {
		ids = append(ids, id)
	}
	return ids
}

// Disconnect cuts hostID's live session, if any.
func (h *Hub) Disconnect(hostID string) {
	h.mu.Lock()
	s := h.sessions[hostID]
	h.mu.Unlock()
	if s != nil {
		s.close()
	}
}

// livenessLoop pings every session from one ticker, closing those whose
// agent no longer answers, and records when live hosts were last seen.
func (h *Hub) livenessLoop() {
	defer h.wg.Done()
	t := time.NewTicker(protocol.KeepAliveInterval)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
			h.pingAll()
			ids := h.Connected()
			if len(ids) == 0 {
				continue
			}
			if err := h.store.TouchHosts(h.ctx, ids, h.now()); err != nil &&
				h.ctx.Err() == nil {
				h.log.Warn().Err(err).Int("hosts", len(ids)).Msg("refresh last seen failed")
			}
		}
	}
}

// pingAll pings the live sessions, a bounded number at a time.
func (h *Hub) pingAll() {
	h.mu.Lock()
	live := make([]*session, 0, len(h.sessions))
	for _, s := range h.sessions {
		live = append(live, s)
	}
	h.mu.Unlock()

	var wg sync.WaitGroup
	slots := make(chan struct{}, pingConcurrency)
	for _, s := range live {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if _, err := s.ys.Ping(); err != nil {
				s.log.Info().Err(err).Msg("agent stopped answering pings")
				s.close()
			}
		}()
	}
	wg.Wait()
}
