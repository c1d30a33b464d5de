package archivetest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Options shapes a generated tree.
type Options struct {
	// Files is the number of small text files spread over nested
	// directories, 50 to a directory.
	Files int
	// TextSize caps the size of those files; they range from empty to it.
	// Zero means 2 KiB.
	TextSize int
	// BigFileSize, when positive, adds big/blob.bin of that size: a 1 MiB
	// hole, then a 1 MiB pseudo-random block repeated (cheap to make, and
	// a sparse region for restores to keep).
	BigFileSize int64
	// RandomSize, when positive, adds big/random.bin of that many
	// incompressible bytes.
	RandomSize int64
	// Seed makes two trees with the same options identical.
	Seed uint64
}

// gen carries the state of one Generate call.
type gen struct {
	t    testing.TB
	dir  string
	rng  *rand.Rand
	root bool
}

// Generate fills the empty directory dir with a tree of regular files,
// directories (empty ones too), relative, absolute and dangling symlinks,
// hard links, a FIFO, odd names (spaces, a newline, bytes that are not
// UTF-8, a 200-byte name, a 2,000-byte path), special modes, several owners,
// odd mtimes and xattrs. It fails the test on any error but an xattr the
// filesystem refuses, which it logs.
func Generate(t testing.TB, dir string, opts Options) {
	t.Helper()
	g := &gen{
		t:    t,
		dir:  dir,
		rng:  rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		root: os.Geteuid() == 0,
	}
	g.textFiles(opts)
	g.links()
	g.oddNames()
	g.modesAndOwners()
	g.xattrs()
	if opts.BigFileSize > 0 {
		g.bigFile("big/blob.bin", opts.BigFileSize)
	}
	if opts.RandomSize > 0 {
		g.write("big/random.bin", block(g.rng, int(opts.RandomSize)), 0o644)
	}
	g.finishTimes()
}

func (g *gen) textFiles(opts Options) {
	size := opts.TextSize
	if size <= 0 {
		size = 2 << 10
	}
	for i := range opts.Files {
		leaf := i / 50
		name := fmt.Sprintf("tree/d%03d/e%02d/f%05d.txt", leaf/10, leaf%10, i)
		mode := os.FileMode(0o644)
		switch {
		case i%7 == 0:
			mode = 0o600
		case i%11 == 0:
			mode = 0o755
		}
		p := g.write(name, text(g.rng, g.rng.IntN(size+1)), mode)

		switch {
		case i%5 == 0:
			g.chown(p, 1234, 1234)
		case i%13 == 0:
			g.chown(p, 0, 5678)
		}
		sec := int64(1_000_000_000 + i*7919)
		g.mtime(p, time.Unix(sec, int64(i*12345%1_000_000_000)))
	}
}

// path returns the absolute path of a name in the tree, creating parents.
func (g *gen) path(name string) string {
	p := filepath.Join(g.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatalf("create parents of %q: %v", name, err)
	}
	return p
}

func (g *gen) write(name string, data []byte, mode os.FileMode) string {
	p := g.path(name)
	if err := os.WriteFile(p, data, mode); err != nil {
		g.t.Fatalf("write %q: %v", name, err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		g.t.Fatalf("chmod %q: %v", name, err)
	}
	return p
}

func (g *gen) mkdir(name string, mode os.FileMode) string {
	p := g.path(name)
	if err := os.Mkdir(p, mode); err != nil && !os.IsExist(err) {
		g.t.Fatalf("mkdir %q: %v", name, err)
	}
	if err := os.Chmod(p, mode); err != nil {
		g.t.Fatalf("chmod %q: %v", name, err)
	}
	return p
}

func (g *gen) symlink(name, target string) string {
	p := g.path(name)
	if err := os.Symlink(target, p); err != nil {
		g.t.Fatalf("symlink %q: %v", name, err)
	}
	return p
}

func (g *gen) link(name, existing string) {
	if err := os.Link(filepath.Join(g.dir, existing), g.path(name)); err != nil {
		g.t.Fatalf("link %q: %v", name, err)
	}
}

func (g *gen) chown(p string, uid, gid int) {
	if !g.root {
		return
	}
	if err := os.Lchown(p, uid, gid); err != nil {
		g.t.Fatalf("chown %q: %v", p, err)
	}
}

// mtime sets the mtime of p itself, never of a symlink's target.
func (g *gen) mtime(p string, t time.Time) {
	ts := []unix.Timespec{
		{Nsec: unix.UTIME_OMIT},
		{Sec: t.Unix(), Nsec: int64(t.Nanosecond())},
	}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		g.t.Fatalf("set mtime of %q: %v", p, err)
	}
}

func (g *gen) bigFile(name string, size int64) {
	f, err := os.Create(g.path(name))
	if err != nil {
		g.t.Fatalf("create %q: %v", name, err)
	}
	defer f.Close()

	const mib = 1 << 20
	if _, err := f.Seek(min(mib, size), io.SeekStart); err != nil {
		g.t.Fatalf("seek in %q: %v", name, err)
	}
	blk := block(g.rng, mib)
	for off := int64(mib); off < size; off += mib {
		blk[0]++ // no two blocks quite alike
		if _, err := f.Write(blk[:min(mib, size-off)]); err != nil {
			g.t.Fatalf("write %q: %v", name, err)
		}
	}
	if err := f.Truncate(size); err != nil {
		g.t.Fatalf("size %q: %v", name, err)
	}
}
