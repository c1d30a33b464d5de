package backup

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cofferhq/coffer/agent/transfer"
)

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// firstError keeps the first error it is given, from any goroutine.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

func (f *firstError) failure() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// sinkWriter feeds the sink, counting what it accepts and keeping its first
// error, so that a failure is blamed on storage however the layers above
// wrap it. The compressor writes from its own goroutine.
type sinkWriter struct {
	sink transfer.Sink
	n    *atomic.Int64
	firstError
}

func (s *sinkWriter) Write(p []byte) (int, error) {
	n, err := s.sink.Write(p)
	s.n.Add(int64(n))
	if err != nil {
		s.fail(err)
	}
	return n, err
}

// close stores what was written; its error is the sink's too.
func (s *sinkWriter) close() error {
	err := s.sink.Close()
	if err != nil {
		s.fail(err)
	}
	return err
}

// readRecorder counts the bytes read through it and keeps the first error
// other than the end of the stream, so that a failure deep in a pipeline
// can be traced to its layer. The decompressor reads from its own
// goroutine.
type readRecorder struct {
	r io.Reader
	n *atomic.Int64
	firstError
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	if err != nil && !errors.Is(err, io.EOF) {
		r.fail(err)
	}
	return n, err
}
