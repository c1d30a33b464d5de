package archive_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// hookWriter runs fn once, right after the first write containing trigger:
// the header of the entry it names, before that entry's content is read.
type hookWriter struct {
	w       io.Writer
	trigger []byte
	fn      func()
	fired   bool
}

func (h *hookWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	if !h.fired && bytes.Contains(p, h.trigger) {
		h.fired = true
		h.fn()
	}
	return n, err
}

// warnings records what OnWarning heard.
type warnings map[string]error

func (w warnings) record(name string, err error) { w[name] = err }

const changedSize = 100_000

func shrink(t *testing.T, p string) {
	if err := os.Truncate(p, 10); err != nil {
		t.Fatal(err)
	}
}

func grow(t *testing.T, p string) {
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(bytes.Repeat([]byte("y"), 50_000)); err != nil {
		t.Fatal(err)
	}
}

// TestWriteFileChangedWhileRead changes a file right after its header went
// out: the entry keeps the header's size, zero-padded or cut.
func TestWriteFileChangedWhileRead(t *testing.T) {
	const size = changedSize
	cases := []struct {
		name   string
		change func(t *testing.T, p string)
		want   []byte
	}{
		{"shrunk", shrink, append(bytes.Repeat([]byte("x"), 10), make([]byte, size-10)...)},
		{"grew", grow, bytes.Repeat([]byte("x"), size)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			p := filepath.Join(root, "b.txt")
			writeFile(t, p, strings.Repeat("x", size))

			var buf bytes.Buffer
			w := &hookWriter{w: &buf, trigger: []byte("b.txt"), fn: func() { tc.change(t, p) }}
			heard := warnings{}
			opts := archive.WriteOptions{OnWarning: heard.record}
			stats, err := archive.Write(context.Background(), w, root, opts)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}

			if stats.Warnings != 1 || !errors.Is(heard["./b.txt"], archive.ErrFileChanged) {
				t.Errorf("Warnings = %d, heard %v; want 1 ErrFileChanged for ./b.txt",
					stats.Warnings, heard)
			}
			got := tarContents(t, buf.Bytes())["./b.txt"]
			if !bytes.Equal(got, tc.want) {
				t.Errorf("archived %d bytes, want the %d the header promised",
					len(got), len(tc.want))
			}
		})
	}
}

// tarContents reads a whole uncompressed archive, failing on any flaw.
func tarContents(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("read archive: %v", err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("read %q: %v", hdr.Name, err)
		}
		out[hdr.Name] = body
	}
}

