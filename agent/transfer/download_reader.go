package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// download is the body of an object being read, reopened with a range
// request from the current offset when the connection breaks.
type download struct {
	ctx  context.Context
	d    Downloader
	get  protocol.PresignedGet
	body io.ReadCloser

	offset   int64
	failures int // breaks since the last byte read
	closed   bool
}

func (r *download) Read(p []byte) (int, error) {
	for {
		if r.closed {
			return 0, ErrClosed
		}
		if r.body == nil {
			if err := r.open(); err != nil {
				return 0, fmt.Errorf("resume download at %d: %w", r.offset, err)
			}
		}

		n, err := r.readBody(p)
		r.offset += int64(n)
		if err = r.check(n, err); err != errBroken {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
		if err := wait(r.ctx, r.d.Retry.delay(r.failures-1)); err != nil {
			return 0, err
		}
	}
}

// readBody reads from the body, closing it if no byte comes within the
// stall timeout: a connection that went silent then counts as broken and
// is reopened where it stopped, instead of holding the restore forever.
func (r *download) readBody(p []byte) (int, error) {
	body := r.body
	stall := time.AfterFunc(r.d.StallTimeout, func() { _ = body.Close() })
	n, err := body.Read(p)
	if !stall.Stop() && err != nil {
		// Whatever the closed body answered, even io.EOF, the object
		// did not end here.
		err = fmt.Errorf("no data for %s", r.d.StallTimeout)
	}
	return n, err
}

// errBroken marks a body that broke off and should be reopened.
var errBroken = errors.New("connection broke off")

// check judges one read: the end must come at the recorded size, and a
// broken connection is retried while the attempts last.
func (r *download) check(n int, err error) error {
	size := r.get.Size
	switch {
	case size > 0 && r.offset > size:
		return newError(ErrIncomplete, fmt.Sprintf("more than %d bytes", size))
	case errors.Is(err, io.EOF):
		if size > 0 && r.offset != size {
			return newError(ErrIncomplete, fmt.Sprintf("%d of %d bytes", r.offset, size))
		}
		return io.EOF
	case err == nil:
		if n > 0 {
			r.failures = 0
		}
		return nil
	case r.ctx.Err() != nil:
		return r.ctx.Err()
	}

	_ = r.body.Close()
	r.body = nil
	r.failures++
	if r.failures >= r.d.Retry.Attempts {
		return newError(ErrUnavailable, fmt.Sprintf("read at %d: %v", r.offset, err))
	}
	return errBroken
}

func (r *download) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.body != nil {
		return r.body.Close()
	}
	return nil
}

// open requests the object from the current offset, retrying transient
// failures.
func (r *download) open() error {
	body, err := retry(r.ctx, r.d.Retry, r.request)
	if err != nil {
		return err
	}
	r.body = body
	return nil
}

func (r *download) request() (io.ReadCloser, error) {
	req, err := newRequest(r.ctx, http.MethodGet, r.get.URL, r.get.Headers, nil)
	if err != nil {
		return nil, err
	}
	want := http.StatusOK
	if r.offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(r.offset, 10)+"-")
		want = http.StatusPartialContent
	}

	resp, err := r.d.Client.Do(req)
	if err != nil {
		return nil, sendError(r.ctx, err)
	}
	if resp.StatusCode != want {
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			drainAndClose(resp.Body)
			return nil, newError(ErrRejected, "range request answered with "+resp.Status)
		}
		return nil, statusError(resp)
	}

	if size := r.get.Size; size > 0 && resp.ContentLength >= 0 &&
		r.offset+resp.ContentLength != size {
		drainAndClose(resp.Body)
		return nil, newError(ErrIncomplete,
			fmt.Sprintf("%d bytes offered, %d recorded", r.offset+resp.ContentLength, size))
	}
	return resp.Body, nil
}
