package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// Local is a Target in a directory the control plane can reach itself,
// such as a disk shared with a single host's agent. Agents write there
// directly, so nothing is presigned: those methods report
// errors.ErrUnsupported.
type Local struct {
	dir string
}

var _ Target = (*Local)(nil)

// tempPrefix marks files being written; List skips them.
const tempPrefix = ".coffer-tmp-"

// NewLocal returns a target rooted at dir, which must be an absolute path.
// It does not touch the file system; Probe does.
func NewLocal(dir string) (*Local, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("configure local target %q: not absolute: %w",
			dir, ErrInvalidConfig)
	}
	return &Local{dir: filepath.Clean(dir)}, nil
}

// Probe writes, reads back and deletes a small file in the directory.
func (l *Local) Probe(ctx context.Context) error {
	key := ".coffer-probe-" + randomHex(8)
	if err := l.Put(ctx, key, []byte("coffer storage probe\n")); err != nil {
		return fmt.Errorf("write probe object: %w", err)
	}
	if _, _, err := l.Head(ctx, key); err != nil {
		return fmt.Errorf("read probe object: %w", err)
	}
	if err := l.Delete(ctx, key); err != nil {
		return fmt.Errorf("delete probe object: %w", err)
	}
	return nil
}

// CreateUpload is not supported: agents write local targets directly.
func (l *Local) CreateUpload(context.Context, string) (string, error) {
	return "", fmt.Errorf("create upload on local target: %w", errors.ErrUnsupported)
}

// PresignParts is not supported: agents write local targets directly.
func (l *Local) PresignParts(context.Context, string, string, int32, int32,
	time.Duration) ([]protocol.PresignedPart, error) {
	return nil, fmt.Errorf("presign parts on local target: %w", errors.ErrUnsupported)
}

// CompleteUpload is not supported: agents write local targets directly.
func (l *Local) CompleteUpload(context.Context, string, string, []protocol.PartReceipt) error {
	return fmt.Errorf("complete upload on local target: %w", errors.ErrUnsupported)
}

// AbortUpload is not supported: agents write local targets directly.
func (l *Local) AbortUpload(context.Context, string, string) error {
	return fmt.Errorf("abort upload on local target: %w", errors.ErrUnsupported)
}

// PresignGet is not supported: agents read local targets directly.
func (l *Local) PresignGet(context.Context, string, time.Duration) (protocol.PresignedGet, error) {
	return protocol.PresignedGet{}, fmt.Errorf("presign get on local target: %w",
		errors.ErrUnsupported)
}

// openRoot opens the directory so that no key can reach outside it, even
// through a symbolic link.
func (l *Local) openRoot() (*os.Root, error) {
	root, err := os.OpenRoot(l.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, newError(ErrBucketNotFound, err.Error())
	}
	if err != nil {
		return nil, classifyFile(err)
	}
	return root, nil
}

// checkLocalKey accepts relative slash-separated keys without empty, "."
// or ".." segments.
func checkLocalKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") ||
		path.Clean(key) != key || key == ".." || strings.HasPrefix(key, "../") {
		return fmt.Errorf("check key %q: %w", key, ErrInvalidKey)
	}
	return nil
}

// classifyFile maps file system errors to this package's sentinels.
func classifyFile(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return newError(ErrNotFound, err.Error())
	case errors.Is(err, fs.ErrPermission):
		return newError(ErrAccessDenied, err.Error())
	default:
		return newError(ErrRejected, err.Error())
	}
}
