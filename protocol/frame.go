package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// MaxFrameSize caps one frame's JSON body. The websocket read limit does not
// apply once the connection is wrapped as a net.Conn, so this cap is what
// keeps a misbehaving peer from making the other side allocate at will.
const MaxFrameSize = 1 << 20

// WriteFrame writes v as one length-prefixed JSON frame.
func WriteFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	if len(body) > MaxFrameSize {
		return fmt.Errorf("write frame of %d bytes: %w", len(body), ErrFrameTooLarge)
	}

	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// ReadFrame reads one frame and decodes its JSON body into v. A clean end of
// stream before the frame starts is returned as io.EOF.
func ReadFrame(r io.Reader, v any) error {
	body, err := readFrameBody(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode frame: %w", err)
	}
	return nil
}

func readFrameBody(r io.Reader) ([]byte, error) {
	var prefix [4]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read frame length: %w", err)
	}

	n := binary.BigEndian.Uint32(prefix[:])
	if n > MaxFrameSize {
		return nil, fmt.Errorf("read frame of %d bytes: %w", n, ErrFrameTooLarge)
	}
	// Small frames are read in one allocation. Larger ones grow with the
	// bytes that actually arrive, so a peer cannot make this side reserve
	// a megabyte per stream by sending a four-byte length alone.
	if n <= smallFrame {
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, bodyError(err)
		}
		return body, nil
	}
	var buf bytes.Buffer
	buf.Grow(smallFrame)
	got, err := buf.ReadFrom(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, bodyError(err)
	}
	if got < int64(n) {
		return nil, bodyError(io.EOF)
	}
	return buf.Bytes(), nil
}

// smallFrame is the largest frame read into a buffer of its declared size.
const smallFrame = 64 << 10

func bodyError(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the frame had started
	}
	return fmt.Errorf("read frame body: %w", err)
}
