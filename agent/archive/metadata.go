package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"math"
	"time"

	"golang.org/x/sys/unix"
)

// setAttrs gives an open file or directory its owner, mode and xattrs, in
// that order: changing the owner clears setuid, setgid and
// security.capability, so those must come after it.
func (x *extractor) setAttrs(fd int, hdr *tar.Header) error {
	if x.owners && x.validOwner(hdr) {
		if err := x.ownerResult(hdr, unix.Fchown(fd, hdr.Uid, hdr.Gid)); err != nil {
			return err
		}
	}
	if err := unix.Fchmod(fd, entryMode(hdr)); err != nil {
		return fmt.Errorf("change mode of %q: %w", hdr.Name, err)
	}
	for _, name := range xattrRecords(hdr.PAXRecords) {
		val := []byte(hdr.PAXRecords[paxXattrPrefix+name])
		if err := unix.Fsetxattr(fd, name, val, 0); err != nil {
			x.note.warn(hdr.Name, fmt.Errorf("%w: set %s: %w", ErrXattr, name, err))
		}
	}
	return nil
}

// chownAt sets the owner of a symlink or FIFO without following it.
func (x *extractor) chownAt(dirfd int, base string, hdr *tar.Header) error {
	if !x.owners || !x.validOwner(hdr) {
		return nil
	}
	err := unix.Fchownat(dirfd, base, hdr.Uid, hdr.Gid, unix.AT_SYMLINK_NOFOLLOW)
	return x.ownerResult(hdr, err)
}

// ownerResult turns the kernel refusing an owner into a warning: the
// content is worth more restored with the wrong owner than not at all.
// Other failures stop the extraction.
func (x *extractor) ownerResult(hdr *tar.Header, err error) error {
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM) {
		x.note.warn(hdr.Name, fmt.Errorf("%w: %d:%d: %w", ErrOwner, hdr.Uid, hdr.Gid, err))
		return nil
	}
	if err != nil {
		return fmt.Errorf("change owner of %q: %w", hdr.Name, err)
	}
	return nil
}

// validOwner refuses ids the kernel cannot store; -1 would mean "unchanged"
// and larger ones would be cut to 32 bits.
func (x *extractor) validOwner(hdr *tar.Header) bool {
	ok := hdr.Uid >= 0 && hdr.Gid >= 0 &&
		hdr.Uid < math.MaxUint32 && hdr.Gid < math.MaxUint32
	if !ok {
		x.note.warn(hdr.Name, fmt.Errorf("%w: %d:%d out of range", ErrOwner, hdr.Uid, hdr.Gid))
	}
	return ok
}

// setTimesAt sets the mtime of dirfd/base without following a symlink.
// The atime is left as the kernel set it.
func (x *extractor) setTimesAt(dirfd int, base string, hdr *tar.Header) error {
	ts := []unix.Timespec{{Nsec: unix.UTIME_OMIT}, timespec(hdr.ModTime)}
	if err := unix.UtimesNanoAt(dirfd, base, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set times of %q: %w", hdr.Name, err)
	}
	return nil
}

// finishDir applies a directory's metadata once its contents are in place.
// A directory that a later entry replaced is left alone.
func (x *extractor) finishDir(d dirMeta) error {
	fd, err := x.tree.openDir(d.rel)
	if errors.Is(err, errSymlinkInPath) || replacedOrGone(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open directory %q: %w", d.hdr.Name, err)
	}
	defer unix.Close(fd)

	if err := x.setAttrs(fd, d.hdr); err != nil {
		return err
	}
	return x.setTimesAt(fd, ".", d.hdr)
}

func entryMode(hdr *tar.Header) uint32 {
	return uint32(hdr.Mode & 0o7777)
}

// timespec converts without UnixNano, which overflows outside 1678-2262.
func timespec(t time.Time) unix.Timespec {
	return unix.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}
