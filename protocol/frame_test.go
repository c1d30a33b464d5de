package protocol_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// testTimeout bounds every wait in this package's tests. Nothing should
// come close to it; it only turns a hang into a failure.
const testTimeout = 10 * time.Second

// frame builds a frame by hand: a big-endian length prefix, then body.
func frame(length uint32, body string) []byte {
	buf := binary.BigEndian.AppendUint32(nil, length)
	return append(buf, body...)
}

func TestFrameRoundTrip(t *testing.T) {
	created := time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   any
		out  any // pointer to a zero value of in's type
	}{
		{
			name: "header",
			in:   protocol.Header{Op: protocol.OpPing, RequestID: "req-1"},
			out:  new(protocol.Header),
		},
		{
			name: "request message",
			in:   protocol.Message{Type: protocol.TypeRequest, Body: json.RawMessage(`{"n":7}`)},
			out:  new(protocol.Message),
		},
		{
			name: "failed result",
			in: protocol.Message{
				Type:  protocol.TypeResult,
				Error: &protocol.ErrorBody{Code: "disk_full", Message: "no space left"},
			},
			out: new(protocol.Message),
		},
		{
			name: "hello",
			in: protocol.Hello{
				Version:      protocol.Current,
				AgentVersion: "1.2.3",
				Facts:        map[string]string{protocol.FactOS: "linux"},
				Capabilities: []string{protocol.CapInventory},
				RunningJobs:  []string{"job-1", "job-2"},
			},
			out: new(protocol.Hello),
		},
		{
			name: "inventory",
			in: protocol.Inventory{Full: true, Upserts: []protocol.Container{{
				ID: "c1", Namespace: "default", Name: "db", Image: "postgres:17",
				State: protocol.StateRunning,
				Mounts: []protocol.Mount{
					{Source: "/srv/db", Destination: "/data", Type: "bind"},
				},
				CreatedAt: created,
			}}},
			out: new(protocol.Inventory),
		},
		{
			name: "unicode string",
			in:   "żółw <&> \u2028",
			out:  new(string),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := protocol.WriteFrame(&buf, tt.in); err != nil {
				t.Fatalf("WriteFrame: got %v, want nil", err)
			}
			if err := protocol.ReadFrame(&buf, tt.out); err != nil {
				t.Fatalf("ReadFrame: got %v, want nil", err)
			}

			got := reflect.ValueOf(tt.out).Elem().Interface()
			if !reflect.DeepEqual(got, tt.in) {
				t.Errorf("round trip: got %+v, want %+v", got, tt.in)
			}
			if buf.Len() != 0 {
				t.Errorf("bytes left after one frame: got %d, want 0", buf.Len())
			}
		})
	}
}

func TestFrameSizeLimit(t *testing.T) {
	// A JSON string of n-2 letters encodes to exactly n bytes.
	atLimit := strings.Repeat("a", protocol.MaxFrameSize-2)
	overLimit := atLimit + "a"

	t.Run("write at limit", func(t *testing.T) {
		var buf bytes.Buffer
		if err := protocol.WriteFrame(&buf, atLimit); err != nil {
			t.Fatalf("WriteFrame: got %v, want nil", err)
		}
		if got, want := buf.Len(), 4+protocol.MaxFrameSize; got != want {
			t.Errorf("frame length: got %d, want %d", got, want)
		}
		var got string
		if err := protocol.ReadFrame(&buf, &got); err != nil {
			t.Fatalf("ReadFrame: got %v, want nil", err)
		}
		if got != atLimit {
			t.Errorf("body: got %d bytes, want %d", len(got), len(atLimit))
		}
	})

	t.Run("write over limit", func(t *testing.T) {
		var buf bytes.Buffer
		err := protocol.WriteFrame(&buf, overLimit)
		if !errors.Is(err, protocol.ErrFrameTooLarge) {
			t.Fatalf("WriteFrame: got %v, want %v", err, protocol.ErrFrameTooLarge)
		}
		if buf.Len() != 0 {
			t.Errorf("bytes written: got %d, want 0", buf.Len())
		}
	})

	readTests := []struct {
		name    string
		length  uint32
		body    string
		wantErr error
	}{
		{"read at limit", protocol.MaxFrameSize, `"` + atLimit + `"`, nil},
		{"read one over", protocol.MaxFrameSize + 1, `"` + overLimit + `"`,
			protocol.ErrFrameTooLarge},
		{"read max prefix", 0xffffffff, `"a"`, protocol.ErrFrameTooLarge},
	}
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			err := protocol.ReadFrame(bytes.NewReader(frame(tt.length, tt.body)), &got)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadFrame: got %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && len(got) != protocol.MaxFrameSize-2 {
				t.Errorf("body: got %d bytes, want %d", len(got), protocol.MaxFrameSize-2)
			}
		})
	}
}

