package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

func (x *extractor) dir(rel string, hdr *tar.Header) error {
	if rel != "" {
		pfd, base, exists, err := x.prepare(rel, hdr.Name, true)
		if err != nil {
			return err
		}
		if !exists {
			// Private until finishDirs gives it its real mode.
			if err := unix.Mkdirat(pfd, base, 0o700); err != nil {
				return fmt.Errorf("create directory %q: %w", hdr.Name, err)
			}
		}
	}
	x.dirs = append(x.dirs, dirMeta{rel: rel, hdr: hdr})
	x.stats.Dirs++
	return nil
}

func (x *extractor) file(rel string, hdr *tar.Header, r io.Reader) error {
	pfd, base, _, err := x.prepare(rel, hdr.Name, false)
	if err != nil {
		return err
	}
	flags := unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(pfd, base, flags, 0o600)
	if err != nil {
		return fmt.Errorf("create %q: %w", hdr.Name, err)
	}
	f := os.NewFile(uintptr(fd), hdr.Name)

	n, err := x.writeContent(f, r, hdr)
	if err == nil {
		err = x.setAttrs(fd, hdr)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %q: %w", hdr.Name, cerr)
	}
	if err != nil {
		return err
	}

	x.stats.Files++
	x.stats.Bytes += n
	return x.setTimesAt(pfd, base, hdr)
}

func (x *extractor) symlink(rel string, hdr *tar.Header) error {
	problem := symlinkTargetProblem(rel, hdr.Linkname, x.opts.AllowAbsoluteSymlinks)
	if problem != "" {
		return unsafePath(hdr.Name, problem)
	}
	pfd, base, _, err := x.prepare(rel, hdr.Name, false)
	if err != nil {
		return err
	}
	if err := unix.Symlinkat(hdr.Linkname, pfd, base); err != nil {
		return fmt.Errorf("create symlink %q: %w", hdr.Name, err)
	}
	if err := x.chownAt(pfd, base, hdr); err != nil {
		return err
	}
	x.stats.Symlinks++
	return x.setTimesAt(pfd, base, hdr)
}

func (x *extractor) fifo(rel string, hdr *tar.Header) error {
	pfd, base, _, err := x.prepare(rel, hdr.Name, false)
	if err != nil {
		return err
	}
	if err := unix.Mkfifoat(pfd, base, 0o600); err != nil {
		return fmt.Errorf("create fifo %q: %w", hdr.Name, err)
	}
	if err := x.chownAt(pfd, base, hdr); err != nil {
		return err
	}
	// fchmodat follows symlinks, but the FIFO was just created by us.
	if err := unix.Fchmodat(pfd, base, entryMode(hdr), 0); err != nil {
		return fmt.Errorf("change mode of %q: %w", hdr.Name, err)
	}
	x.stats.Fifos++
	return x.setTimesAt(pfd, base, hdr)
}

// prepare resolves the parent of rel, creating missing directories, and
// clears the way for a new entry. An existing directory is kept when keepDir
// is set, and exists reports that; anything else in the way is removed, so
// that nothing is ever written through an existing file or link.
func (x *extractor) prepare(rel, name string, keepDir bool) (int, string, bool, error) {
	dir, base := splitRel(rel)
	pfd, err := x.tree.parent(dir)
	if errors.Is(err, errSymlinkInPath) {
		return -1, "", false, unsafePath(name, errSymlinkInPath.Error())
	}
	if err != nil {
		return -1, "", false, fmt.Errorf("open parent of %q: %w", name, err)
	}

	var st unix.Stat_t
	err = unix.Fstatat(pfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return pfd, base, false, nil
	}
	if err != nil {
		return -1, "", false, fmt.Errorf("stat %q: %w", name, err)
	}

	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	if isDir && keepDir {
		return pfd, base, true, nil
	}
	flags := 0
	if isDir {
		flags = unix.AT_REMOVEDIR // only if empty, as GNU tar does
		x.tree.drop()
	}
	if err := unix.Unlinkat(pfd, base, flags); err != nil {
		return -1, "", false, fmt.Errorf("remove existing %q: %w", name, err)
	}
	return pfd, base, false, nil
}
