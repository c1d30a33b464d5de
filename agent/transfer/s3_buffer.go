package transfer

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// partBuffer holds one part from its first byte until it is stored, in
// memory or in an unlinked file.
type partBuffer interface {
	// fill appends as much of p as keeps the part within size bytes and
	// returns how much that was.
	fill(p []byte, size int64) (int, error)
	// size is the number of bytes held.
	size() int64
	// body returns a new reader of the whole part, for one attempt at
	// sending it. Readers do not share an offset, so an abandoned attempt
	// cannot disturb the next.
	body() io.Reader
	// reset empties the buffer for the next part.
	reset() error
	// release frees what the buffer holds; it is not used again.
	release() error
}

// memPart is a part in memory.
type memPart struct{ b []byte }

func newMemPart(size int64) *memPart { return &memPart{b: make([]byte, 0, size)} }

func (m *memPart) fill(p []byte, size int64) (int, error) {
	n := copy(m.b[len(m.b):size], p)
	m.b = m.b[:len(m.b)+n]
	return n, nil
}

func (m *memPart) size() int64     { return int64(len(m.b)) }
func (m *memPart) body() io.Reader { return bytes.NewReader(m.b) }
func (m *memPart) reset() error    { m.b = m.b[:0]; return nil }
func (m *memPart) release() error  { m.b = nil; return nil }

// filePart is a part in a file that has no name: it is removed as soon as
// it is created, so nothing is left behind however the agent stops.
type filePart struct {
	f   *os.File
	dir string
	n   int64
}

func newFilePart(dir string) (*filePart, error) {
	f, err := os.CreateTemp(dir, ".coffer-part-*")
	if err != nil {
		return nil, fmt.Errorf("create part file in %s: %w", dir, err)
	}
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("unlink part file: %w", err)
	}
	return &filePart{f: f, dir: dir}, nil
}

func (p *filePart) fill(b []byte, size int64) (int, error) {
	b = b[:min(int64(len(b)), size-p.n)]
	n, err := p.f.Write(b)
	p.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("write part file in %s: %w", p.dir, err)
	}
	return n, nil
}

func (p *filePart) size() int64     { return p.n }
func (p *filePart) body() io.Reader { return io.NewSectionReader(p.f, 0, p.n) }

// reset truncates the file, which also drops its pages from the cache.
func (p *filePart) reset() error {
	p.n = 0
	if err := p.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate part file: %w", err)
	}
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind part file: %w", err)
	}
	return nil
}

func (p *filePart) release() error { return p.f.Close() }
