package transfer

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/cofferhq/coffer/protocol"
)

// Defaults and limits of S3Sink.
const (
	// DefaultConcurrency is how many parts are uploaded at once.
	DefaultConcurrency = 2
	// DefaultURLBatch is how many part URLs are asked for at once.
	DefaultURLBatch = 16

	maxPartSize = 5 << 30
	maxParts    = 10000
)

// S3SinkOptions configure an S3Sink.
type S3SinkOptions struct {
	// Plan gives the part size and the number of parts allowed. Every
	// part but the last has exactly Plan.PartSize bytes.
	Plan protocol.UploadPlan
	// URLs are presigned parts handed over with the job; they may be few
	// or none.
	URLs []protocol.PresignedPart
	// NextURLs is asked for more URLs when the sink runs out of them or
	// holds only stale ones.
	NextURLs NextURLsFunc
	// Progress, if set, receives the number of bytes stored so far after
	// each part. Calls come one at a time, from the sink's goroutines.
	Progress func(uploaded int64)
	// Concurrency is the number of parts uploaded at once; default 2.
	Concurrency int
	// URLBatch is the number of URLs asked for at once; default 16.
	URLBatch int32
	// Retry bounds the retries of each part.
	Retry RetryPolicy
	// Client sends the requests; the default bounds the wait for each
	// response.
	Client *http.Client
	// SpoolDir, if set, holds the parts in files instead of memory; it
	// needs (Concurrency+1) × PartSize bytes free.
	SpoolDir string
}

// S3Sink uploads a stream as the parts of a multipart upload that the
// control plane created and will complete, using the presigned URLs it
// hands out. The agent never holds a storage key.
//
// The sink holds one part being filled and at most Concurrency parts being
// sent, so up to (Concurrency+1) × PartSize bytes: in memory, or in files
// in SpoolDir. A stream must fit in the provider's part limit, so a large
// stream has large parts; with SpoolDir set, memory stays the same however
// large the stream.
type S3Sink struct {
	opts S3SinkOptions
	urls *partURLs

	ctx    context.Context // ends the uploads on failure or Abort
	cancel context.CancelFunc
	wg     sync.WaitGroup

	slots chan struct{}   // one token per part being sent
	free  chan partBuffer // buffers of sent parts, for reuse
	made  []partBuffer    // every buffer made, to release at the end
	spool bool            // parts go to files, not memory

	cur    partBuffer // the part being filled; nil before its first byte
	next   int32      // number of the part being filled
	closed bool

	mu       sync.Mutex
	err      error // first failure of any upload
	receipts []protocol.PartReceipt
	uploaded int64

	// progressMu keeps Progress calls in order without holding mu, so
	// that the callback may call the sink.
	progressMu sync.Mutex
}

var _ Sink = (*S3Sink)(nil)

// NewS3Sink returns a sink for one multipart upload. Cancelling ctx stops
// it; the control plane then aborts the upload.
func NewS3Sink(ctx context.Context, opts S3SinkOptions) (*S3Sink, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	return &S3Sink{
		opts: opts,
		urls: newPartURLs(opts.URLs, opts.NextURLs, opts.URLBatch,
			int32(opts.Plan.MaxParts)),
		ctx:    ctx,
		cancel: cancel,
		slots:  make(chan struct{}, opts.Concurrency),
		free:   make(chan partBuffer, opts.Concurrency+1),
		spool:  opts.SpoolDir != "",
		next:   1,
	}, nil
}

func (o S3SinkOptions) withDefaults() (S3SinkOptions, error) {
	if o.Plan.PartSize <= 0 || o.Plan.PartSize > maxPartSize ||
		o.Plan.MaxParts <= 0 || o.Plan.MaxParts > maxParts {
		return o, fmt.Errorf("check upload plan of %d parts of %d bytes: %w",
			o.Plan.MaxParts, o.Plan.PartSize,
			newError(ErrRejected, "out of range"))
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.URLBatch <= 0 {
		o.URLBatch = DefaultURLBatch
	}
	if o.Client == nil {
		o.Client = defaultClient
	}
	return o, nil
}

// Write copies p into the current part and hands full parts to an upload.
// It blocks while Concurrency parts are already being sent.
func (s *S3Sink) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if err := s.usable(); err != nil {
			return written, err
		}
		if s.cur == nil {
			buf, err := s.takeBuffer()
			if err != nil {
				// A part lost here must not let Close succeed.
				s.fail(err)
				return written, err
			}
			s.cur = buf
		}

		n, err := s.cur.fill(p, s.opts.Plan.PartSize)
		written += n
		p = p[n:]
		if err != nil {
			s.fail(err)
			return written, err
		}

		if s.cur.size() == s.opts.Plan.PartSize {
			if err := s.dispatch(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// Close sends the last part and waits for every upload. An empty stream
// becomes one empty part, since an upload needs at least one.
func (s *S3Sink) Close() error {
	if s.closed {
		return ErrClosed
	}
	defer s.finish()

	if s.usable() == nil && (s.cur != nil || s.next == 1) {
		if err := s.dispatch(); err != nil {
			s.fail(err)
		}
	}
	s.wg.Wait()

	// A cancelled context may have stopped a dispatch without any upload
	// failing; the stream is incomplete all the same.
	if err := s.ctx.Err(); err != nil {
		s.fail(err)
	}
	return s.failure()
}

// Abort stops the uploads and waits for them to end. The parts already
// stored stay until the control plane aborts the upload; the agent holds
// no key that could.
func (s *S3Sink) Abort() error {
	if !s.closed {
		s.fail(ErrClosed)
		s.finish()
	}
	return nil
}

// finish waits for the uploads and releases every buffer, closing the
// part files.
func (s *S3Sink) finish() {
	s.wg.Wait()
	s.cancel()
	s.closed = true
	s.cur = nil
	for _, buf := range s.made {
		_ = buf.release()
	}
	s.made = nil
}

// Receipts returns the stored parts in order once Close has succeeded,
// for the control plane to complete the upload with.
func (s *S3Sink) Receipts() []protocol.PartReceipt {
	s.mu.Lock()
	defer s.mu.Unlock()

	if !s.closed || s.err != nil {
		return nil
	}
	receipts := slices.Clone(s.receipts)
	slices.SortFunc(receipts, func(a, b protocol.PartReceipt) int {
		return int(a.Number) - int(b.Number)
	})
	return receipts
}
