package protocol_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/cofferhq/coffer/protocol"
)

// Operations of the test server, beside protocol.OpHandshake.
const (
	opDouble protocol.Op = "double" // progress, then twice the request
	opFail   protocol.Op = "fail"   // a remote error
	opBogus  protocol.Op = "bogus"  // answers with a request frame
)

type number struct {
	N int `json:"n"`
}

// handler serves one stream after its header has been read.
type handler func(s *protocol.Stream, h protocol.Header)

// testServer is a control plane reduced to the tunnel: it checks the
// connect proof, accepts the session and runs handle on every stream.
type testServer struct {
	t      *testing.T
	pub    ed25519.PublicKey
	handle handler
	srv    *httptest.Server

	wg sync.WaitGroup // connections and streams being served

	mu       sync.Mutex
	sessions []*yamux.Session
}

// startServer starts a test server whose hosts sign with the key of
// testKey(1). Everything it starts is stopped when the test ends.
func startServer(t *testing.T, handle handler) *testServer {
	t.Helper()
	pub, _ := testKey(1)
	s := &testServer{t: t, pub: pub, handle: handle}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.close)
	return s
}

func (s *testServer) url() string { return s.srv.URL + protocol.ConnectPath }

func (s *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.wg.Add(1)
	defer s.wg.Done()

	proof, err := protocol.ParseConnect(r.Header)
	if err == nil {
		err = proof.Verify(s.pub, time.Now())
	}
	if err != nil {
		http.Error(w, "connect proof refused", http.StatusUnauthorized)
		return
	}

	sess, err := protocol.Accept(w, r)
	if err != nil {
		s.t.Errorf("Accept: got %v, want nil", err)
		return
	}
	s.mu.Lock()
	s.sessions = append(s.sessions, sess)
	s.mu.Unlock()

	for {
		raw, err := sess.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveStream(raw)
		}()
	}
}

func (s *testServer) serveStream(raw net.Conn) {
	st := protocol.NewStream(raw)
	defer st.Close()

	h, err := st.ReadHeader()
	if err != nil {
		s.t.Errorf("server ReadHeader: got %v, want nil", err)
		return
	}
	s.handle(st, h)
}

// close ends every session and waits, within bounds, for the goroutines
// serving them.
func (s *testServer) close() {
	s.mu.Lock()
	for _, sess := range s.sessions {
		_ = sess.Close()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(testTimeout):
		s.t.Errorf("server goroutines still running after %v", testTimeout)
	}
	s.srv.Close()
}

// serveOps is the handler of the ordinary operations.
func serveOps(t *testing.T) handler {
	return func(s *protocol.Stream, h protocol.Header) {
		req, err := s.Recv()
		if err != nil {
			t.Errorf("server Recv %s request: got %v, want nil", h.Op, err)
			return
		}

		switch h.Op {
		case protocol.OpHandshake:
			err = serveHandshake(s, req)
		case opDouble:
			var n number
			if err = req.Decode(&n); err != nil {
				break
			}
			if err = s.Send(protocol.TypeProgress, number{N: 1}); err != nil {
				break
			}
			err = s.Send(protocol.TypeResult, number{N: 2 * n.N})
		case opFail:
			err = s.Fail("disk_full", "no space left on /var/lib/coffer")
		case opBogus:
			err = s.Send(protocol.TypeRequest, protocol.Empty{})
		default:
			err = s.Fail("unknown_op", fmt.Sprintf("no operation %q", h.Op))
		}
		// A reply can reach the client, which then closes the session, before
		// yamux reports the write done; it then reports the shutdown instead.
		if err != nil && !errors.Is(err, yamux.ErrSessionShutdown) {
			t.Errorf("server %s: got %v, want nil", h.Op, err)
		}
	}
}

func serveHandshake(s *protocol.Stream, req protocol.Message) error {
	var hello protocol.Hello
	if err := req.Decode(&hello); err != nil {
		return err
	}
	if err := hello.Version.Compatible(); err != nil {
		return s.Fail("version_mismatch", err.Error())
	}
	return s.Send(protocol.TypeResult, protocol.Welcome{
		Version:    protocol.Current,
		HostID:     testHostID,
		ServerTime: signedAt,
	})
}

