package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
)

func TestLocalRefusesEscapes(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	target, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	ctx := testContext(t)

	for _, key := range []string{"../x", "/etc/passwd", "a/../../x", "a//b", "", `a\b`} {
		if err := target.Put(ctx, key, []byte("x")); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if err := target.Put(ctx, "link/x", []byte("x")); err == nil {
		t.Errorf("Put through a symlink out of the directory succeeded")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files appeared outside the directory: %v", entries)
	}
}

func TestLocalMissingDirectory(t *testing.T) {
	target, err := storage.NewLocal(filepath.Join(t.TempDir(), "unmounted"))
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	if err := target.Probe(testContext(t)); !errors.Is(err, storage.ErrBucketNotFound) {
		t.Fatalf("Probe = %v, want ErrBucketNotFound", err)
	}
	if _, err := storage.NewLocal("relative/dir"); !errors.Is(err, storage.ErrInvalidConfig) {
		t.Fatalf("NewLocal(relative) = %v, want ErrInvalidConfig", err)
	}
}

func TestLocalDoesNotPresign(t *testing.T) {
	target, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	ctx := testContext(t)

	if _, err := target.CreateUpload(ctx, "k"); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("CreateUpload = %v, want ErrUnsupported", err)
	}
	if _, err := target.PresignParts(ctx, "k", "u", 1, 1, time.Hour); !errors.Is(err,
		errors.ErrUnsupported) {
		t.Errorf("PresignParts = %v, want ErrUnsupported", err)
	}
	if _, err := target.PresignGet(ctx, "k", time.Hour); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("PresignGet = %v, want ErrUnsupported", err)
	}
}

func TestLocalListSkipsPartialFiles(t *testing.T) {
	dir := t.TempDir()
	target, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	ctx := testContext(t)
	if err := target.Put(ctx, "p/b/done", []byte("x")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	partial := filepath.Join(dir, "p", "b", ".coffer-tmp-123")
	if err := os.WriteFile(partial, []byte("half"), 0o600); err != nil {
		t.Fatalf("write partial file: %v", err)
	}

	got := listKeys(t, target, "p/")
	if len(got) != 1 || got[0] != "p/b/done" {
		t.Fatalf("List = %q, want only p/b/done", got)
	}

	if err := target.Delete(ctx, "p/b/done"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := os.Stat(partial); err != nil {
		t.Fatalf("partial file of another writer was removed: %v", err)
	}
}
