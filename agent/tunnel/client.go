// Package tunnel keeps the agent connected to the control plane: it dials
// out, proves the host's identity, runs the handshake, serves the streams
// the control plane opens, and reconnects with backoff when the tunnel
// breaks.
package tunnel

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

// Handler serves one stream the control plane opened. It owns st's frames
// after the header; the tunnel closes st when the handler returns. ctx ends
// with the session; a handler that runs long must also watch st for the
// control plane closing it, which is how an operation is cancelled.
type Handler func(ctx context.Context, st *protocol.Stream, h protocol.Header)

// Config holds what a Client needs.
type Config struct {
	Identity *identity.Identity
	Logger   zerolog.Logger
	// Facts returns the host facts sent in every handshake.
	Facts func() map[string]string
	// Handlers serve the operations the control plane may call.
	Handlers map[protocol.Op]Handler
	// OnSession runs for each established session, in its own goroutine,
	// until ctx ends with the session.
	OnSession func(ctx context.Context, s *Session)
	// RunningJobs names the jobs still in progress, for the handshake.
	RunningJobs func() []string
	// Capabilities are announced in the handshake besides the inventory,
	// which the tunnel serves itself.
	Capabilities []string
	HTTPClient   *http.Client
	// MinBackoff and MaxBackoff bound reconnect waits (1 s and 60 s if zero).
	MinBackoff, MaxBackoff time.Duration
	// StableAfter is how long a session must last before the backoff
	// resets (30 s if zero), so a flapping server is not hammered.
	StableAfter time.Duration
}

// Client is the agent's side of the tunnel.
type Client struct {
	cfg Config
	log zerolog.Logger

	mu        sync.Mutex
	connected bool
}

// New makes a client; Run connects it.
func New(cfg Config) *Client {
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.StableAfter == 0 {
		cfg.StableAfter = 30 * time.Second
	}
	if cfg.Facts == nil {
		cfg.Facts = func() map[string]string { return nil }
	}
	return &Client{cfg: cfg, log: cfg.Logger.With().Str("component", "tunnel").Logger()}
}

// Connected reports whether a session is up right now.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected
}

// Run keeps the tunnel up until ctx ends.
func (c *Client) Run(ctx context.Context) error {
	b := backoff{base: c.cfg.MinBackoff, max: c.cfg.MaxBackoff}
	failures := 0
	for ctx.Err() == nil {
		started := time.Now()
		err := c.connectOnce(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(started) >= c.cfg.StableAfter {
			b.reset()
			failures = 0
		}
		failures++
		wait := b.next()
		c.logRetry(err, failures, wait)
		if !sleep(ctx, wait) {
			break
		}
	}
	return nil
}

// logRetry keeps a long outage from flooding the log: every failure is
// logged at debug, and only the first and then every tenth at warn or error.
func (c *Client) logRetry(err error, failures int, wait time.Duration) {
	ev := c.log.Debug()
	if failures == 1 || failures%10 == 0 {
		ev = c.log.Warn()
		var de *protocol.DialError
		if errors.As(err, &de) && (de.StatusCode == 401 || de.StatusCode == 403) {
			// A refused identity does not heal by itself: the host was
			// revoked or its key is unknown.
			ev = c.log.Error()
		}
	}
	ev.Err(err).Int("failures", failures).Dur("retryIn", wait).Msg("tunnel down")
}
