package archivetest

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func (g *gen) links() {
	g.write("special/target.txt", []byte("pointed at\n"), 0o644)
	g.symlink("special/rel-link", "target.txt")
	g.symlink("special/up-link", "../tree")
	g.symlink("special/abs-link", "/etc/hostname")
	g.symlink("special/dangling", "does/not/exist")
	g.chown(g.symlink("special/owned-link", "target.txt"), 1234, 4321)

	g.write("special/hard-a", []byte("one inode, three names\n"), 0o640)
	g.link("special/hard-b", "special/hard-a")
	g.link("special/other/hard-c", "special/hard-a")
	g.symlink("special/sym-a", "target.txt")
	g.link("special/sym-b", "special/sym-a")

	g.mkdir("special/empty", 0o755)
	g.mkdir("special/empty-nested/a/b", 0o750)
	g.fifo("special/fifo", 0o640)
}

func (g *gen) fifo(name string, mode uint32) {
	p := g.path(name)
	if err := unix.Mkfifo(p, mode); err != nil {
		g.t.Fatalf("mkfifo %q: %v", name, err)
	}
	if err := unix.Chmod(p, mode); err != nil {
		g.t.Fatalf("chmod %q: %v", name, err)
	}
}

func (g *gen) oddNames() {
	names := []string{
		"with space",
		"new\nline",
		"tab\there",
		"back\\slash",
		"latin1-\xe9t\xe9",
		"broken-\xff\xfe",
		"unicode-ü-日本",
		"-leading-dash",
		"...",
		"..hidden",
		strings.Repeat("n", 200),
	}
	for _, n := range names {
		g.write("special/odd/"+n, []byte(n+"\n"), 0o644)
	}
	g.mkdir("special/odd/dir with space", 0o755)

	var deep strings.Builder
	deep.WriteString("special/deep")
	for i := range 40 {
		deep.WriteString("/level-" + strings.Repeat(string(rune('a'+i%26)), 40))
	}
	g.write(deep.String()+"/bottom.txt", []byte("deep\n"), 0o644)
}

func (g *gen) modesAndOwners() {
	g.mkdir("special/modes/private", 0o700)
	g.chown(g.mkdir("special/modes/setgid", 0o2775), 0, 5678)
	g.mkdir("special/modes/sticky", 0o1777)
	g.chown(g.write("special/modes/setuid", []byte("#!/bin/sh\n"), 0o4755), 0, 0)
	g.write("special/modes/readonly", []byte("ro\n"), 0o444)
	g.write("special/modes/readonly-dir/inside", []byte("in\n"), 0o644)

	g.chown(g.write("special/owners/u1234", nil, 0o644), 1234, 1234)
	g.chown(g.write("special/owners/nobody", nil, 0o644), 65534, 65534)
	g.chown(g.write("special/owners/big-uid", nil, 0o644), 3_000_000, 3_000_001)

	g.write("special/times/before-1970", nil, 0o644)
	g.write("special/times/year-2100", nil, 0o644)
	g.write("special/times/nanos", nil, 0o644)
	g.write("special/times/whole-second", nil, 0o644)
}

// xattrs sets user.coffer=test on a file and a directory, and a trusted.*
// attribute as root. A filesystem that refuses them is logged, not fatal.
func (g *gen) xattrs() {
	attrs := []struct{ name, attr, value string }{
		{"special/xattr-file", "user.coffer", "test"},
		{"special/xattr-dir", "user.coffer", "test"},
		{"special/xattr-file", "user.binary", "\x00\x01\xff"},
	}
	if g.root {
		attrs = append(attrs, struct{ name, attr, value string }{
			"special/xattr-file", "trusted.coffer", "secret",
		})
	}
	g.write("special/xattr-file", []byte("attributed\n"), 0o644)
	g.mkdir("special/xattr-dir", 0o755)

	for _, a := range attrs {
		p := filepath.Join(g.dir, a.name)
		err := unix.Lsetxattr(p, a.attr, []byte(a.value), 0)
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EPERM) {
			g.t.Logf("filesystem refuses xattr %s on %q: %v", a.attr, a.name, err)
			continue
		}
		if err != nil {
			g.t.Fatalf("set xattr %s on %q: %v", a.attr, a.name, err)
		}
	}
}

// finishTimes runs last: it sets the odd mtimes, then the mtime of every
// directory and symlink, which creating entries would otherwise move.
func (g *gen) finishTimes() {
	times := map[string]time.Time{
		"special/times/before-1970":  time.Unix(-31_536_000, 5),
		"special/times/year-2100":    time.Date(2100, 1, 2, 3, 4, 5, 6, time.UTC),
		"special/times/nanos":        time.Unix(1_234_567_890, 123_456_789),
		"special/times/whole-second": time.Unix(1_600_000_000, 0),
	}
	for name, t := range times {
		g.mtime(filepath.Join(g.dir, name), t)
	}

	// readonly-dir gets its mode only now that its file exists.
	ro := filepath.Join(g.dir, "special/modes/readonly-dir")
	if err := unix.Chmod(ro, 0o555); err != nil {
		g.t.Fatalf("chmod %q: %v", ro, err)
	}

	n := 0
	err := filepath.WalkDir(g.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			n++
			g.mtime(p, time.Unix(1_500_000_000+int64(n)*3600, int64(n)*1001))
		}
		return nil
	})
	if err != nil {
		g.t.Fatalf("walk %s: %v", g.dir, err)
	}
	if err := unix.Chmod(g.dir, 0o750); err != nil {
		g.t.Fatalf("chmod %s: %v", g.dir, err)
	}
	g.chown(g.dir, 999, 999)
}
