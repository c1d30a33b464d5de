package archive

import (
	"archive/tar"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// hardlink links rel to an earlier name. The target must be a clean
// relative name inside dest, reached without symlinks, and not a directory.
// A link to a symlink is a second copy of that symlink at a new place, so
// its target is checked again from there.
func (x *extractor) hardlink(rel string, hdr *tar.Header) error {
	target, err := x.linkTarget(hdr)
	if err != nil || target == rel {
		return err // a link to itself is already in place
	}

	tdir, tbase := splitRel(target)
	tfd, err := x.tree.walk(tdir, false)
	if errors.Is(err, errSymlinkInPath) {
		return unsafePath(hdr.Name, "hard link target goes through a symlink")
	}
	if err != nil {
		return fmt.Errorf("open parent of link target of %q: %w", hdr.Name, err)
	}
	defer unix.Close(tfd)

	if err := x.checkLinkable(tfd, tbase, rel, hdr); err != nil {
		return err
	}
	pfd, base, _, err := x.prepare(rel, hdr.Name, false)
	if err != nil {
		return err
	}
	if err := unix.Linkat(tfd, tbase, pfd, base, 0); err != nil {
		return fmt.Errorf("link %q to %q: %w", hdr.Name, hdr.Linkname, err)
	}
	x.stats.Hardlinks++
	return nil
}

func (x *extractor) linkTarget(hdr *tar.Header) (string, error) {
	target, problem := cleanRel(hdr.Linkname)
	if problem != "" {
		return "", unsafePath(hdr.Name, "hard link target: "+problem)
	}
	if target == "" {
		return "", unsafePath(hdr.Name, "hard link to the destination itself")
	}
	return target, nil
}

func (x *extractor) checkLinkable(tfd int, tbase, rel string, hdr *tar.Header) error {
	var st unix.Stat_t
	if err := unix.Fstatat(tfd, tbase, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("stat link target of %q: %w", hdr.Name, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return fmt.Errorf("link %q to directory %q: %w", hdr.Name, hdr.Linkname, unix.EPERM)
	case unix.S_IFLNK:
		dest, err := readlinkat(tfd, tbase)
		if err != nil {
			return fmt.Errorf("read link target of %q: %w", hdr.Name, err)
		}
		problem := symlinkTargetProblem(rel, dest, x.opts.AllowAbsoluteSymlinks)
		if problem != "" {
			return unsafePath(hdr.Name, "hard link to a symlink: "+problem)
		}
	}
	return nil
}