// TestWriteSkipsSpecialAndVanishedFiles removes b.txt while Write reports
// the socket listed before it, so b.txt vanishes between listing and open.
func TestWriteSkipsSpecialAndVanishedFiles(t *testing.T) {
	root := t.TempDir()
	sock, err := net.Listen("unix", filepath.Join(root, "a.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	writeFile(t, filepath.Join(root, "b.txt"), "gone soon")
	writeFile(t, filepath.Join(root, "c.txt"), "stays")
	wantSkipped := int64(2)
	if err := unix.Mknod(filepath.Join(root, "d.null"), unix.S_IFCHR|0o666,
		int(unix.Mkdev(1, 3))); err == nil {
		wantSkipped++
	} else {
		t.Logf("no device node in the tree: mknod: %v", err)
	}

	heard := warnings{}
	opts := archive.WriteOptions{OnWarning: func(name string, err error) {
		heard.record(name, err)
		if name == "./a.sock" {
			os.Remove(filepath.Join(root, "b.txt"))
		}
	}}
	var buf bytes.Buffer
	stats, err := archive.Write(context.Background(), &buf, root, opts)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}

	if stats.Skipped != wantSkipped || stats.Files != 1 {
		t.Errorf("stats = %+v, want %d skipped and 1 file", stats, wantSkipped)
	}
	if !errors.Is(heard["./a.sock"], archive.ErrSpecialFile) ||
		!errors.Is(heard["./b.txt"], archive.ErrFileVanished) {
		t.Errorf("heard %v, want a.sock special and b.txt vanished", heard)
	}
	if got := tarContents(t, buf.Bytes()); string(got["./c.txt"]) != "stays" || len(got) != 2 {
		t.Errorf("archive holds %d entries, want ./ and ./c.txt", len(got))
	}
}

// cancelWriter cancels a context on its first write.
type cancelWriter struct{ cancel context.CancelFunc }

func (w cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	return len(p), nil
}

func TestWriteStopsWhenCancelled(t *testing.T) {
	root := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writeFile(t, filepath.Join(root, n), n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stats, err := archive.Write(ctx, cancelWriter{cancel}, root, archive.WriteOptions{})
	if !errors.Is(err, context.Canceled) || stats.Files != 0 {
		t.Errorf("Write = %+v, %v; want no files and context.Canceled", stats, err)
	}
}

func TestExtractStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := tarBytes(t, file("a", "x"))
	_, err := archive.Extract(ctx, bytes.NewReader(data), t.TempDir(), archive.ExtractOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Extract error = %v, want context.Canceled", err)
	}
}

// TestWriteIsDeterministic checks that one tree gives one stream, and the
// naming convention: "./" first, every name "./"-prefixed, directories with
// a trailing slash.
func TestWriteIsDeterministic(t *testing.T) {
	root := t.TempDir()
	archivetest.Generate(t, root, archivetest.Options{Files: 120, Seed: 2})

	var first, second bytes.Buffer
	for _, buf := range []*bytes.Buffer{&first, &second} {
		_, err := archive.Write(context.Background(), buf, root, archive.WriteOptions{})
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("two Writes of one tree differ")
	}

	tr := tar.NewReader(&first)
	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		isDir := hdr.Typeflag == tar.TypeDir
		switch {
		case i == 0 && hdr.Name != "./":
			t.Errorf("first entry %q, want ./", hdr.Name)
		case !strings.HasPrefix(hdr.Name, "./"):
			t.Errorf("entry %q lacks the ./ prefix", hdr.Name)
		case isDir != strings.HasSuffix(hdr.Name, "/"):
			t.Errorf("entry %q of type %c: trailing slash iff directory", hdr.Name, hdr.Typeflag)
		case hdr.Uname != "" || hdr.Gname != "":
			t.Errorf("entry %q names owners %q:%q, want numeric only",
				hdr.Name, hdr.Uname, hdr.Gname)
		}
	}
}

// TestWriteOneFileSystem mounts a tmpfs inside the tree: with the option its
// mount point is archived empty, without it its contents are archived too.
func TestWriteOneFileSystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	root := t.TempDir()
	mnt := filepath.Join(root, "mnt")
	mkdirs(t, mnt)
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", mnt, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount tmpfs from %s: %v", mnt, err)
		}
	})
	writeFile(t, filepath.Join(mnt, "inner"), "on another filesystem")

	for _, one := range []bool{false, true} {
		var buf bytes.Buffer
		opts := archive.WriteOptions{OneFileSystem: one}
		if _, err := archive.Write(context.Background(), &buf, root, opts); err != nil {
			t.Fatalf("Write(OneFileSystem %v): %v", one, err)
		}
		got := tarContents(t, buf.Bytes())
		_, hasMount := got["./mnt/"]
		_, hasInner := got["./mnt/inner"]
		if !hasMount || hasInner == one {
			t.Errorf("OneFileSystem %v: mount point archived %v, its file %v; want true, %v",
				one, hasMount, hasInner, !one)
		}
	}
}

// TestWriteSkipsRestoreDirectories: what a restore keeps at the top of a
// volume is a copy of a backup and stays out of the next one; the same
// names deeper down are the volume's own.
func TestWriteSkipsRestoreDirectories(t *testing.T) {
	root := t.TempDir()
	staging, err := archive.Stage(root)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = staging.Discard() }()
	writeFile(t, filepath.Join(staging.Dir, "copy"), "from a backup")
	mkdirs(t, filepath.Join(root, "sub", ".coffer-restore-deep"))
	writeFile(t, filepath.Join(root, "sub", ".coffer-restore-deep", "own"), "mine")

	heard := warnings{}
	opts := archive.WriteOptions{OnWarning: heard.record}
	var buf bytes.Buffer
	if _, err := archive.Write(context.Background(), &buf, root, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}

	name := "./" + filepath.Base(staging.Dir)
	if !errors.Is(heard[name], archive.ErrRestoreLeftover) {
		t.Errorf("heard %v, want %s skipped as a restore directory", heard, name)
	}
	got := tarContents(t, buf.Bytes())
	if _, ok := got[name+"/copy"]; ok {
		t.Errorf("archive holds the staged copy %s/copy", name)
	}
	if string(got["./sub/.coffer-restore-deep/own"]) != "mine" {
		t.Error("archive lacks ./sub/.coffer-restore-deep/own")
	}
}
