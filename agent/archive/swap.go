package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// swap moves dest's entries into the trash directory and the staged ones
// into dest, remembering what it moved so that it can put it back.
type swap struct {
	root         *os.Root
	stage, trash string
	old, new     []string // names moved so far
}

func (s *swap) run() error {
	current, err := s.list(".")
	if err != nil {
		return err
	}
	for _, name := range current {
		if name == s.stage || name == s.trash {
			continue
		}
		if err := s.root.Rename(name, filepath.Join(s.trash, name)); err != nil {
			return fmt.Errorf("move %s aside: %w", name, err)
		}
		s.old = append(s.old, name)
	}

	staged, err := s.list(s.stage)
	if err != nil {
		return err
	}
	for _, name := range staged {
		if name == s.stage || name == s.trash {
			return fmt.Errorf("move %s into place: the name is taken by the restore", name)
		}
		if err := s.root.Rename(filepath.Join(s.stage, name), name); err != nil {
			return fmt.Errorf("move %s into place: %w", name, err)
		}
		s.new = append(s.new, name)
	}
	return nil
}

// undo moves everything back where run found it.
func (s *swap) undo() error {
	var errs []error
	for _, name := range s.new {
		errs = append(errs, s.root.Rename(name, filepath.Join(s.stage, name)))
	}
	for _, name := range s.old {
		errs = append(errs, s.root.Rename(filepath.Join(s.trash, name), name))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("undo partial replace: %w", err)
	}
	return nil
}

func (s *swap) list(dir string) ([]string, error) {
	f, err := s.root.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	return names, nil
}

// dirAttrs are the mode, owner and mtime extraction gave a directory.
type dirAttrs struct {
	mode     os.FileMode
	uid, gid int
	mtime    time.Time
}

func readDirAttrs(root *os.Root, name string) (dirAttrs, error) {
	fi, err := root.Lstat(name)
	if err != nil {
		return dirAttrs{}, fmt.Errorf("stat %s: %w", name, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return dirAttrs{}, fmt.Errorf("stat %s: no ownership information", name)
	}
	mode := fi.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)
	return dirAttrs{mode: mode, uid: int(st.Uid), gid: int(st.Gid), mtime: fi.ModTime()}, nil
}

// apply gives the root directory a's attributes.
func (a dirAttrs) apply(root *os.Root) error {
	if os.Geteuid() == 0 {
		if err := root.Lchown(".", a.uid, a.gid); err != nil {
			return fmt.Errorf("set owner of %s: %w", root.Name(), err)
		}
	}
	if err := root.Chmod(".", a.mode); err != nil {
		return fmt.Errorf("set mode of %s: %w", root.Name(), err)
	}
	// Extraction restores mtimes only; a zero atime leaves it unchanged.
	if err := root.Chtimes(".", time.Time{}, a.mtime); err != nil {
		return fmt.Errorf("set times of %s: %w", root.Name(), err)
	}
	return nil
}

// syncFS flushes the filesystem holding path: one call covers every file
// extracted, where an fsync per file would cost a disk flush each.
func syncFS(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("flush filesystem of %s: %w", path, err)
	}
	return nil
}
