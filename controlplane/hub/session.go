package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"

	"github.com/hashicorp/yamux"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/protocol"
)

// session is one agent's live tunnel.
type session struct {
	hub    *Hub
	hostID string
	ys     *yamux.Session
	log    zerolog.Logger
	slots  chan struct{} // one token per stream being handled

	closeOnce sync.Once
}

func newSession(h *Hub, hostID string, ys *yamux.Session) *session {
	return &session{
		hub:    h,
		hostID: hostID,
		ys:     ys,
		log:    h.log.With().Str("host", hostID).Logger(),
		slots:  make(chan struct{}, maxStreams),
	}
}

func (s *session) close() {
	s.closeOnce.Do(func() { _ = s.ys.Close() })
}

// run owns the session from handshake to disconnect.
func (s *session) run() {
	defer s.close()

	welcome, err := s.handshake()
	if err != nil {
		s.logEnd("handshake failed", err)
		return
	}
	if !s.register() {
		return
	}
	defer s.unregister()

	s.log.Info().Str("agentVersion", welcome.agentVersion).Msg("agent connected")
	var wg sync.WaitGroup
	err = s.acceptLoop(&wg)
	s.close()
	wg.Wait()
	s.logEnd("agent disconnected", err)
}

type handshakeResult struct{ agentVersion string }

// handshake reads the agent's Hello on the first stream and answers it.
func (s *session) handshake() (handshakeResult, error) {
	ctx, cancel := context.WithTimeout(s.hub.ctx, handshakeTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, s.close)
	defer stop()

	raw, err := s.ys.AcceptStream()
	if err != nil {
		return handshakeResult{}, fmt.Errorf("accept handshake stream: %w", err)
	}
	st := protocol.NewStream(raw)
	defer st.Close()

	hello, err := readHello(st)
	if err != nil {
		return handshakeResult{}, err
	}
	if err := hello.Version.Compatible(); err != nil {
		_ = st.Fail("version_mismatch", err.Error())
		return handshakeResult{}, err
	}

	err = s.hub.store.MarkHostOnline(ctx, s.hostID, hello.AgentVersion, hello.Facts, s.hub.now())
	if err != nil {
		_ = st.Fail("unavailable", "the control plane could not record the host")
		return handshakeResult{}, fmt.Errorf("mark host online: %w", err)
	}
	w := protocol.Welcome{Version: protocol.Current, HostID: s.hostID, ServerTime: s.hub.now()}
	if err := st.Send(protocol.TypeResult, w); err != nil {
		return handshakeResult{}, fmt.Errorf("send welcome: %w", err)
	}
	return handshakeResult{agentVersion: hello.AgentVersion}, nil
}

func readHello(st *protocol.Stream) (protocol.Hello, error) {
	var hello protocol.Hello
	h, err := st.ReadHeader()
	if err != nil {
		return hello, fmt.Errorf("read handshake header: %w", err)
	}
	if h.Op != protocol.OpHandshake {
		_ = st.Fail("bad_request", "the first stream must be the handshake")
		return hello, fmt.Errorf("read handshake: %w: op %q", protocol.ErrUnexpectedFrame, h.Op)
	}
	m, err := st.Recv()
	if err != nil {
		return hello, fmt.Errorf("read hello: %w", err)
	}
	if m.Type != protocol.TypeRequest {
		return hello, fmt.Errorf("read hello: %w: %q", protocol.ErrUnexpectedFrame, m.Type)
	}
	return hello, m.Decode(&hello)
}

// register makes s the host's session. A newer connection from the same
// host replaces an older one, which is usually a half-dead tunnel the agent
// has already given up on.
func (s *session) register() bool {
	h := s.hub
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return false
	}
	old := h.sessions[s.hostID]
	h.sessions[s.hostID] = s
	h.mu.Unlock()

	if old != nil {
		old.log.Info().Msg("session replaced by a newer connection")
		old.close()
	} else {
		h.metrics.connected.Inc()
	}
	return true
}

func (s *session) unregister() {
	h := s.hub
	h.mu.Lock()
	current := h.sessions[s.hostID] == s
	if current {
		delete(h.sessions, s.hostID)
	}
	h.mu.Unlock()
	if !current {
		return
	}

	h.metrics.connected.Dec()
	// The hub's context may already be over at shutdown; the host still has
	// to be recorded as offline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.ctx), handshakeTimeout)
	defer cancel()
	if err := h.store.MarkHostOffline(ctx, s.hostID, h.now()); err != nil {
		s.log.Error().Err(err).Msg("mark host offline failed")
	}
}

// acceptLoop hands each stream the agent opens to its own goroutine. It
// never does the work itself, so one slow stream cannot block the others.
func (s *session) acceptLoop(wg *sync.WaitGroup) error {
	for {
		raw, err := s.ys.AcceptStream()
		if err != nil {
			return err
		}
		select {
		case s.slots <- struct{}{}:
		default:
			s.hub.metrics.streamsRefused.Inc()
			_ = raw.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-s.slots }()
			s.serveStream(raw)
		}()
	}
}

func (s *session) serveStream(raw net.Conn) {
	st := protocol.NewStream(raw)
	defer st.Close()

	h, err := st.ReadHeader()
	if err != nil {
		s.logEnd("read stream header failed", err)
		return
	}
	switch h.Op {
	case protocol.OpInventory:
		err = s.serveInventory(st)
	default:
		_ = st.Fail("unknown_operation", fmt.Sprintf("operation %q is not served here", h.Op))
		return
	}
	s.logEnd("stream ended", err)
}

// logEnd logs why something stopped, keeping expected disconnects quiet.
func (s *session) logEnd(msg string, err error) {
	if isExpectedClose(err) {
		s.log.Debug().Err(err).Msg(msg)
		return
	}
	s.log.Warn().Err(err).Msg(msg)
}

func isExpectedClose(err error) bool {
	return err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) ||
		errors.Is(err, yamux.ErrSessionShutdown) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, yamux.ErrStreamClosed) || errors.Is(err, yamux.ErrConnectionReset) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
