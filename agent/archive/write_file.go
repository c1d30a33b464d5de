package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// writeFile archives a regular file. The header comes from the opened file,
// not from the listing, so that it describes what is actually read.
func (w *writer) writeFile(dirfd int, base, name string) error {
	f, st, err := w.openFile(dirfd, base, name)
	if f == nil || err != nil {
		return err
	}
	defer f.Close()
	if linked, err := w.writeLinkIfSeen(name, st); linked || err != nil {
		return err
	}

	fd := int(f.Fd())
	hdr := entryHeader(name, st, tar.TypeReg)
	hdr.Size = st.Size
	w.addXattrs(hdr, fd)
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write header %q: %w", name, err)
	}
	changed, err := w.copyContent(f, name, st.Size)
	if err != nil {
		return err
	}
	if changed || changedSince(fd, st) {
		w.note.warn(name, ErrFileChanged)
	}

	w.stats.Files++
	w.stats.Bytes += st.Size
	w.remember(name, st)
	return nil
}

// openFile opens a regular file and stats it. A file that vanished or
// became another type is reported and comes back nil, without an error.
func (w *writer) openFile(dirfd int, base, name string) (*os.File, *unix.Stat_t, error) {
	fd, err := openForRead(dirfd, base)
	if replacedOrGone(err) {
		w.note.skip(name, ErrFileVanished)
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open %q: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)

	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("stat %q: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		f.Close()
		w.note.skip(name, ErrFileVanished)
		return nil, nil, nil
	}
	return f, &st, nil
}

// openForRead opens a regular file without following a symlink, without
// blocking should it have become a FIFO, and without touching its atime
// where the kernel allows that.
func openForRead(dirfd int, base string) (int, error) {
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK
	fd, err := unix.Openat(dirfd, base, flags|unix.O_NOATIME, 0)
	if errors.Is(err, unix.EPERM) {
		// O_NOATIME needs ownership or CAP_FOWNER.
		fd, err = unix.Openat(dirfd, base, flags, 0)
	}
	return fd, err
}

// copyContent copies exactly size bytes of f into the archive, as its
// header promised, so the stream stays valid whatever the file does
// meanwhile. A file that shrank is padded with zeros and changed is true.
// One that grew is cut; the caller sees that in its size, with no extra
// read.
func (w *writer) copyContent(f *os.File, name string, size int64) (bool, error) {
	var done int64
	for done < size {
		if err := w.ctx.Err(); err != nil {
			return false, err
		}
		chunk := w.buf[:min(int64(len(w.buf)), size-done)]
		n, rerr := io.ReadFull(f, chunk)
		if _, err := w.tw.Write(chunk[:n]); err != nil {
			return false, fmt.Errorf("write content of %q: %w", name, err)
		}
		done += int64(n)

		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			return true, w.pad(name, size-done)
		}
		if rerr != nil {
			return false, fmt.Errorf("read %q: %w", name, rerr)
		}
	}

	return false, nil
}

func (w *writer) pad(name string, n int64) error {
	clear(w.buf)
	for n > 0 {
		chunk := w.buf[:min(int64(len(w.buf)), n)]
		if _, err := w.tw.Write(chunk); err != nil {
			return fmt.Errorf("pad content of %q: %w", name, err)
		}
		n -= int64(len(chunk))
	}
	return nil
}

// changedSince tells whether an open file was modified after before was
// taken, even if its size came out the same.
func changedSince(fd int, before *unix.Stat_t) bool {
	var after unix.Stat_t
	if err := unix.Fstat(fd, &after); err != nil {
		return true
	}
	return after.Size != before.Size || after.Mtim != before.Mtim ||
		after.Ctim != before.Ctim
}