func TestReadFrameErrors(t *testing.T) {
	errBroken := errors.New("connection reset by test")
	tests := []struct {
		name    string
		r       io.Reader
		wantErr error
	}{
		{"truncated prefix", bytes.NewReader([]byte{0, 0}), io.ErrUnexpectedEOF},
		{"prefix only", bytes.NewReader(frame(10, "")), io.ErrUnexpectedEOF},
		{"truncated body", bytes.NewReader(frame(10, `{"op"`)), io.ErrUnexpectedEOF},
		{
			name:    "broken mid-body",
			r:       io.MultiReader(bytes.NewReader(frame(10, `{"op"`)), errReader{errBroken}),
			wantErr: errBroken,
		},
		{
			name:    "broken mid-prefix",
			r:       io.MultiReader(bytes.NewReader([]byte{0}), errReader{errBroken}),
			wantErr: errBroken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h protocol.Header
			err := protocol.ReadFrame(tt.r, &h)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ReadFrame: got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// A peer that sends part of a frame and then closes its end must not leave
// the reader waiting for the rest.
func TestReadFrameTruncatedStreamDoesNotHang(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(frame(64, `{"op":"ping"`))
		_ = pw.Close()
	}()

	done := make(chan error, 1)
	go func() {
		var h protocol.Header
		done <- protocol.ReadFrame(pr, &h)
	}()

	select {
	case err := <-done:
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("ReadFrame: got %v, want %v", err, io.ErrUnexpectedEOF)
		}
	case <-time.After(testTimeout):
		_ = pr.CloseWithError(errors.New("test timed out"))
		err := <-done // the reader must not outlive the test
		t.Fatalf("ReadFrame: still blocked after %v, want an error; closing the pipe "+
			"ended it with %v", testTimeout, err)
	}
}

func TestReadFrameCleanEOF(t *testing.T) {
	var h protocol.Header
	err := protocol.ReadFrame(bytes.NewReader(nil), &h)
	// The contract is the bare sentinel, so that callers may compare with ==.
	if err != io.EOF {
		t.Errorf("ReadFrame on empty stream: got %v, want %v", err, io.EOF)
	}
}

func TestReadFrameBadJSON(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"empty body", ""},
		{"garbage", "}{"},
		{"truncated object", `{"op":`},
		{"wrong type", `{"op":42}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h protocol.Header
			err := protocol.ReadFrame(bytes.NewReader(frame(uint32(len(tt.body)), tt.body)), &h)
			if err == nil || errors.Is(err, io.EOF) || errors.Is(err, protocol.ErrFrameTooLarge) {
				t.Errorf("ReadFrame(%q): got %v, want a decode error", tt.body, err)
			}
		})
	}
}

// Deeply nested bodies decode, or are refused beyond what the JSON decoder
// allows, with the decoder's memory bounded either way. They are tested here
// rather than seeded in the fuzz corpus: removing any byte of a well-formed
// frame breaks its length prefix, so the fuzzer cannot shrink a large one
// and spends its whole minimizing budget trying.
func TestReadFrameDeepNesting(t *testing.T) {
	// encoding/json allows 10000 levels; the message object is one of them.
	tests := []struct {
		depth   int
		wantErr bool
	}{
		{1_000, false},
		{9_999, false},
		{10_000, true},
		{200_000, true},
	}
	for _, tt := range tests {
		body := `{"type":"result","body":` + strings.Repeat("[", tt.depth) +
			strings.Repeat("]", tt.depth) + `}`
		data := frame(uint32(len(body)), body)

		var m protocol.Message
		allocated, err := measureAlloc(func() error {
			return protocol.ReadFrame(bytes.NewReader(data), &m)
		})
		if (err != nil) != tt.wantErr || errors.Is(err, protocol.ErrFrameTooLarge) {
			t.Errorf("depth %d: got %v, want decode error %t", tt.depth, err, tt.wantErr)
		}
		if limit := allocLimit(data); allocated > limit {
			t.Errorf("depth %d: allocated %d bytes, want at most %d",
				tt.depth, allocated, limit)
		}
	}
}

func TestFramesBackToBack(t *testing.T) {
	header := protocol.Header{Op: protocol.OpInventory, RequestID: "req-9"}
	request := protocol.Message{Type: protocol.TypeRequest, Body: json.RawMessage(`{}`)}
	result := protocol.Message{Type: protocol.TypeResult, Body: json.RawMessage(`[1,2,3]`)}

	var buf bytes.Buffer
	for _, v := range []any{header, request, result} {
		if err := protocol.WriteFrame(&buf, v); err != nil {
			t.Fatalf("WriteFrame(%+v): got %v, want nil", v, err)
		}
	}

	var gotHeader protocol.Header
	if err := protocol.ReadFrame(&buf, &gotHeader); err != nil {
		t.Fatalf("ReadFrame header: got %v, want nil", err)
	}
	if gotHeader != header {
		t.Errorf("header: got %+v, want %+v", gotHeader, header)
	}
	for i, want := range []protocol.Message{request, result} {
		var got protocol.Message
		if err := protocol.ReadFrame(&buf, &got); err != nil {
			t.Fatalf("ReadFrame message %d: got %v, want nil", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("message %d: got %+v, want %+v", i, got, want)
		}
	}
	var extra protocol.Message
	if err := protocol.ReadFrame(&buf, &extra); err != io.EOF {
		t.Errorf("ReadFrame after last frame: got %v, want %v", err, io.EOF)
	}
}
