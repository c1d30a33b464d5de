package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/cofferhq/coffer/protocol"
)

// RemoveLocal deletes the files under the target's directory that keys
// name, then each key's directory if nothing is left in it but files a
// LocalSink never finished. Every key is checked before anything is
// deleted. A file already gone counts as missing, not as an error.
func RemoveLocal(target protocol.LocalTarget, keys []string) (deleted, missing int,
	err error) {
	for _, key := range keys {
		if err := checkKey(key); err != nil {
			return 0, 0, err
		}
	}
	root, err := openTarget(target)
	if err != nil {
		return 0, 0, fmt.Errorf("open %s: %w", target.Dir, err)
	}
	defer root.Close()

	present, err := presentFiles(root, keys)
	if err != nil {
		return 0, 0, err
	}
	dirs := make(map[string]bool)
	for _, key := range keys {
		if dir := path.Dir(key); dir != "." {
			dirs[dir] = true
		}
		if !present[key] {
			missing++
			continue
		}
		if err := root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return deleted, missing, fmt.Errorf("delete %s: %w", key, err)
		}
		deleted++
	}

	for dir := range dirs {
		if err := removeIfEmpty(root, dir); err != nil {
			return deleted, missing, err
		}
	}
	return deleted, missing, nil
}

// presentFiles says which keys name a file. A key that names a directory,
// which no key of a backup does, or that a symbolic link leads out of the
// root, is an error.
func presentFiles(root *os.Root, keys []string) (map[string]bool, error) {
	present := make(map[string]bool)
	for _, key := range keys {
		info, err := root.Lstat(key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, fmt.Errorf("check %s: %w", key, err)
		case info.IsDir():
			return nil, fmt.Errorf("check %s: %w", key,
				newError(ErrRejected, "it is a directory"))
		}
		present[key] = true
	}
	return present, nil
}

// removeIfEmpty removes dir when it holds nothing but temporary files,
// which it removes first. A directory already gone is fine.
func removeIfEmpty(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open directory %s: %w", dir, err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("read directory %s: %w", dir, err)
	}

	for _, name := range names {
		if !strings.HasPrefix(name, tempPrefix) {
			return nil
		}
	}
	for _, name := range names {
		if err := root.Remove(path.Join(dir, name)); err != nil {
			return fmt.Errorf("delete %s: %w", path.Join(dir, name), err)
		}
	}
	if err := root.Remove(dir); err != nil {
		return fmt.Errorf("delete directory %s: %w", dir, err)
	}
	return syncDir(root, path.Dir(dir))
}
