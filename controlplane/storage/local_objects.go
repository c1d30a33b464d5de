package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Put writes the object through a temporary file in the same directory
// and renames it into place, so a crash never leaves a partial object
// under the final name.
func (l *Local) Put(_ context.Context, key string, body []byte) error {
	if err := checkLocalKey(key); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	root, err := l.openRoot()
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer root.Close()

	if err := writeAtomic(root, key, body); err != nil {
		return fmt.Errorf("put %s: %w", key, classifyFile(err))
	}
	return nil
}

func writeAtomic(root *os.Root, key string, body []byte) error {
	dir := path.Dir(key)
	if err := root.MkdirAll(dir, 0o750); err != nil {
		return err
	}

	tmp := path.Join(dir, tempPrefix+randomHex(8))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = root.Rename(tmp, key)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return syncDir(root, dir)
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

// Get reads a small object whole.
func (l *Local) Get(_ context.Context, key string) ([]byte, error) {
	if err := checkLocalKey(key); err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	root, err := l.openRoot()
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	defer root.Close()

	f, err := root.Open(key)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, classifyFile(err))
	}
	defer f.Close()

	body, err := io.ReadAll(io.LimitReader(f, MaxGetSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, classifyFile(err))
	}
	if len(body) > MaxGetSize {
		return nil, fmt.Errorf("read %s: larger than %d bytes: %w", key, MaxGetSize, ErrRejected)
	}
	return body, nil
}

// Head returns the file's size; local objects carry no metadata.
func (l *Local) Head(_ context.Context, key string) (int64, map[string]string, error) {
	if err := checkLocalKey(key); err != nil {
		return 0, nil, fmt.Errorf("head %s: %w", key, err)
	}
	root, err := l.openRoot()
	if err != nil {
		return 0, nil, fmt.Errorf("head %s: %w", key, err)
	}
	defer root.Close()

	info, err := root.Stat(key)
	if err == nil && !info.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return 0, nil, fmt.Errorf("head %s: %w", key, classifyFile(err))
	}
	return info.Size(), nil, nil
}

// List walks the directory for regular files whose key starts with prefix.
func (l *Local) List(_ context.Context, prefix string) ([]Object, error) {
	root, err := l.openRoot()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	defer root.Close()

	// Only the directory the prefix names needs walking.
	start := "."
	if i := strings.LastIndex(prefix, "/"); i > 0 {
		start = prefix[:i]
	}
	if !fs.ValidPath(start) {
		return nil, fmt.Errorf("list %s: %w", prefix, ErrInvalidKey)
	}

	var objects []Object
	err = fs.WalkDir(root.FS(), start, func(key string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() ||
			strings.HasPrefix(d.Name(), tempPrefix) || !strings.HasPrefix(key, prefix) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		objects = append(objects, Object{
			Key: key, Size: info.Size(), LastModified: info.ModTime(),
		})
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, classifyFile(err))
	}
	return objects, nil
}

// Delete removes files and then any directories they leave empty.
func (l *Local) Delete(_ context.Context, keys ...string) error {
	root, err := l.openRoot()
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	defer root.Close()

	for _, key := range keys {
		if err := checkLocalKey(key); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		if err := root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete %s: %w", key, classifyFile(err))
		}
		removeEmptyParents(root, key)
	}
	return nil
}

// removeEmptyParents removes the directories above key up to the root,
// stopping at the first that is not empty. Failing to is harmless.
func removeEmptyParents(root *os.Root, key string) {
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if root.Remove(dir) != nil {
			return
		}
	}
}
