package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrInterrupted is returned by Stage when an earlier restore into the same
// destination died halfway through swapping files in: the destination then
// holds part of each version, and only a person can say which to keep.
var ErrInterrupted = errors.New("an earlier restore was interrupted while swapping files")

// leftover is what one crashed restore left: its staging directory, its
// directory of replaced files, or both.
type leftover struct{ stage, trash bool }

// clearLeftovers removes the directories of restores into dest whose agent
// died, unless one died while swapping.
//
//   - A staging directory alone never got to the swap: dest was untouched,
//     and what was extracted is discarded.
//   - A directory of replaced files alone belongs to a swap that finished:
//     it holds only the old files, which were about to be deleted.
//   - Both mean the swap itself was cut short.
func clearLeftovers(dest string) error {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return fmt.Errorf("open %s: %w", dest, err)
	}
	defer root.Close()

	found, err := findLeftovers(root)
	if err != nil {
		return err
	}
	for token, l := range found {
		stage, trash := stagePrefix+token, trashPrefix+token
		if busy(root, stage, trash) {
			continue
		}
		switch {
		case l.stage && l.trash:
			return fmt.Errorf("prepare restore into %s: %w; the files it moved aside are "+
				"in %s and the restored files it had not moved in yet are in %s: put back "+
				"what you need, remove both directories and restore again", dest,
				ErrInterrupted, filepath.Join(dest, trash), filepath.Join(dest, stage))
		case l.stage:
			err = root.RemoveAll(stage)
		default:
			err = root.RemoveAll(trash)
		}
		if err != nil {
			return fmt.Errorf("remove what a crashed restore left in %s: %w", dest, err)
		}
	}
	return nil
}

// findLeftovers lists the restore directories in root by token. Only real
// directories count: a file or link with such a name is left alone.
func findLeftovers(root *os.Root) (map[string]leftover, error) {
	f, err := root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", root.Name(), err)
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root.Name(), err)
	}

	found := make(map[string]leftover)
	for _, name := range names {
		token, isStage := strings.CutPrefix(name, stagePrefix)
		token, isTrash := strings.CutPrefix(token, trashPrefix)
		if !isStage && !isTrash {
			continue
		}
		if fi, err := root.Lstat(name); err != nil || !fi.IsDir() {
			continue
		}
		l := found[token]
		l.stage = l.stage || isStage
		l.trash = l.trash || isTrash
		found[token] = l
	}
	return found, nil
}

// busy reports whether a running restore holds the lock of either
// directory. A directory that cannot be opened counts as busy, so that
// nothing is removed on a guess.
func busy(root *os.Root, names ...string) bool {
	for _, name := range names {
		f, err := root.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return true
		}
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		f.Close()
		if err != nil {
			return true
		}
	}
	return false
}

// lockDir opens dir and takes an exclusive lock on it, which lasts until the
// file is closed or the process ends.
func lockDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}
