package tunnel

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

// maxStreams caps the streams the agent serves at once.
const maxStreams = 32

// Session is one established tunnel. OnSession hooks use it to open
// streams of their own.
type Session struct {
	ys     *yamux.Session
	HostID string
}

// Open opens a new stream to the control plane with the given header.
func (s *Session) Open(h protocol.Header) (*protocol.Stream, error) {
	raw, err := s.ys.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s stream: %w", h.Op, err)
	}
	st := protocol.NewStream(raw)
	if err := st.WriteHeader(h); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// Call runs one request/response operation on a new stream.
func (s *Session) Call(ctx context.Context, op protocol.Op, req, resp any) error {
	hdr := protocol.Header{Op: op, RequestID: string(op)}
	return protocol.Call(ctx, s.ys, hdr, req, resp, nil)
}

// connectOnce dials, handshakes and serves one session until it ends.
func (c *Client) connectOnce(ctx context.Context) error {
	id := c.cfg.Identity
	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	header := protocol.SignConnect(id.Key, id.HostID, time.Now())
	ys, err := protocol.Dial(dialCtx, identity.ConnectURL(id.ServerURL), header, c.cfg.HTTPClient)
	cancel()
	if err != nil {
		return err
	}
	defer ys.Close()

	if err := c.handshake(ctx, ys); err != nil {
		return err
	}
	c.setConnected(true)
	defer c.setConnected(false)
	c.log.Info().Str("server", id.ServerURL).Msg("tunnel up")

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	context.AfterFunc(sctx, func() { _ = ys.Close() })

	var wg sync.WaitGroup
	defer wg.Wait()
	if c.cfg.OnSession != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.cfg.OnSession(sctx, &Session{ys: ys, HostID: id.HostID})
		}()
	}
	err = c.acceptLoop(sctx, ys, &wg)
	stop()
	return err
}

func (c *Client) setConnected(v bool) {
	c.mu.Lock()
	c.connected = v
	c.mu.Unlock()
}

func (c *Client) handshake(ctx context.Context, ys *yamux.Session) error {
	hello := protocol.Hello{
		Version:      protocol.Current,
		AgentVersion: protocol.AgentVersion,
		Facts:        c.cfg.Facts(),
		Capabilities: append([]string{protocol.CapInventory}, c.cfg.Capabilities...),
	}
	if c.cfg.RunningJobs != nil {
		hello.RunningJobs = c.cfg.RunningJobs()
	}

	hctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var welcome protocol.Welcome
	hdr := protocol.Header{Op: protocol.OpHandshake, RequestID: "handshake"}
	if err := protocol.Call(hctx, ys, hdr, hello, &welcome, nil); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if err := welcome.Version.Compatible(); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	return nil
}

// acceptLoop hands each stream the control plane opens to a goroutine.
func (c *Client) acceptLoop(ctx context.Context, ys *yamux.Session, wg *sync.WaitGroup) error {
	slots := make(chan struct{}, maxStreams)
	for {
		raw, err := ys.AcceptStream()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("accept stream: %w", err)
		}
		select {
		case slots <- struct{}{}:
		default:
			_ = raw.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			c.serveStream(ctx, raw)
		}()
	}
}

func (c *Client) serveStream(ctx context.Context, raw net.Conn) {
	st := protocol.NewStream(raw)
	defer st.Close()

	h, err := st.ReadHeader()
	if err != nil {
		c.log.Debug().Err(err).Msg("read stream header failed")
		return
	}
	handler := c.cfg.Handlers[h.Op]
	if h.Op == protocol.OpPing {
		handler = servePing
	}
	if handler == nil {
		_ = st.Fail("unknown_operation", fmt.Sprintf("this agent does not serve %q", h.Op))
		return
	}
	handler(ctx, st, h)
}

// servePing answers the no-op command.
func servePing(_ context.Context, st *protocol.Stream, _ protocol.Header) {
	if _, err := st.Recv(); err != nil {
		return
	}
	_ = st.Send(protocol.TypeResult, protocol.Empty{})
}
