package hub

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// Open starts an operation on hostID's agent and hands the stream to the
// caller, who runs the exchange of an operation that needs more than one
// request and one result. The header is already sent. Closing the stream,
// or ctx ending, cancels the operation on the agent and wakes a Recv that
// is waiting.
func (h *Hub) Open(ctx context.Context, hostID string, hdr protocol.Header) (
	*protocol.Stream, error) {
	h.mu.Lock()
	s := h.sessions[hostID]
	h.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("open %s on host %s: %w", hdr.Op, hostID, ErrHostOffline)
	}

	raw, err := s.ys.OpenStream()
	if err != nil {
		return nil, fmt.Errorf("open %s on host %s: %w", hdr.Op, hostID, err)
	}
	conn := &wakingConn{Conn: raw}
	conn.setStop(context.AfterFunc(ctx, func() { _ = conn.Close() }))

	st := protocol.NewStream(conn)
	if err := st.WriteHeader(hdr); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("open %s on host %s: %w", hdr.Op, hostID, err)
	}
	return st, nil
}

// wakingConn is a stream whose Close also ends a pending read. Closing a
// yamux stream only ends our side's writes; without the deadline a reader
// would wait for the peer to close too.
type wakingConn struct {
	net.Conn

	mu     sync.Mutex
	stop   func() bool // releases the context watch
	closed bool
}

// setStop records how to release the context watch, or releases it at once
// when the watch already closed the stream.
func (c *wakingConn) setStop(stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		stop()
		return
	}
	c.stop = stop
}

func (c *wakingConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	stop := c.stop
	c.mu.Unlock()

	if stop != nil {
		stop()
	}
	_ = c.SetReadDeadline(time.Now())
	return c.Conn.Close()
}
