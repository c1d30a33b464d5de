package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/cofferhq/coffer/protocol"
)

const (
	// maxMeasureWalkers bounds the directories read at once. Measuring is
	// one stat per file; several in flight keep every core busy when the
	// inodes are cached and keep a disk's queue full when they are not.
	maxMeasureWalkers = 8
	// dirBatch is how many entries are read from a directory at a time, so
	// that a directory of millions of files is never held in memory.
	dirBatch = 512
)

func (s *Server) measure(c *call, req protocol.MeasureRequest) (any, *failure) {
	root, f := openSource(req.Source)
	if f != nil {
		return nil, f
	}
	res, err := measureTree(c.ctx, root)
	if cause := c.canceled(); cause != nil {
		return nil, canceledFailure(cause)
	}
	if err != nil {
		return nil, failf(protocol.CodeInternal, err, "Measuring %s failed: %v.",
			req.Source.Path, err)
	}
	return res, nil
}

// inode identifies a file, so that hard links count once, as the archive
// stores their content once.
type inode struct{ dev, ino uint64 }

// measureTree sums the sizes of the regular files below root and counts
// them, without following symlinks. Entries that vanish during the walk
// are left out, as the archive leaves them out.
//
// Measuring comes before every backup and nothing else runs meanwhile, so
// the walk reads several directories at once.
func measureTree(ctx context.Context, root string) (protocol.MeasureResult, error) {
	m := &measurer{
		ctx:   ctx,
		slots: make(chan struct{}, min(2*runtime.GOMAXPROCS(0), maxMeasureWalkers)-1),
		seen:  make(map[inode]bool),
	}
	m.walk(root, true)
	m.wg.Wait()
	if err := m.failure(); err != nil {
		return protocol.MeasureResult{}, fmt.Errorf("walk %s: %w", root, err)
	}
	return m.res, nil
}

// measurer is one measuring walk. Each directory is read by whichever
// goroutine finds it: a new one while a slot is free, else the finder
// itself, so the walk never waits for a slot and never runs unbounded.
type measurer struct {
	ctx   context.Context
	slots chan struct{}
	wg    sync.WaitGroup

	mu   sync.Mutex
	res  protocol.MeasureResult
	seen map[inode]bool

	firstError
}

// walk measures the directory at path and everything below it.
func (m *measurer) walk(path string, root bool) {
	subdirs, err := m.readDir(path)
	if err != nil && (root || !vanished(err)) {
		m.fail(err)
		return
	}
	for _, sub := range subdirs {
		select {
		case m.slots <- struct{}{}:
			m.wg.Go(func() {
				defer func() { <-m.slots }()
				m.walk(sub, false)
			})
		default:
			m.walk(sub, false)
		}
	}
}

// readDir adds up the regular files in the directory at path and returns
// its subdirectories, to be walked once it is closed: a deep tree then
// holds one open directory per walker, not one per level.
func (m *measurer) readDir(path string) ([]string, error) {
	if m.failure() != nil {
		return nil, nil
	}
	dir, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fd := int(dir.Fd())

	var subdirs []string
	var local protocol.MeasureResult
	for {
		if err := m.ctx.Err(); err != nil {
			return nil, err
		}
		entries, err := dir.ReadDir(dirBatch)
		for _, e := range entries {
			switch {
			case e.IsDir():
				subdirs = append(subdirs, filepath.Join(path, e.Name()))
			case e.Type().IsRegular():
				if err := m.addFile(fd, e.Name(), &local); err != nil {
					return nil, fmt.Errorf("stat %s: %w", filepath.Join(path, e.Name()), err)
				}
			}
		}
		if errors.Is(err, io.EOF) || (err == nil && len(entries) == 0) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read directory %s: %w", path, err)
		}
	}
	m.mu.Lock()
	m.res.Bytes += local.Bytes
	m.res.Files += local.Files
	m.mu.Unlock()
	return subdirs, nil
}

// addFile counts one regular file into res; a hard link seen before counts
// nothing.
func (m *measurer) addFile(dirfd int, name string, res *protocol.MeasureResult) error {
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if vanished(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	if st.Nlink > 1 {
		id := inode{dev: st.Dev, ino: st.Ino}
		m.mu.Lock()
		dup := m.seen[id]
		m.seen[id] = true
		m.mu.Unlock()
		if dup {
			return nil
		}
	}
	res.Bytes += st.Size
	res.Files++
	return nil
}

// vanished reports whether err says an entry is gone, or was replaced by
// something that is not a directory, since it was listed.
func vanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR) ||
		errors.Is(err, unix.ELOOP)
}
