package archivetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// maxReported bounds the differences Compare lists before it gives up.
const maxReported = 30

// entry is everything Compare checks about one path.
type entry struct {
	kind   uint32 // S_IFMT bits
	perm   uint32 // permission, setuid, setgid and sticky bits
	uid    uint32
	gid    uint32
	mtime  unix.Timespec
	size   int64
	sum    string // SHA-256 of a regular file's content
	target string // a symlink's target
	xattrs string // the kept attributes, sorted, as name=value lines
	links  string // all names of the inode when it has several
}

// Compare fails the test unless trees a and b hold the same names with the
// same type, mode, owner, mtime, content, symlink target, xattrs and hard
// link groups. Both top directories are compared too. Symlink modes and
// directory sizes are not compared: Linux gives them no meaning.
func Compare(t testing.TB, a, b string) {
	t.Helper()
	want, got := scan(t, a), scan(t, b)

	var diffs []string
	for _, name := range sortedNames(want, got) {
		w, inA := want[name]
		g, inB := got[name]
		switch {
		case !inB:
			diffs = append(diffs, fmt.Sprintf("%q: missing from %s", name, b))
		case !inA:
			diffs = append(diffs, fmt.Sprintf("%q: not in %s", name, a))
		case w != g:
			diffs = append(diffs, fmt.Sprintf("%q:\n got  %+v\n want %+v", name, g, w))
		}
	}
	for i, d := range diffs {
		if i == maxReported {
			t.Errorf("... and %d more differences", len(diffs)-i)
			break
		}
		t.Errorf("tree %s differs from %s: %s", b, a, d)
	}
}

func sortedNames(a, b map[string]entry) []string {
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// scan describes every path below dir, keyed by its relative name.
func scan(t testing.TB, dir string) map[string]entry {
	t.Helper()
	out := make(map[string]entry)
	inodes := make(map[[2]uint64][]string)

	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		e, st, err := describe(p)
		if err != nil {
			return err
		}
		if e.kind != unix.S_IFDIR && st.Nlink > 1 {
			key := [2]uint64{st.Dev, st.Ino}
			inodes[key] = append(inodes[key], rel)
		}
		out[rel] = e
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}

	for _, names := range inodes {
		sort.Strings(names)
		group := strings.Join(names, " | ")
		for _, n := range names {
			e := out[n]
			e.links = group
			out[n] = e
		}
	}
	return out
}

func describe(p string) (entry, *unix.Stat_t, error) {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return entry{}, nil, err
	}
	e := entry{
		kind:  st.Mode & unix.S_IFMT,
		perm:  st.Mode & 0o7777,
		uid:   st.Uid,
		gid:   st.Gid,
		mtime: st.Mtim,
	}

	var err error
	switch e.kind {
	case unix.S_IFREG:
		e.size = st.Size
		e.sum, err = fileSum(p)
	case unix.S_IFLNK:
		e.perm = 0
		e.target, err = os.Readlink(p)
	}
	if err == nil && (e.kind == unix.S_IFREG || e.kind == unix.S_IFDIR) {
		e.xattrs, err = keptXattrs(p)
	}
	return e, &st, err
}

func fileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// keptXattrs lists the attributes the archive format carries.
func keptXattrs(p string) (string, error) {
	size, err := unix.Llistxattr(p, nil)
	if err != nil || size == 0 {
		return "", nil // a filesystem without xattrs has none to compare
	}
	buf := make([]byte, size)
	n, err := unix.Llistxattr(p, buf)
	if err != nil {
		return "", err
	}

	var lines []string
	for _, name := range strings.Split(string(buf[:n]), "\x00") {
		if !strings.HasPrefix(name, "user.") && !strings.HasPrefix(name, "trusted.") &&
			name != "security.capability" {
			continue
		}
		val := make([]byte, 64<<10)
		m, err := unix.Lgetxattr(p, name, val)
		if err != nil {
			return "", fmt.Errorf("get xattr %s of %s: %w", name, p, err)
		}
		lines = append(lines, fmt.Sprintf("%s=%q", name, val[:m]))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n"), nil
}
