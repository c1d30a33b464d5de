package archive

import (
	"errors"
	"io"
	"sync"
)

// errWriterClosed is returned by writes after Close.
var errWriterClosed = errors.New("write to closed compressor")

// frameWriter compresses its input as a run of independent zstd frames of
// frameSize input bytes each, several frames at once, and writes them out
// in order. The zstd format allows any number of frames one after another
// and every decoder, the zstd command included, reads them back as one
// stream; the cost is that no match reaches back across a frame boundary.
//
// Memory is bounded by the frames in flight: workers+1 input buffers and as
// many output buffers, plus one encoder per worker. The caller's goroutine
// writes the finished frames to w, so w needs no locking.
type frameWriter struct {
	w         io.Writer
	frameSize int
	workers   int

	todo    chan *frame // frames for the workers
	wg      sync.WaitGroup
	pending []*frame // sent to the workers, oldest first
	spare   []*frame // written out, ready to be filled again
	made    int      // frames allocated, at most workers+1
	cur     *frame   // being filled; nil until the next byte arrives

	err    error // first failure; every later call returns it
	closed bool
}

// frame is one frame's input and, once a worker is done, its output or
// the reason there is none.
type frame struct {
	in   []byte
	out  []byte
	err  error
	done chan struct{}
}

// newFrameWriter starts workers goroutines, each with an encoder of its
// own from newEnc, so that no encoder is shared.
func newFrameWriter(w io.Writer, newEnc func() (frameEncoder, error), frameSize,
	workers int) (*frameWriter, error) {
	encs := make([]frameEncoder, workers)
	for i := range encs {
		enc, err := newEnc()
		if err != nil {
			return nil, err
		}
		encs[i] = enc
	}

	f := &frameWriter{
		w:         w,
		frameSize: frameSize,
		workers:   workers,
		todo:      make(chan *frame, workers),
	}
	f.wg.Add(workers)
	for _, enc := range encs {
		go f.work(enc)
	}
	return f, nil
}

// work compresses frames with enc until the writer closes.
func (f *frameWriter) work(enc frameEncoder) {
	defer f.wg.Done()
	for fr := range f.todo {
		fr.out, fr.err = enc.encodeFrame(fr.out[:0], fr.in)
		fr.done <- struct{}{}
	}
}

// Write fills frames and hands each full one to a worker. It blocks while
// every worker is busy and the oldest frame is not yet written out.
func (f *frameWriter) Write(p []byte) (int, error) {
	if f.closed {
		return 0, errWriterClosed
	}
	written := 0
	for len(p) > 0 {
		if f.err != nil {
			return written, f.err
		}
		if f.cur == nil {
			if f.cur = f.take(); f.cur == nil {
				return written, f.err
			}
		}
		n := copy(f.cur.in[len(f.cur.in):f.frameSize], p)
		f.cur.in = f.cur.in[:len(f.cur.in)+n]
		p = p[n:]
		written += n
		if len(f.cur.in) == f.frameSize {
			f.send()
		}
	}
	return written, nil
}

// Close compresses what is left, writes every frame out and stops the
// workers. It does not close the underlying writer. A stream with no input
// still gets one empty frame, so that it is a valid zstd stream.
func (f *frameWriter) Close() error {
	if f.closed {
		return f.err
	}
	f.closed = true

	// No frame was ever taken when no byte came in.
	if f.err == nil && (f.cur != nil || f.made == 0) {
		if f.cur == nil {
			f.cur = f.take()
		}
		if f.cur != nil {
			f.send()
		}
	}
	for len(f.pending) > 0 {
		f.writeOldest()
	}
	close(f.todo)
	f.wg.Wait()
	return f.err
}

// send hands the frame being filled to the workers.
func (f *frameWriter) send() {
	f.pending = append(f.pending, f.cur)
	f.todo <- f.cur
	f.cur = nil
}

// take returns an empty frame to fill. Frames that are already compressed
// are written out first, so that output flows while input still arrives.
// It returns nil once writing has failed.
func (f *frameWriter) take() *frame {
	for len(f.pending) > 0 && f.oldestDone() {
		f.writeOldest()
	}
	if len(f.spare) == 0 && f.made == f.workers+1 {
		f.writeOldest()
	}
	if f.err != nil {
		return nil
	}

	if n := len(f.spare); n > 0 {
		fr := f.spare[n-1]
		f.spare = f.spare[:n-1]
		fr.in = fr.in[:0]
		return fr
	}
	f.made++
	return &frame{
		in:   make([]byte, 0, f.frameSize),
		out:  make([]byte, 0, f.frameSize+f.frameSize/64+64),
		done: make(chan struct{}, 1),
	}
}

// oldestDone reports, without waiting, whether the oldest pending frame is
// compressed. A frame found done is marked so by leaving a token for
// writeOldest.
func (f *frameWriter) oldestDone() bool {
	select {
	case <-f.pending[0].done:
		f.pending[0].done <- struct{}{}
		return true
	default:
		return false
	}
}

// writeOldest waits for the oldest pending frame and writes it to w. After
// a failure the frame is only waited for, so that no worker still uses it.
func (f *frameWriter) writeOldest() {
	fr := f.pending[0]
	f.pending = f.pending[1:]
	<-fr.done

	if f.err == nil {
		f.err = fr.err
	}
	if f.err == nil {
		if _, err := f.w.Write(fr.out); err != nil {
			f.err = err
		}
	}
	f.spare = append(f.spare, fr)
}
