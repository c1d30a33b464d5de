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

// sinkWriter feeds the sink, counting what it accepts and keeping its first
// error, so that a failure is blamed on storage however the layers above
// wrap it. The compressor writes from its own goroutine, hence the lock.
type sinkWriter struct {
	sink transfer.Sink
	n    *atomic.Int64

	mu  sync.Mutex
	err error
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

func (s *sinkWriter) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *sinkWriter) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// readRecorder counts the bytes read through it and keeps the first error
// other than the end of the stream, so that a failure deep in a pipeline
// can be traced to its layer. The decompressor reads from its own
// goroutine, hence the lock.
type readRecorder struct {
	r io.Reader
	n *atomic.Int64

	mu  sync.Mutex
	err error
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	if err != nil && !errors.Is(err, io.EOF) {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
	}
	return n, err
}

func (r *readRecorder) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
