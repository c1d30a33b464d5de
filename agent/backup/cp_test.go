package backup_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/cofferhq/coffer/protocol"
)

// testTimeout bounds every operation a test runs.
const testTimeout = 2 * time.Minute

type handler func(ctx context.Context, st *protocol.Stream, h protocol.Header)

// item is one operation as the control plane sees it: the test opens a
// stream over a real yamux session, sends the header and request, and
// answers what the agent asks while it runs. The agent's end runs the
// handler the way the tunnel does.
type item struct {
	t    *testing.T
	st   *protocol.Stream
	done chan struct{} // closed when the handler has returned

	// signer answers NeedURLs; nil makes an unanswered request fail the
	// test.
	signer func(first, count int32) []protocol.PresignedPart
	// onEvent sees every event; returning false closes the stream, which
	// cancels the item.
	onEvent func(ev protocol.ItemEvent) bool

	events []protocol.ItemEvent
}

// startItem runs h on a new stream carrying op and req.
func startItem(t *testing.T, h handler, op protocol.Op, req any) *item {
	t.Helper()
	agentEnd, cpEnd := sessionPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)

	it := &item{t: t, done: make(chan struct{})}
	go func() {
		defer close(it.done)
		raw, err := agentEnd.AcceptStream()
		if err != nil {
			t.Errorf("accept stream: %v", err)
			return
		}
		st := protocol.NewStream(raw)
		defer st.Close()
		hdr, err := st.ReadHeader()
		if err != nil {
			t.Errorf("read header: %v", err)
			return
		}
		h(ctx, st, hdr)
	}()

	raw, err := cpEnd.Open()
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	it.st = protocol.NewStream(raw)
	if err := it.st.WriteHeader(protocol.Header{Op: op, RequestID: "req-1"}); err != nil {
		t.Fatalf("write header: %v", err)
	}
	if err := it.st.Send(protocol.TypeRequest, req); err != nil {
		t.Fatalf("send request: %v", err)
	}
	return it
}

// sessionPair connects two yamux sessions through an in-memory pipe.
func sessionPair(t *testing.T) (agentEnd, cpEnd *yamux.Session) {
	t.Helper()
	a, b := net.Pipe()
	agentEnd, err := yamux.Client(a, protocol.SessionConfig())
	if err != nil {
		t.Fatalf("start agent session: %v", err)
	}
	cpEnd, err = yamux.Server(b, protocol.SessionConfig())
	if err != nil {
		t.Fatalf("start control plane session: %v", err)
	}
	t.Cleanup(func() {
		agentEnd.Close()
		cpEnd.Close()
	})
	return agentEnd, cpEnd
}

// result reads frames until the result, answering NeedURLs on the way,
// and waits for the handler to return.
func (it *item) result() protocol.Message {
	it.t.Helper()
	for {
		m, err := it.st.Recv()
		if err != nil {
			it.t.Fatalf("read from agent: %v", err)
		}
		switch m.Type {
		case protocol.TypeResult:
			it.st.Close()
			it.waitDone(10 * time.Second)
			return m
		case protocol.TypeEvent:
			if !it.event(m) {
				return protocol.Message{}
			}
		default:
			it.t.Fatalf("agent sent a %q frame", m.Type)
		}
	}
}

// event handles one event; false means the test closed the stream.
func (it *item) event(m protocol.Message) bool {
	var ev protocol.ItemEvent
	if err := m.Decode(&ev); err != nil {
		it.t.Fatalf("decode event: %v", err)
	}
	it.events = append(it.events, ev)
	if it.onEvent != nil && !it.onEvent(ev) {
		it.st.Close()
		return false
	}
	if ev.NeedURLs == nil {
		return true
	}
	if it.signer == nil {
		it.t.Fatalf("agent asked for part urls %+v; this test gives none", *ev.NeedURLs)
	}
	urls := it.signer(ev.NeedURLs.First, ev.NeedURLs.Count)
	if err := it.st.Send(protocol.TypeEvent, protocol.ItemEvent{URLs: urls}); err != nil {
		it.t.Fatalf("send urls: %v", err)
	}
	return true
}

func (it *item) waitDone(limit time.Duration) {
	it.t.Helper()
	select {
	case <-it.done:
	case <-time.After(limit):
		it.t.Fatalf("handler still running %v after the result", limit)
	}
}

// decodeResult fails the test unless m is a successful result.
func decodeResult[T any](t *testing.T, m protocol.Message) T {
	t.Helper()
	var v T
	if err := m.Err(); err != nil {
		t.Fatalf("result: %v, want success", err)
	}
	if err := m.Decode(&v); err != nil {
		t.Fatalf("decode result: %v", err)
	}
	return v
}

// expectFailure fails the test unless m reports code.
func expectFailure(t *testing.T, m protocol.Message, code string) string {
	t.Helper()
	if m.Type != protocol.TypeResult || m.Error == nil {
		t.Fatalf("result = %+v, want a failure with code %s", m, code)
	}
	if m.Error.Code != code {
		t.Fatalf("failure = %s: %s, want code %s", m.Error.Code, m.Error.Message, code)
	}
	t.Logf("failure as reported: %s", m.Error.Message)
	return m.Error.Message
}
