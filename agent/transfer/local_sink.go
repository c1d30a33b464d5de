package transfer

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cofferhq/coffer/protocol"
)

// LocalSink writes a stream to <dir>/<key>. It writes to a temporary file
// in the same directory and renames it into place only on Close, so a
// file under the final name is always complete.
type LocalSink struct {
	root *os.Root
	key  string
	tmp  string
	file *os.File
	done bool
	err  error // a failed write, which makes Close fail too
}

var _ Sink = (*LocalSink)(nil)

// tempPrefix marks files still being written.
const tempPrefix = ".coffer-tmp-"

// NewLocalSink starts writing key under the target's directory. The
// directory must exist: creating it could hide an unmounted backup disk
// and fill the host's root file system instead. Directories inside it
// are created as needed.
func NewLocalSink(target protocol.LocalTarget, key string) (*LocalSink, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	root, err := openTarget(target)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}

	dir := path.Dir(key)
	if err := root.MkdirAll(dir, 0o750); err != nil {
		root.Close()
		return nil, fmt.Errorf("create directory of %s: %w", key, err)
	}

	tmp := path.Join(dir, tempPrefix+randomHex(8))
	file, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("create temporary file for %s: %w", key, err)
	}
	return &LocalSink{root: root, key: key, tmp: tmp, file: file}, nil
}

// Write appends to the temporary file.
func (s *LocalSink) Write(p []byte) (int, error) {
	if s.done {
		return 0, ErrClosed
	}
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.file.Write(p)
	if err != nil {
		s.err = fmt.Errorf("write %s: %w", s.key, err)
		return n, s.err
	}
	return n, nil
}

// Close flushes the file to disk and renames it into place. On failure
// the temporary file is removed.
func (s *LocalSink) Close() error {
	if s.done {
		return ErrClosed
	}
	s.done = true
	defer s.root.Close()

	if err := s.commit(); err != nil {
		_ = s.root.Remove(s.tmp)
		return fmt.Errorf("store %s: %w", s.key, err)
	}
	return nil
}

func (s *LocalSink) commit() error {
	if s.err != nil {
		_ = s.file.Close()
		return s.err
	}

	err := s.file.Sync()
	if closeErr := s.file.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}

	if err := s.root.Rename(s.tmp, s.key); err != nil {
		return err
	}
	return syncDir(s.root, path.Dir(s.key))
}

// Abort removes the temporary file.
func (s *LocalSink) Abort() error {
	if s.done {
		return nil
	}
	s.done = true
	defer s.root.Close()

	_ = s.file.Close()
	if err := s.root.Remove(s.tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove partial %s: %w", s.key, err)
	}
	return nil
}

// openTarget opens the directory so that no key can reach outside it,
// not even through a symbolic link.
func openTarget(target protocol.LocalTarget) (*os.Root, error) {
	if !filepath.IsAbs(target.Dir) {
		return nil, fmt.Errorf("check directory %q: %w", target.Dir,
			newError(ErrRejected, "not an absolute path"))
	}
	return os.OpenRoot(target.Dir)
}

// checkKey accepts relative slash-separated keys without empty, "." or
// ".." segments.
func checkKey(key string) error {
	if key == "" || key == "." || path.Clean(key) != key || path.IsAbs(key) ||
		strings.Contains(key, `\`) || !filepath.IsLocal(filepath.FromSlash(key)) {
		return fmt.Errorf("check key %q: %w", key, ErrInvalidKey)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
