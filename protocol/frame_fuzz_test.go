package protocol_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/cofferhq/coffer/protocol"
)

// decodeSlack is what decoding may need besides the frame buffer and copies
// of the bytes that really arrived. It is mostly the JSON scanner's stack,
// about 370 KiB at encoding/json's nesting limit of 10000.
const decodeSlack = 512 << 10

// FuzzReadFrame feeds a peer's bytes to ReadFrame. Whatever arrives, reading
// must not panic, and the length prefix alone must not buy more memory than
// MaxFrameSize: anything beyond that has to be paid for with real bytes.
// The seed corpus is in testdata/fuzz/FuzzReadFrame; its frames stay small
// (see TestReadFrameDeepNesting for why).
func FuzzReadFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		limit := allocLimit(data)

		var h protocol.Header
		allocated, errHeader := measureAlloc(func() error {
			return protocol.ReadFrame(bytes.NewReader(data), &h)
		})
		if allocated > limit {
			t.Errorf("ReadFrame into Header allocated %d bytes, want at most %d",
				allocated, limit)
		}
		checkFrameError(t, data, errHeader)

		var m protocol.Message
		allocated, errMessage := measureAlloc(func() error {
			return protocol.ReadFrame(bytes.NewReader(data), &m)
		})
		if allocated > limit {
			t.Errorf("ReadFrame into Message allocated %d bytes, want at most %d",
				allocated, limit)
		}
		checkFrameError(t, data, errMessage)

		// What was accepted from a peer must be sendable again.
		if errMessage == nil {
			err := protocol.WriteFrame(io.Discard, m)
			if err != nil && !errors.Is(err, protocol.ErrFrameTooLarge) {
				t.Errorf("WriteFrame of decoded message: got %v, want nil", err)
			}
		}
	})
}

// measureAlloc runs fn and returns the bytes allocated on the heap meanwhile
// and fn's error. ReadMemStats flushes the per-P caches, so the count is
// exact rather than per span.
func measureAlloc(fn func() error) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// allocLimit is the most that reading a frame from data may allocate: the
// body buffer its length prefix claims within MaxFrameSize, copies of the
// bytes that really arrived, and the decoder's slack.
func allocLimit(data []byte) uint64 {
	limit := 4*uint64(len(data)) + decodeSlack
	if len(data) < 4 {
		return limit
	}
	if n := binary.BigEndian.Uint32(data); n <= protocol.MaxFrameSize {
		limit += uint64(n)
	}
	return limit
}

// checkFrameError checks the error ReadFrame returned against what the
// framing of data alone says it must be.
func checkFrameError(t *testing.T, data []byte, err error) {
	t.Helper()
	switch {
	case len(data) == 0:
		if err != io.EOF {
			t.Errorf("empty input: got %v, want %v", err, io.EOF)
		}
	case len(data) < 4:
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%d-byte input: got %v, want %v", len(data), err, io.ErrUnexpectedEOF)
		}
	default:
		n := binary.BigEndian.Uint32(data)
		switch {
		case n > protocol.MaxFrameSize:
			if !errors.Is(err, protocol.ErrFrameTooLarge) {
				t.Errorf("prefix %d: got %v, want %v", n, err, protocol.ErrFrameTooLarge)
			}
		case uint64(n) > uint64(len(data)-4):
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("prefix %d with %d body bytes: got %v, want %v",
					n, len(data)-4, err, io.ErrUnexpectedEOF)
			}
		}
	}
}
