package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
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

// stageMu makes clearing leftovers and locking a new staging directory
// one step within the agent.
var stageMu sync.Mutex

// isRestoreDir reports whether name is one a staged restore gives its
// directories.
func isRestoreDir(name string) bool {
	return strings.HasPrefix(name, stagePrefix) || strings.HasPrefix(name, trashPrefix)
}

// Staging is a directory inside a restore's destination that the archive
// is extracted into, so that the destination keeps its contents until the
// restore is known to be whole.
//
// The staging directory, and the directory of replaced files that Replace
// makes beside it, share a random token in their names and are locked
// (flock) for as long as this process works with them. The next Stage in
// the same destination can so tell the leftovers of a crashed agent from a
// restore still running.
type Staging struct {
	// Dir is the directory to extract into.
	Dir   string
	dest  string
	mtime time.Time // dest's mtime before Dir was made
	lock  *os.File  // Dir, locked
}

// Stage makes a new, empty staging directory inside dest, creating dest
// first if it is missing. It first removes what crashed restores left in
// dest, and refuses to go on if one was interrupted while swapping files:
// that is for a person to sort out (ErrInterrupted).
func Stage(dest string) (*Staging, error) {
	// Clearing leftovers and locking the new directory happen as one step,
	// so that a restore starting beside another never takes the other's
	// fresh directory for a leftover.
	stageMu.Lock()
	defer stageMu.Unlock()

	dest = filepath.Clean(dest)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	if err := clearLeftovers(dest); err != nil {
		return nil, err
	}
	fi, err := os.Stat(dest)
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", dest, err)
	}

	dir, err := os.MkdirTemp(dest, stagePrefix)
	if err != nil {
		return nil, fmt.Errorf("create staging directory in %s: %w", dest, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		_ = os.Remove(dir)
		return nil, err
	}
	return &Staging{Dir: dir, dest: dest, mtime: fi.ModTime(), lock: lock}, nil
}

// Discard deletes the staging directory and what was extracted into it,
// and gives dest back the mtime it had before.
func (s *Staging) Discard() error {
	defer s.lock.Close()
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
func (s *Staging) Replace() (err error) {
	defer func() {
		if err == nil || errors.Is(err, ErrLeftovers) {
			s.lock.Close()
		}
	}()
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

	sw.trash = trashPrefix + strings.TrimPrefix(sw.stage, stagePrefix)
	trash := filepath.Join(s.dest, sw.trash)
	if err := os.Mkdir(trash, 0o700); err != nil {
		return fmt.Errorf("create directory for replaced files in %s: %w", s.dest, err)
	}
	trashLock, err := lockDir(trash)
	if err != nil {
		return errors.Join(err, root.Remove(sw.trash))
	}
	defer trashLock.Close()
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