// dial connects to s as the host of testKey(1); the session is closed when
// the test ends.
func dial(t *testing.T, s *testServer) *yamux.Session {
	t.Helper()
	_, priv := testKey(1)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()

	sess, err := protocol.Dial(ctx, s.url(), protocol.SignConnect(priv, testHostID, time.Now()),
		s.srv.Client())
	if err != nil {
		t.Fatalf("Dial: got %v, want nil", err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	return sess
}

// checkGoroutines fails the test if it leaves goroutines behind. Call it
// before anything else so that its check runs after every other cleanup.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(testTimeout)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("goroutines after test: got %d, want at most %d\n%s",
					runtime.NumGoroutine(), before, buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestCallResultAndProgress(t *testing.T) {
	checkGoroutines(t)
	sess := dial(t, startServer(t, serveOps(t)))

	var progress []number
	onProgress := func(m protocol.Message) {
		var n number
		if err := m.Decode(&n); err != nil {
			t.Errorf("decode progress: got %v, want nil", err)
		}
		progress = append(progress, n)
	}
	var got number
	h := protocol.Header{Op: opDouble, RequestID: "req-1"}
	if err := protocol.Call(t.Context(), sess, h, number{N: 21}, &got, onProgress); err != nil {
		t.Fatalf("Call: got %v, want nil", err)
	}

	if got.N != 42 {
		t.Errorf("result: got %d, want 42", got.N)
	}
	if len(progress) != 1 || progress[0].N != 1 {
		t.Errorf("progress: got %+v, want [{N:1}]", progress)
	}
}

func TestCallErrors(t *testing.T) {
	checkGoroutines(t)
	sess := dial(t, startServer(t, serveOps(t)))

	t.Run("remote error", func(t *testing.T) {
		h := protocol.Header{Op: opFail, RequestID: "req-2"}
		err := protocol.Call(t.Context(), sess, h, protocol.Empty{}, nil, nil)

		var re *protocol.RemoteError
		if !errors.As(err, &re) {
			t.Fatalf("Call: got %v (%T), want *protocol.RemoteError", err, err)
		}
		if re.Code != "disk_full" {
			t.Errorf("remote error code: got %q, want %q", re.Code, "disk_full")
		}
		if want := "disk_full: no space left on /var/lib/coffer"; re.Error() != want {
			t.Errorf("remote error text: got %q, want %q", re.Error(), want)
		}
	})

	t.Run("unexpected frame", func(t *testing.T) {
		h := protocol.Header{Op: opBogus, RequestID: "req-3"}
		err := protocol.Call(t.Context(), sess, h, protocol.Empty{}, nil, nil)
		if !errors.Is(err, protocol.ErrUnexpectedFrame) {
			t.Errorf("Call: got %v, want %v", err, protocol.ErrUnexpectedFrame)
		}
	})

	t.Run("closed session", func(t *testing.T) {
		_ = sess.Close()
		h := protocol.Header{Op: opDouble, RequestID: "req-4"}
		err := protocol.Call(t.Context(), sess, h, number{}, nil, nil)
		if !errors.Is(err, yamux.ErrSessionShutdown) {
			t.Errorf("Call: got %v, want %v", err, yamux.ErrSessionShutdown)
		}
	})
}

// Cancelling a call must return at once even while the server is busy and
// not reading, and the server must find the stream closed when it looks.
func TestCallCancel(t *testing.T) {
	checkGoroutines(t)
	release := make(chan struct{})
	seen := make(chan error, 1)
	srv := startServer(t, func(s *protocol.Stream, h protocol.Header) {
		if _, err := s.Recv(); err != nil {
			t.Errorf("server Recv request: got %v, want nil", err)
			return
		}
		if err := s.Send(protocol.TypeProgress, number{N: 1}); err != nil {
			t.Errorf("server Send progress: got %v, want nil", err)
			return
		}
		<-release // busy with the operation
		_, err := s.Recv()
		seen <- err
	})
	defer close(release) // also when the test fails before releasing
	sess := dial(t, srv)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	onProgress := func(protocol.Message) { cancel() }
	h := protocol.Header{Op: "slow", RequestID: "req-5"}
	done := make(chan error, 1)
	go func() { done <- protocol.Call(ctx, sess, h, protocol.Empty{}, nil, onProgress) }()

	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Call: got %v, want %v", err, context.Canceled)
		}
	case <-time.After(testTimeout):
		_ = sess.Close() // unblocks the call
		err := <-done
		t.Fatalf("Call: still running %v after cancel, want it to return; closing the "+
			"session ended it with %v", testTimeout, err)
	}

	release <- struct{}{}
	select {
	case err := <-seen:
		if !errors.Is(err, io.EOF) {
			t.Errorf("server Recv after cancel: got %v, want %v", err, io.EOF)
		}
	case <-time.After(testTimeout):
		t.Fatalf("server Recv: still blocked %v after cancel, want an error", testTimeout)
	}
}

