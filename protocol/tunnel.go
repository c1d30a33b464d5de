package protocol

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/hashicorp/yamux"
)

// Tunnel timing. The keepalive stays well under the 60 s idle timeout that
// common proxies and load balancers apply to websockets.
const (
	KeepAliveInterval = 20 * time.Second
	// WriteTimeout closes the whole session when a write stalls this long:
	// a stuck connection is worse than a reconnect.
	WriteTimeout = 15 * time.Second
	// AcceptBacklog caps the streams a peer may open before they are
	// handled; streams beyond it are refused by yamux.
	AcceptBacklog = 64
)

// SessionConfig is the yamux configuration both sides use.
func SessionConfig() *yamux.Config {
	cfg := yamux.DefaultConfig()
	cfg.AcceptBacklog = AcceptBacklog
	cfg.EnableKeepAlive = true
	cfg.KeepAliveInterval = KeepAliveInterval
	cfg.ConnectionWriteTimeout = WriteTimeout
	cfg.StreamOpenTimeout = WriteTimeout
	cfg.StreamCloseTimeout = time.Minute
	cfg.LogOutput = io.Discard
	return cfg
}

// Accept upgrades an already authenticated request to a websocket and
// starts the server side of the yamux session on it, without keepalives. The session lives until
// it is closed or the connection drops; r's context does not bound it.
func Accept(w http.ResponseWriter, r *http.Request) (*yamux.Session, error) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return nil, fmt.Errorf("accept websocket: %w", err)
	}

	// The server leaves keepalives to its caller: a control plane with
	// thousands of agents pings them all from one ticker instead of keeping
	// a goroutine and a timer per session.
	cfg := SessionConfig()
	cfg.EnableKeepAlive = false
	conn := websocket.NetConn(context.WithoutCancel(r.Context()), ws, websocket.MessageBinary)
	sess, err := yamux.Server(conn, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("start session: %w", err)
	}
	return sess, nil
}

// DialError is a refused upgrade: the server answered with an HTTP status
// instead of switching protocols.
type DialError struct {
	StatusCode int
	Err        error
}

func (e *DialError) Error() string {
	return fmt.Sprintf("dial control plane: status %d: %v", e.StatusCode, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// Dial connects to the control plane's connect endpoint with the given
// request headers and starts the client side of the yamux session. ctx bounds
// the dial only; the session lives until it is closed.
func Dial(ctx context.Context, url string, header http.Header,
	client *http.Client) (*yamux.Session, error) {
	ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient:      client,
		HTTPHeader:      header,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, &DialError{StatusCode: resp.StatusCode, Err: err}
		}
		return nil, fmt.Errorf("dial control plane: %w", err)
	}

	conn := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	sess, err := yamux.Client(conn, SessionConfig())
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("start session: %w", err)
	}
	return sess, nil
}

// Conn is what both sides need from a session: yamux satisfies it.
type Conn interface {
	Open() (net.Conn, error)
	Close() error
}

// Call runs one request/response operation on a new stream of conn. Progress
// frames are passed to onProgress when it is not nil. Cancelling ctx closes
// the stream, which cancels the operation on the other side.
func Call(ctx context.Context, conn Conn, h Header, req, resp any,
	onProgress func(Message)) error {
	raw, err := conn.Open()
	if err != nil {
		return fmt.Errorf("open %s stream: %w", h.Op, err)
	}
	s := NewStream(raw)
	defer s.Close()

	// Closing a yamux stream only ends our writes; a read would go on
	// waiting for the peer, so the deadline is what wakes it.
	stop := context.AfterFunc(ctx, func() {
		_ = raw.SetReadDeadline(time.Now())
		_ = s.Close()
	})
	defer stop()

	if err := s.WriteHeader(h); err != nil {
		return ctxErr(ctx, err)
	}
	if err := s.Send(TypeRequest, req); err != nil {
		return ctxErr(ctx, err)
	}
	return ctxErr(ctx, awaitResult(s, h.Op, resp, onProgress))
}

func awaitResult(s *Stream, op Op, resp any, onProgress func(Message)) error {
	for {
		m, err := s.Recv()
		if err != nil {
			return fmt.Errorf("read %s reply: %w", op, err)
		}
		switch m.Type {
		case TypeProgress, TypeEvent:
			if onProgress != nil {
				onProgress(m)
			}
		case TypeResult:
			if err := m.Err(); err != nil {
				return err
			}
			if resp == nil {
				return nil
			}
			return m.Decode(resp)
		default:
			return fmt.Errorf("read %s reply: %w: %q", op, ErrUnexpectedFrame, m.Type)
		}
	}
}

// ctxErr prefers the context's error when the context ended, since closing
// the stream on cancellation turns into a less telling read or write error.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
