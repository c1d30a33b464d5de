package protocol

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Op names the operation a stream carries.
type Op string

// The operations of this protocol version.
const (
	// OpHandshake is the first stream the agent opens on every connection.
	OpHandshake Op = "handshake"
	// OpInventory carries one inventory message from the agent: the full
	// list after connecting, then changes. The agent waits for each answer
	// before it sends the next, which keeps them in order.
	OpInventory Op = "inventory"
	// OpPing is a no-op command from the control plane; the agent answers it
	// at once. It measures the round trip through the whole command path.
	OpPing Op = "ping"
)

// Header is the first frame on every stream.
type Header struct {
	Op        Op     `json:"op"`
	RequestID string `json:"requestId"`
}

// MessageType tells what a frame after the header carries.
type MessageType string

// The message types. A stream carries one request, any number of progress or
// event frames, and at most one result, which ends the operation.
const (
	TypeRequest  MessageType = "request"
	TypeProgress MessageType = "progress"
	TypeEvent    MessageType = "event"
	TypeResult   MessageType = "result"
)

// Message is every frame after the header.
type Message struct {
	Type  MessageType     `json:"type"`
	Body  json.RawMessage `json:"body,omitempty"`
	Error *ErrorBody      `json:"error,omitempty"`
}

// ErrorBody reports why an operation failed.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Decode unmarshals the message body into v.
func (m Message) Decode(v any) error {
	if len(m.Body) == 0 {
		return fmt.Errorf("decode %s body: empty", m.Type)
	}
	if err := json.Unmarshal(m.Body, v); err != nil {
		return fmt.Errorf("decode %s body: %w", m.Type, err)
	}
	return nil
}

// Err returns the remote error a result carries, or nil.
func (m Message) Err() error {
	if m.Error == nil {
		return nil
	}
	return &RemoteError{Code: m.Error.Code, Message: m.Error.Message}
}

// Stream frames the messages of one operation over one yamux stream. Sends
// are serialised so that progress and result frames from several goroutines
// never interleave; receives belong to one goroutine.
type Stream struct {
	rw io.ReadWriteCloser

	mu sync.Mutex // serialises writes to rw
}

// NewStream wraps a raw stream.
func NewStream(rw io.ReadWriteCloser) *Stream { return &Stream{rw: rw} }

// WriteHeader sends the header that opens the stream.
func (s *Stream) WriteHeader(h Header) error { return s.write(h) }

// ReadHeader reads the header that opens the stream.
func (s *Stream) ReadHeader() (Header, error) {
	var h Header
	if err := ReadFrame(s.rw, &h); err != nil {
		return h, err
	}
	if h.Op == "" {
		return h, fmt.Errorf("read header: %w: no operation", ErrUnexpectedFrame)
	}
	return h, nil
}

// Send writes one message with body encoded as JSON.
func (s *Stream) Send(t MessageType, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode %s body: %w", t, err)
	}
	return s.write(Message{Type: t, Body: raw})
}

// Fail sends a result frame that reports an error.
func (s *Stream) Fail(code, message string) error {
	return s.write(Message{Type: TypeResult, Error: &ErrorBody{Code: code, Message: message}})
}

// Recv reads the next message.
func (s *Stream) Recv() (Message, error) {
	var m Message
	err := ReadFrame(s.rw, &m)
	return m, err
}

// Close closes the underlying stream, which cancels the operation on the
// other side.
func (s *Stream) Close() error { return s.rw.Close() }

func (s *Stream) write(v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return WriteFrame(s.rw, v)
}