func TestHandshakeVersions(t *testing.T) {
	checkGoroutines(t)
	sess := dial(t, startServer(t, serveOps(t)))

	cur := protocol.Current
	tests := []struct {
		name     string
		version  protocol.Version
		wantCode string // "" means a Welcome
	}{
		{"same version", cur, ""},
		{"newer minor", protocol.Version{Major: cur.Major, Minor: cur.Minor + 3}, ""},
		{"newer major", protocol.Version{Major: cur.Major + 1}, "version_mismatch"},
		{"older major", protocol.Version{Major: cur.Major - 1, Minor: 9}, "version_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hello := protocol.Hello{Version: tt.version, AgentVersion: "test"}
			h := protocol.Header{Op: protocol.OpHandshake, RequestID: "hs-" + tt.name}
			var welcome protocol.Welcome
			err := protocol.Call(t.Context(), sess, h, hello, &welcome, nil)

			var re *protocol.RemoteError
			switch {
			case tt.wantCode == "" && err != nil:
				t.Fatalf("Call: got %v, want nil", err)
			case tt.wantCode == "":
				if welcome.HostID != testHostID || welcome.Version != cur {
					t.Errorf("welcome: got %+v, want host %q version %s",
						welcome, testHostID, cur)
				}
			case !errors.As(err, &re):
				t.Fatalf("Call: got %v, want *protocol.RemoteError", err)
			case re.Code != tt.wantCode:
				t.Errorf("remote error code: got %q, want %q", re.Code, tt.wantCode)
			}
		})
	}
}

func TestDialRefused(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, serveOps(t))
	_, priv := testKey(1)
	_, otherPriv := testKey(2)

	tests := []struct {
		name   string
		header http.Header
	}{
		{"no proof", nil},
		{"another host's key", protocol.SignConnect(otherPriv, testHostID, time.Now())},
		{"stale proof", protocol.SignConnect(priv, testHostID, time.Now().Add(-time.Hour))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
			defer cancel()

			sess, err := protocol.Dial(ctx, srv.url(), tt.header, srv.srv.Client())
			if err == nil {
				_ = sess.Close()
				t.Fatal("Dial: got a session, want *protocol.DialError")
			}
			var de *protocol.DialError
			if !errors.As(err, &de) {
				t.Fatalf("Dial: got %v (%T), want *protocol.DialError", err, err)
			}
			if de.StatusCode != http.StatusUnauthorized {
				t.Errorf("status: got %d, want %d", de.StatusCode, http.StatusUnauthorized)
			}
		})
	}
}

func TestDialUnreachable(t *testing.T) {
	checkGoroutines(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + protocol.ConnectPath
	srv.Close()

	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	_, err := protocol.Dial(ctx, url, nil, nil)

	var de *protocol.DialError
	if err == nil || errors.As(err, &de) {
		t.Errorf("Dial to closed server: got %v, want a non-HTTP error", err)
	}
}
