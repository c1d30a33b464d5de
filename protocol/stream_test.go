package protocol_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/protocol"
)

// bufConn is an in-memory stream: what is written can be read back.
type bufConn struct {
	bytes.Buffer
	closed bool
}

func (c *bufConn) Close() error {
	c.closed = true
	return nil
}

func TestStreamMessages(t *testing.T) {
	var c bufConn
	s := protocol.NewStream(&c)

	header := protocol.Header{Op: protocol.OpPing, RequestID: "req-1"}
	if err := s.WriteHeader(header); err != nil {
		t.Fatalf("WriteHeader: got %v, want nil", err)
	}
	if err := s.Send(protocol.TypeEvent, number{N: 3}); err != nil {
		t.Fatalf("Send: got %v, want nil", err)
	}
	if err := s.Fail("busy", "try later"); err != nil {
		t.Fatalf("Fail: got %v, want nil", err)
	}

	gotHeader, err := s.ReadHeader()
	if err != nil || gotHeader != header {
		t.Fatalf("ReadHeader: got %+v, %v, want %+v, nil", gotHeader, err, header)
	}

	event, err := s.Recv()
	if err != nil {
		t.Fatalf("Recv event: got %v, want nil", err)
	}
	var n number
	if err := event.Decode(&n); err != nil || event.Type != protocol.TypeEvent || n.N != 3 {
		t.Errorf("event: got %s %+v (%v), want %s {N:3}", event.Type, n, err, protocol.TypeEvent)
	}
	if err := event.Err(); err != nil {
		t.Errorf("event Err: got %v, want nil", err)
	}

	result, err := s.Recv()
	if err != nil {
		t.Fatalf("Recv result: got %v, want nil", err)
	}
	want := &protocol.RemoteError{Code: "busy", Message: "try later"}
	var re *protocol.RemoteError
	if !errors.As(result.Err(), &re) || *re != *want {
		t.Errorf("result Err: got %v, want %v", result.Err(), want)
	}

	if err := s.Close(); err != nil || !c.closed {
		t.Errorf("Close: got %v, closed %t, want nil, true", err, c.closed)
	}
}

func TestReadHeaderWithoutOp(t *testing.T) {
	var c bufConn
	if err := protocol.WriteFrame(&c, protocol.Header{RequestID: "req-1"}); err != nil {
		t.Fatalf("WriteFrame: got %v, want nil", err)
	}

	_, err := protocol.NewStream(&c).ReadHeader()
	if !errors.Is(err, protocol.ErrUnexpectedFrame) {
		t.Errorf("ReadHeader: got %v, want %v", err, protocol.ErrUnexpectedFrame)
	}
}

func TestMessageDecode(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    int
		wantErr bool
	}{
		{"number", `{"n":5}`, 5, false},
		{"no body", ``, 0, true},
		{"wrong type", `{"n":"five"}`, 0, true},
		{"not json", `{n:5}`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := protocol.Message{Type: protocol.TypeResult, Body: json.RawMessage(tt.body)}
			var got number
			err := m.Decode(&got)
			if (err != nil) != tt.wantErr || got.N != tt.want {
				t.Errorf("Decode(%q): got %d, %v, want %d, error %t",
					tt.body, got.N, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRemoteErrorText(t *testing.T) {
	tests := []struct {
		err  protocol.RemoteError
		want string
	}{
		{protocol.RemoteError{Code: "disk_full", Message: "no space"}, "disk_full: no space"},
		{protocol.RemoteError{Message: "no space"}, "no space"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error of %+v: got %q, want %q", tt.err, got, tt.want)
		}
	}
}

// Sends from several goroutines must never interleave their frames; the race
// detector also sees whether they touch the stream one at a time.
func TestStreamConcurrentSends(t *testing.T) {
	const senders, each = 8, 50
	var c bufConn
	s := protocol.NewStream(&c)

	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				if err := s.Send(protocol.TypeProgress, number{N: i*each + j}); err != nil {
					t.Errorf("Send: got %v, want nil", err)
				}
			}
		})
	}
	wg.Wait()

	seen := make(map[int]bool)
	for range senders * each {
		m, err := s.Recv()
		if err != nil {
			t.Fatalf("Recv after %d frames: got %v, want nil", len(seen), err)
		}
		var n number
		if err := m.Decode(&n); err != nil {
			t.Fatalf("Decode after %d frames: got %v, want nil", len(seen), err)
		}
		seen[n.N] = true
	}
	if len(seen) != senders*each {
		t.Errorf("distinct frames: got %d, want %d", len(seen), senders*each)
	}
}
