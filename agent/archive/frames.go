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
// Three kinds of goroutine share the work, so that none waits on another
// while there is something to do: the caller fills frames, the workers
// compress them, and one output goroutine writes them to w in order. The
// output side is where a backup hashes and uploads, which would otherwise
// hold up the reading of files.
//
// Memory is bounded by the frames in flight: workers+2 input buffers and as
// many output buffers, plus one encoder per worker.
type frameWriter struct {
	w         io.Writer
	frameSize int
	maxFrames int

	todo    chan *frame // filled frames, for the workers
	ordered chan *frame // the same frames in input order, for the output
	spare   chan *frame // frames written out, to be filled again
	workers sync.WaitGroup
	outDone chan struct{} // closed once the output goroutine returned

	made int    // frames allocated, at most maxFrames
	cur  *frame // being filled; nil until the next byte arrives

	mu  sync.Mutex
	err error // first failure of a worker or of w; every later call returns it

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

	// No channel can fill up: each holds at most every frame there is.
	maxFrames := workers + 2
	f := &frameWriter{
		w:         w,
		frameSize: frameSize,
		maxFrames: maxFrames,
		todo:      make(chan *frame, maxFrames),
		ordered:   make(chan *frame, maxFrames),
		spare:     make(chan *frame, maxFrames),
		outDone:   make(chan struct{}),
	}
	f.workers.Add(workers)
	for _, enc := range encs {
		go f.work(enc)
	}
	go f.output()
	return f, nil
}

// work compresses frames with enc until the writer closes.
func (f *frameWriter) work(enc frameEncoder) {
	defer f.workers.Done()
	for fr := range f.todo {
		fr.out, fr.err = enc.encodeFrame(fr.out[:0], fr.in)
		fr.done <- struct{}{}
	}
}

// output writes the compressed frames to w in input order. After a failure
// the frames are only waited for and handed back, so that the caller never
// waits for a frame that cannot come.
func (f *frameWriter) output() {
	defer close(f.outDone)
	for fr := range f.ordered {
		<-fr.done
		if f.failure() == nil {
			err := fr.err
			if err == nil {
				_, err = f.w.Write(fr.out)
			}
			if err != nil {
				f.fail(err)
			}
		}
		f.spare <- fr
	}
}

// Write fills frames and hands each full one to the workers. It blocks
// while every frame is compressing or waiting to be written out.
func (f *frameWriter) Write(p []byte) (int, error) {
	if f.closed {
		return 0, errWriterClosed
	}
	written := 0
	for len(p) > 0 {
		if err := f.failure(); err != nil {
			return written, err
		}
		if f.cur == nil {
			f.cur = f.take()
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
// goroutines. It does not close the underlying writer. A stream with no
// input still gets one empty frame, so that it is a valid zstd stream.
func (f *frameWriter) Close() error {
	if f.closed {
		return f.failure()
	}
	f.closed = true

	// No frame was ever taken when no byte came in.
	if f.failure() == nil && (f.cur != nil || f.made == 0) {
		if f.cur == nil {
			f.cur = f.take()
		}
		f.send()
	}
	close(f.todo)
	close(f.ordered)
	f.workers.Wait()
	<-f.outDone
	return f.failure()
}

// send hands the frame being filled to the workers and, in its turn, to
// the output.
func (f *frameWriter) send() {
	f.ordered <- f.cur
	f.todo <- f.cur
	f.cur = nil
}

// take returns an empty frame to fill: one written out already, or a new
// one while fewer than maxFrames exist. Otherwise it waits for the output
// to hand one back, which it always does, failed or not.
func (f *frameWriter) take() *frame {
	var fr *frame
	select {
	case fr = <-f.spare:
	default:
		if f.made < f.maxFrames {
			f.made++
			return &frame{
				in:   make([]byte, 0, f.frameSize),
				out:  make([]byte, 0, f.frameSize+f.frameSize/64+64),
				done: make(chan struct{}, 1),
			}
		}
		fr = <-f.spare
	}
	fr.in, fr.err = fr.in[:0], nil
	return fr
}

func (f *frameWriter) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
	}
}

func (f *frameWriter) failure() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
