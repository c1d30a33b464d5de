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

// ErrLeftovers marks a replace that put every restored file in place but
// could not clean up after itself or set the directory's attributes.
var ErrLeftovers = errors.New("restored, but not cleaned up")

// Names of the directories a staged restore makes inside the destination.
// They start with a dot so that a listing of the volume hides them, and
// they live inside it so that moving entries in and out is a rename on the
// same filesystem, even when the destination is a mount point.
const (
	stagePrefix = ".coffer-restore-"
	trashPrefix = ".coffer-replaced-"
)

// Staging is a directory inside a restore's destination that the archive
// is extracted into, so that the destination keeps its contents until the
// restore is known to be whole.
type Staging struct {
	// Dir is the directory to extract into.
	Dir   string
	dest  string
	mtime time.Time // dest's mtime before Dir was made
}

// Stage makes a new, empty staging directory inside dest, creating dest
// first if it is missing.
func Stage(dest string) (*Staging, error) {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", dest, err)
	}
	dir, err := os.MkdirTemp(dest, stagePrefix)
	if err != nil {
		return nil, fmt.Errorf("create staging directory in %s: %w", dest, err)
	}
	return &Staging{Dir: dir, dest: filepath.Clean(dest), mtime: fi.ModTime()}, nil
}

// Discard deletes the staging directory and what was extracted into it,
// and gives dest back the mtime it had before.
func (s *Staging) Discard() error {
	if err := os.RemoveAll(s.Dir); err != nil {
		return fmt.Errorf("remove %s: %w", s.Dir, err)
	}
	if err := os.Chtimes(s.dest, time.Time{}, s.mtime); err != nil {
		return fmt.Errorf("set times of %s: %w", s.dest, err)
	}
	return nil
}

// Replace makes dest hold exactly what the staging directory holds, and
// gives dest the mode, owner and mtime that extraction gave the staging
// directory.
//
// The staged files are flushed to disk before anything of dest's is
// touched. dest's own entries are then moved aside, the staged ones moved
// in, and only then are the old ones deleted. If a move fails, the moves
// already made are undone and dest holds what it held; the staging
// directory is left for Discard. If the agent dies in between, both sets
// are still on disk, in dest and in the .coffer-replaced-* directory
// inside it.
func (s *Staging) Replace() error {
	if err := syncFS(s.Dir); err != nil {
		return err
	}

	root, err := os.OpenRoot(s.dest)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.dest, err)
	}
	defer root.Close()
	sw := swap{root: root, stage: filepath.Base(s.Dir)}
	attrs, err := readDirAttrs(root, sw.stage)
	if err != nil {
		return err
	}

	trash, err := os.MkdirTemp(s.dest, trashPrefix)
	if err != nil {
		return fmt.Errorf("create directory for replaced files in %s: %w", s.dest, err)
	}
	sw.trash = filepath.Base(trash)
	if err := sw.run(); err != nil {
		return errors.Join(err, sw.undo(), root.Remove(sw.trash))
	}

	// The restored files are in place from here on: a failure to clean up
	// is reported, not undone. The attributes go last, as every removal
	// changes the directory's mtime.
	err = errors.Join(root.Remove(sw.stage), syncFS(s.dest), root.RemoveAll(sw.trash),
		attrs.apply(root))
	if err != nil {
		return fmt.Errorf("finish replacing %s: %w", s.dest, errors.Join(ErrLeftovers, err))
	}
	return nil
}

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
