package archive

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// errSymlinkInPath marks a name whose resolution would go through a symlink.
var errSymlinkInPath = errors.New("path goes through a symlink")

// destTree resolves names below the destination one component at a time,
// each opened with O_NOFOLLOW. No symlink is ever traversed, neither one from
// the archive nor one already in the destination, and the kernel, not a
// string check, keeps every lookup inside.
type destTree struct {
	root int // the destination, O_PATH

	// The parent directory of the last entry stays open, since entries
	// arrive grouped by directory. Every lookup of another directory drops
	// it. An entry that changes a directory's path or one of its ancestors
	// has a parent above that directory, so its own lookup has dropped the
	// cache before it changed anything.
	cachedDir string
	cachedFD  int
}

const pathFlags = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

func openDestTree(dest string) (*destTree, error) {
	fd, err := unix.Open(dest, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dest, err)
	}
	return &destTree{root: fd, cachedFD: -1}, nil
}

func (t *destTree) close() {
	t.drop()
	unix.Close(t.root)
}

// drop forgets the cached directory.
func (t *destTree) drop() {
	if t.cachedFD >= 0 {
		unix.Close(t.cachedFD)
	}
	t.cachedDir, t.cachedFD = "", -1
}

// parent returns a descriptor of dir ("" for the destination), creating
// missing directories as GNU tar does. The tree owns the descriptor; it
// stays valid until the next call.
func (t *destTree) parent(dir string) (int, error) {
	if t.cachedFD >= 0 && dir == t.cachedDir {
		return t.cachedFD, nil
	}
	t.drop()
	if dir == "" {
		return t.root, nil
	}

	fd, err := t.walk(dir, true)
	if err != nil {
		return -1, err
	}
	t.cachedDir, t.cachedFD = dir, fd
	return fd, nil
}

// walk opens dir below the root as an O_PATH descriptor the caller owns.
func (t *destTree) walk(dir string, create bool) (int, error) {
	if dir == "" {
		return unix.Dup(t.root)
	}
	cur := t.root
	for _, name := range strings.Split(dir, "/") {
		next, err := openDirAt(cur, name, create)
		if cur != t.root {
			unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// openDir opens the directory rel ("" for the destination) for reading, to
// change its metadata. The caller owns the descriptor.
func (t *destTree) openDir(rel string) (int, error) {
	dir, base := splitRel(rel)
	if rel == "" {
		dir, base = "", "."
	}
	pfd, err := t.walk(dir, false)
	if err != nil {
		return -1, err
	}
	defer unix.Close(pfd)
	flags := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	return unix.Openat(pfd, base, flags, 0)
}

func openDirAt(dirfd int, name string, create bool) (int, error) {
	fd, err := unix.Openat(dirfd, name, pathFlags, 0)
	if errors.Is(err, unix.ENOENT) && create {
		err = unix.Mkdirat(dirfd, name, 0o755)
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, err
		}
		fd, err = unix.Openat(dirfd, name, pathFlags, 0)
	}
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
		if isSymlinkAt(dirfd, name) {
			return -1, errSymlinkInPath
		}
	}
	return fd, err
}

func isSymlinkAt(dirfd int, name string) bool {
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	return err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

// splitRel splits a cleaned relative name into its directory ("" at the
// top) and its last component.
func splitRel(rel string) (dir, base string) {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return "", rel
	}
	return rel[:i], rel[i+1:]
}
