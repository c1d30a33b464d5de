package transfer_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

func TestLocalSinkWritesAtomically(t *testing.T) {
	dir := t.TempDir()
	target := protocol.LocalTarget{Dir: dir}
	final := filepath.Join(dir, "shop", "b1", "vol.tar.zst")

	sink, err := transfer.NewLocalSink(target, "shop/b1/vol.tar.zst")
	if err != nil {
		t.Fatalf("NewLocalSink: %v", err)
	}
	if _, err := sink.Write([]byte("first half ")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if _, err := os.Stat(final); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final file exists before Close: %v", err)
	}
	if _, err := sink.Write([]byte("second half")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	got, err := os.ReadFile(final)
	if err != nil || string(got) != "first half second half" {
		t.Fatalf("final file = %q, %v; want the whole stream", got, err)
	}
	checkOnlyFiles(t, filepath.Dir(final), "vol.tar.zst")

	r, err := transfer.OpenLocal(target, "shop/b1/vol.tar.zst")
	if err != nil {
		t.Fatalf("OpenLocal: %v", err)
	}
	defer r.Close()
	if back, _ := io.ReadAll(r); string(back) != string(got) {
		t.Fatalf("OpenLocal read %q, want %q", back, got)
	}
}

func TestLocalSinkAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	sink, err := transfer.NewLocalSink(protocol.LocalTarget{Dir: dir}, "p/b/item")
	if err != nil {
		t.Fatalf("NewLocalSink: %v", err)
	}
	if _, err := sink.Write([]byte("partial")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := sink.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	checkOnlyFiles(t, filepath.Join(dir, "p", "b"))

	if _, err := transfer.OpenLocal(protocol.LocalTarget{Dir: dir}, "p/b/item"); !errors.Is(err,
		transfer.ErrNotFound) {
		t.Fatalf("OpenLocal after Abort = %v, want ErrNotFound", err)
	}
}

func TestLocalSinkRefusesEscapes(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	target := protocol.LocalTarget{Dir: dir}

	keys := []string{"../x", "/etc/x", "a/../../x", "a//b", "", ".", "a/./b", `a\..\b`}
	for _, key := range keys {
		if _, err := transfer.NewLocalSink(target, key); !errors.Is(err, transfer.ErrInvalidKey) {
			t.Errorf("NewLocalSink(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := transfer.OpenLocal(target, key); !errors.Is(err, transfer.ErrInvalidKey) {
			t.Errorf("OpenLocal(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if _, err := transfer.NewLocalSink(target, "link/x"); err == nil {
		t.Errorf("NewLocalSink through a symlink out of the directory succeeded")
	}
	checkOnlyFiles(t, outside)
}

func TestLocalSinkNeedsExistingDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "unmounted")
	if _, err := transfer.NewLocalSink(protocol.LocalTarget{Dir: missing}, "a"); err == nil {
		t.Fatalf("NewLocalSink into a missing directory succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing directory was created: %v", err)
	}
}

// checkOnlyFiles fails unless dir holds exactly the named files: no
// temporary file may be left behind.
func checkOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}
