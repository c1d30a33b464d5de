package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// Downloader reads stored objects back for restores.
type Downloader struct {
	// Client sends the requests; the default bounds the wait for each
	// response.
	Client *http.Client
	// Retry bounds the retries of each request, and of each resumption
	// after the body broke off.
	Retry RetryPolicy
	// StallTimeout is how long a read may wait for the next bytes before
	// the connection counts as broken and is reopened where it stopped;
	// zero means two minutes.
	StallTimeout time.Duration
}

// defaultStallTimeout matches the wait for a response's headers.
const defaultStallTimeout = responseHeaderTimeout

// Download reads an object through a presigned URL with default settings.
func Download(ctx context.Context, get protocol.PresignedGet) (io.ReadCloser, error) {
	return Downloader{}.Download(ctx, get)
}

// Download starts reading an object. When the connection breaks off, the
// reader asks again from where it stopped, so a long restore survives
// network trouble. The body must match get.Size, if known, or reading
// ends in ErrIncomplete.
func (d Downloader) Download(ctx context.Context,
	get protocol.PresignedGet) (io.ReadCloser, error) {
	if d.Client == nil {
		d.Client = defaultClient
	}
	d.Retry = d.Retry.withDefaults()
	if d.StallTimeout <= 0 {
		d.StallTimeout = defaultStallTimeout
	}

	r := &download{ctx: ctx, d: d, get: get}
	if err := r.open(); err != nil {
		return nil, fmt.Errorf("download object: %w", err)
	}
	return r, nil
}

// OpenLocal opens <dir>/<key> of a local target for a restore.
func OpenLocal(target protocol.LocalTarget, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	root, err := openTarget(target)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	defer root.Close() // the file stays open without the root

	f, err := root.Open(key)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", key, newError(ErrNotFound, err.Error()))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}

	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = newError(ErrRejected, "not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	return f, nil
}
