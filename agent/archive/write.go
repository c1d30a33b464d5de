package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// WriteOptions tunes Write. The zero value archives everything below root.
type WriteOptions struct {
	// OneFileSystem stops at mount points: a directory on another device
	// than root is archived as an empty directory, like tar's option.
	OneFileSystem bool

	// OnWarning hears about every skipped entry and every warning, with
	// the entry's name and one of the Err* warnings wrapped in err.
	OnWarning func(name string, err error)
}

// copyBufferSize is the read size for file contents: big enough to keep
// syscall overhead small, small enough to stay out of the memory budget.
const copyBufferSize = 256 << 10

// fileID identifies an inode, to find the second name of a hard link.
type fileID struct{ dev, ino uint64 }

type writer struct {
	ctx     context.Context
	tw      *tar.Writer
	opts    WriteOptions
	stats   Stats
	note    notifier
	rootDev uint64

	// links remembers the first name of every multiply linked inode. It
	// grows with the number of such inodes, not with the tree.
	links map[fileID]string
	buf   []byte
}

// Write archives the directory root into w as a PAX tar stream and returns
// what it wrote. It does not compress; see Compress. Root itself is followed
// if it is a symlink; nothing below it is.
//
// The walk is depth first in byte order of names, so the same tree gives the
// same stream. A file that vanishes after it was listed is skipped, a file
// that changes while it is read is written with the size seen first; both
// are counted in Stats and reported to opts.OnWarning. The context is checked
// between entries and while copying contents.
func Write(ctx context.Context, w io.Writer, root string, opts WriteOptions) (Stats, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return Stats{}, fmt.Errorf("open %s: %w", root, err)
	}
	dir := os.NewFile(uintptr(fd), root)
	defer dir.Close()

	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return Stats{}, fmt.Errorf("stat %s: %w", root, err)
	}

	wr := &writer{
		ctx:     ctx,
		tw:      tar.NewWriter(w),
		opts:    opts,
		rootDev: st.Dev,
		links:   make(map[fileID]string),
		buf:     make([]byte, copyBufferSize),
	}
	wr.note = notifier{stats: &wr.stats, onWarning: opts.OnWarning}

	if err := wr.writeDir(dir, &st, "./"); err != nil {
		return wr.stats, err
	}
	if err := wr.tw.Close(); err != nil {
		return wr.stats, fmt.Errorf("finish archive: %w", err)
	}
	return wr.stats, nil
}

// writeDir writes the header of an open directory, then its children.
func (w *writer) writeDir(dir *os.File, st *unix.Stat_t, name string) error {
	hdr := entryHeader(name, st, tar.TypeDir)
	w.addXattrs(hdr, int(dir.Fd()))
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write header %q: %w", name, err)
	}
	w.stats.Dirs++

	if w.opts.OneFileSystem && st.Dev != w.rootDev {
		return nil
	}

	names, err := dir.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("list %q: %w", name, err)
	}
	sort.Strings(names)

	for _, base := range names {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if err := w.writeChild(int(dir.Fd()), base, name+base); err != nil {
			return err
		}
	}
	return nil
}

// writeChild archives one directory entry by its type.
func (w *writer) writeChild(dirfd int, base, name string) error {
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		w.note.skip(name, ErrFileVanished)
		return nil
	}
	if err != nil {
		return fmt.Errorf("stat %q: %w", name, err)
	}

	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		if name == "./"+base && isRestoreDir(base) {
			w.note.skip(name, ErrRestoreLeftover)
			return nil
		}
		return w.writeSubdir(dirfd, base, name)
	case unix.S_IFREG:
		return w.writeFile(dirfd, base, name)
	case unix.S_IFLNK:
		return w.writeSymlink(dirfd, base, name, &st)
	case unix.S_IFIFO:
		return w.writeFifo(name, &st)
	default:
		w.note.skip(name, ErrSpecialFile)
		return nil
	}
}

func (w *writer) writeSubdir(dirfd int, base, name string) error {
	flags := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(dirfd, base, flags, 0)
	if replacedOrGone(err) {
		w.note.skip(name, ErrFileVanished)
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %q: %w", name, err)
	}
	sub := os.NewFile(uintptr(fd), name)
	defer sub.Close()

	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat %q: %w", name, err)
	}
	return w.writeDir(sub, &st, name+"/")
}

func (w *writer) writeSymlink(dirfd int, base, name string, st *unix.Stat_t) error {
	target, err := readlinkat(dirfd, base)
	if replacedOrGone(err) || errors.Is(err, unix.EINVAL) {
		w.note.skip(name, ErrFileVanished)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read link %q: %w", name, err)
	}
	if linked, err := w.writeLinkIfSeen(name, st); linked || err != nil {
		return err
	}

	hdr := entryHeader(name, st, tar.TypeSymlink)
	hdr.Linkname = target
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write header %q: %w", name, err)
	}
	w.stats.Symlinks++
	w.remember(name, st)
	return nil
}

func (w *writer) writeFifo(name string, st *unix.Stat_t) error {
	if linked, err := w.writeLinkIfSeen(name, st); linked || err != nil {
		return err
	}
	if err := w.tw.WriteHeader(entryHeader(name, st, tar.TypeFifo)); err != nil {
		return fmt.Errorf("write header %q: %w", name, err)
	}
	w.stats.Fifos++
	w.remember(name, st)
	return nil
}

// header fills the fields every entry type shares. Owners stay numeric; see
// the package documentation.
func entryHeader(name string, st *unix.Stat_t, typ byte) *tar.Header {
	sec, nsec := st.Mtim.Unix()
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     int64(st.Mode & 0o7777),
		Uid:      int(st.Uid),
		Gid:      int(st.Gid),
		ModTime:  time.Unix(sec, nsec),
		Format:   tar.FormatPAX, // keeps nanoseconds and long or odd names
	}
}

// addXattrs attaches the kept xattrs of an open file. A failure to read them
// costs the attributes, not the entry.
func (w *writer) addXattrs(hdr *tar.Header, fd int) {
	recs, err := readXattrs(fd)
	if err != nil {
		w.note.warn(hdr.Name, fmt.Errorf("%w: %w", ErrXattr, err))
		return
	}
	hdr.PAXRecords = recs
}

// replacedOrGone tells whether an *at call failed because the entry was
// removed or replaced by another type since it was listed.
func replacedOrGone(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ELOOP) ||
		errors.Is(err, unix.ENOTDIR)
}

func readlinkat(dirfd int, base string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, base, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}
