package transfer

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/cofferhq/coffer/protocol"
)

// usable reports why the sink takes no more data, if it does not.
func (s *S3Sink) usable() error {
	if s.closed {
		return ErrClosed
	}
	return s.failure()
}

func (s *S3Sink) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// fail records the first failure and stops the other uploads.
func (s *S3Sink) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.cancel()
}

// takeBuffer returns an empty part buffer: a reused one if an upload has
// finished with it, a new one while fewer than Concurrency+1 exist.
func (s *S3Sink) takeBuffer() (partBuffer, error) {
	select {
	case buf := <-s.free:
		return buf, buf.reset()
	default:
	}

	if len(s.made) <= s.opts.Concurrency {
		return s.newBuffer()
	}
	select {
	case buf := <-s.free:
		return buf, buf.reset()
	case <-s.ctx.Done():
		return nil, s.stopped()
	}
}

func (s *S3Sink) newBuffer() (partBuffer, error) {
	if !s.spool {
		buf := newMemPart(s.opts.Plan.PartSize)
		s.made = append(s.made, buf)
		return buf, nil
	}
	buf, err := newFilePart(s.opts.SpoolDir)
	if err != nil {
		return nil, err
	}
	s.made = append(s.made, buf)
	return buf, nil
}

// dispatch starts the upload of the current part once a slot is free.
func (s *S3Sink) dispatch() error {
	n := s.next
	if int(n) > s.opts.Plan.MaxParts {
		err := fmt.Errorf("start part %d: %w", n, ErrTooManyParts)
		s.fail(err)
		return err
	}

	select {
	case s.slots <- struct{}{}:
	case <-s.ctx.Done():
		return s.stopped()
	}

	buf := s.cur
	if buf == nil {
		// An empty stream still needs one part, an empty one.
		buf = &memPart{}
	}
	s.cur = nil
	s.next++
	s.wg.Add(1)
	go s.upload(n, buf)
	return nil
}

// stopped explains why the sink's context ended.
func (s *S3Sink) stopped() error {
	if err := s.failure(); err != nil {
		return err
	}
	return s.ctx.Err()
}

// upload sends one part, retrying transient failures, and records its
// receipt. The buffer and the slot are given back either way.
func (s *S3Sink) upload(n int32, buf partBuffer) {
	defer s.wg.Done()
	defer func() {
		s.free <- buf
		<-s.slots
	}()

	etag, err := retry(s.ctx, s.opts.Retry, func() (string, error) {
		return s.putPart(n, buf)
	})
	if err != nil {
		s.fail(fmt.Errorf("upload part %d: %w", n, err))
		return
	}
	s.urls.done(n)
	s.record(protocol.PartReceipt{Number: n, ETag: etag, Size: buf.size()})
}

// record keeps a receipt and reports progress.
func (s *S3Sink) record(receipt protocol.PartReceipt) {
	s.progressMu.Lock()
	defer s.progressMu.Unlock()

	s.mu.Lock()
	s.receipts = append(s.receipts, receipt)
	s.uploaded += receipt.Size
	uploaded := s.uploaded
	s.mu.Unlock()

	if s.opts.Progress != nil {
		s.opts.Progress(uploaded)
	}
}

// putPart makes one attempt at sending a part. The URL is fetched anew on
// each attempt, since a long series of retries may outlive it.
func (s *S3Sink) putPart(n int32, buf partBuffer) (string, error) {
	part, err := s.urls.get(s.ctx, n)
	if err != nil {
		return "", err
	}
	return putOnce(s.ctx, s.opts.Client, part, buf)
}

func putOnce(ctx context.Context, client *http.Client,
	part protocol.PresignedPart, buf partBuffer) (string, error) {
	req, err := newRequest(ctx, http.MethodPut, part.URL, part.Headers, buf.body())
	if err != nil {
		return "", err
	}
	req.ContentLength = buf.size()
	// The transport may resend a request on a connection that turned out
	// closed; it needs a fresh body for that.
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(buf.body()), nil }

	resp, err := client.Do(req)
	if err != nil {
		return "", sendError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", statusError(resp)
	}
	drainAndClose(resp.Body)

	etag := resp.Header.Get("ETag")
	if etag == "" {
		return "", newError(ErrRejected, "response carries no ETag")
	}
	return etag, nil
}
