package archive_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
)

// tarEntry describes one entry of a hand-made archive.
type tarEntry struct {
	name string
	typ  byte
	link string
	body string
}

func file(name, body string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeReg, body: body}
}

func dir(name string) tarEntry { return tarEntry{name: name, typ: tar.TypeDir} }

func symlink(name, to string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeSymlink, link: to}
}

func hardlink(name, to string) tarEntry {
	return tarEntry{name: name, typ: tar.TypeLink, link: to}
}

// tarBytes builds an uncompressed PAX archive of entries.
func tarBytes(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{
			Typeflag: e.typ, Name: e.name, Linkname: e.link,
			Mode: 0o644, Size: int64(len(e.body)), Format: tar.FormatPAX,
		}
		if e.typ == tar.TypeDir {
			hdr.Mode = 0o755
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("write header %q: %v", e.name, err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatalf("write %q: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// unsafeCase is an archive and what Extract must make of it.
type unsafeCase struct {
	name       string
	entries    []tarEntry
	allowAbs   bool
	prepare    func(t *testing.T, dest, outside string) // pre-existing state
	wantUnsafe bool
	check      func(t *testing.T, dest string) // what a safe case made
}

var unsafeCases = []unsafeCase{
	{name: "dot dot", entries: []tarEntry{file("../x", "escape")}, wantUnsafe: true},
	{name: "dot dot inside", entries: []tarEntry{file("a/../../x", "e")}, wantUnsafe: true},
	{name: "dot slash dot dot", entries: []tarEntry{file("./../x", "e")}, wantUnsafe: true},
	{name: "absolute", entries: []tarEntry{file("/tmp/coffer-abs", "e")}, wantUnsafe: true},
	{name: "empty name", entries: []tarEntry{file("", "e")}, wantUnsafe: true},
	{name: "file replaces destination", entries: []tarEntry{file(".", "e")}, wantUnsafe: true},
	{
		name:       "write through absolute symlink",
		entries:    []tarEntry{symlink("a", "/etc"), file("a/passwd", "root::0:0")},
		allowAbs:   true,
		wantUnsafe: true,
	},
	{
		name:       "write through inner symlink",
		entries:    []tarEntry{dir("sub/"), symlink("a", "sub"), file("a/x", "e")},
		wantUnsafe: true,
	},
	{
		name:       "write through symlink to outside",
		entries:    []tarEntry{symlink("a", "../outside"), file("a/x", "e")},
		wantUnsafe: true,
	},
	{
		name:       "write through existing symlink",
		entries:    []tarEntry{file("pre/x", "e")},
		prepare:    linkTo("pre", "outside"),
		wantUnsafe: true,
	},
	{
		name:       "absolute symlink by default",
		entries:    []tarEntry{symlink("l", "/etc")},
		wantUnsafe: true,
	},
	{name: "absolute symlink allowed", entries: []tarEntry{symlink("l", "/etc")}, allowAbs: true},
	{
		name:       "relative symlink out",
		entries:    []tarEntry{symlink("d/l", "../../x")},
		wantUnsafe: true,
	},
	{name: "relative symlink up to top", entries: []tarEntry{symlink("d/l", "../x")}},
	{
		name:       "symlink chain out",
		entries:    []tarEntry{symlink("d/e/s", "../.."), symlink("d/e/t", "s/../..")},
		wantUnsafe: true,
	},
	{
		name:       "hard link absolute",
		entries:    []tarEntry{hardlink("h", "/etc/passwd")},
		wantUnsafe: true,
	},
	{
		name:       "hard link dot dot",
		entries:    []tarEntry{hardlink("h", "../outside/sentinel")},
		wantUnsafe: true,
	},
	{name: "hard link to top", entries: []tarEntry{hardlink("h", "./")}, wantUnsafe: true},
	{
		name:       "hard link through symlink",
		entries:    []tarEntry{file("sub/f", "x"), symlink("a", "sub"), hardlink("h", "a/f")},
		wantUnsafe: true,
	},
	{
		name:       "hard link through existing symlink",
		entries:    []tarEntry{hardlink("h", "pre/sentinel")},
		prepare:    linkTo("pre", "outside"),
		wantUnsafe: true,
	},
	{
		name:       "hard link moves symlink out",
		entries:    []tarEntry{symlink("d/e/s", "../.."), hardlink("x", "d/e/s")},
		wantUnsafe: true,
	},
	{
		name:    "hard link inside",
		entries: []tarEntry{file("a/f", "x"), hardlink("b/h", "a/f")},
		check:   wantContent("b/h", "x"),
	},
	{
		name:    "file replaces existing symlink",
		entries: []tarEntry{file("victim", "replaced")},
		prepare: linkTo("victim", "outside/sentinel"),
		check:   wantContent("victim", "replaced"),
	},
	{
		name:    "directory replaces existing symlink",
		entries: []tarEntry{dir("vdir/"), file("vdir/f", "inside")},
		prepare: linkTo("vdir", "outside"),
		check:   wantContent("vdir/f", "inside"),
	},
}

// wantContent checks that dest/name is a regular file holding content.
func wantContent(name, content string) func(t *testing.T, dest string) {
	return func(t *testing.T, dest string) {
		p := filepath.Join(dest, name)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("Lstat(%s) = %v, %v; want a regular file", name, fi, err)
		}
		if got := readFile(t, p); got != content {
			t.Errorf("%s holds %q, want %q", name, got, content)
		}
	}
}

// linkTo prepares dest/name as a symlink to the absolute path of the given
// name in the test's parent directory.
func linkTo(name, to string) func(t *testing.T, dest, outside string) {
	return func(t *testing.T, dest, outside string) {
		target := filepath.Join(filepath.Dir(outside), to)
		if err := os.Symlink(target, filepath.Join(dest, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExtractRefusesUnsafeArchives(t *testing.T) {
	for _, tc := range unsafeCases {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
			mkdirs(t, dest, outside)
			writeFile(t, filepath.Join(outside, "sentinel"), "untouched")
			if tc.prepare != nil {
				tc.prepare(t, dest, outside)
			}

			opts := archive.ExtractOptions{AllowAbsoluteSymlinks: tc.allowAbs}
			data := tarBytes(t, tc.entries...)
			_, err := archive.Extract(context.Background(), bytes.NewReader(data), dest, opts)

			if got := errors.Is(err, archive.ErrUnsafePath); got != tc.wantUnsafe {
				t.Errorf("Extract() error = %v; want unsafe %v", err, tc.wantUnsafe)
			}
			if !tc.wantUnsafe && err != nil {
				t.Errorf("Extract() error = %v, want nil", err)
			}
			checkNamed(t, err)
			if tc.check != nil {
				tc.check(t, dest)
			}
			checkOnly(t, parent, "dest", "outside")
			checkOnly(t, outside, "sentinel")
			if got := readFile(t, filepath.Join(outside, "sentinel")); got != "untouched" {
				t.Errorf("outside/sentinel = %q, want %q", got, "untouched")
			}
		})
	}
}

// checkNamed checks that an unsafe path error names its entry.
func checkNamed(t *testing.T, err error) {
	t.Helper()
	var upe *archive.UnsafePathError
	if errors.Is(err, archive.ErrUnsafePath) && !errors.As(err, &upe) {
		t.Errorf("error %v matches ErrUnsafePath but is no *UnsafePathError", err)
	}
	if upe != nil && !strings.Contains(err.Error(), upe.Name) {
		t.Errorf("error %q does not name entry %q", err, upe.Name)
	}
}

// checkOnly fails unless dir holds exactly the given names.
func checkOnly(t testing.TB, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func mkdirs(t testing.TB, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
