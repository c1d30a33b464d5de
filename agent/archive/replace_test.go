package archive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
)

func TestReplaceContents(t *testing.T) {
	parent := t.TempDir()
	dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
	mkdirs(t, filepath.Join(dest, "sub", "deeper"), outside)
	if err := os.Chmod(dest, 0o750); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dest, "sub", "deeper", "f"), "old")
	writeFile(t, filepath.Join(outside, "keep"), "kept")
	if err := os.Symlink(outside, filepath.Join(dest, "link")); err != nil {
		t.Fatal(err)
	}

	if err := archive.ReplaceContents(dest); err != nil {
		t.Fatalf("ReplaceContents: %v", err)
	}
	checkOnly(t, dest)
	checkOnly(t, outside, "keep")
	fi, err := os.Stat(dest)
	if err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("dest after ReplaceContents: %v, %v; want it kept with mode 0750", fi, err)
	}
}

func TestExtractReplaceOption(t *testing.T) {
	dest := t.TempDir()
	writeFile(t, filepath.Join(dest, "stale"), "from an older state")
	data := tarBytes(t, file("fresh", "restored"))

	opts := archive.ExtractOptions{Replace: true}
	_, err := archive.Extract(context.Background(), bytes.NewReader(data), dest, opts)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	checkOnly(t, dest, "fresh")
}

func TestExtractMergesIntoExisting(t *testing.T) {
	dest := t.TempDir()
	mkdirs(t, filepath.Join(dest, "d"))
	writeFile(t, filepath.Join(dest, "d", "kept"), "mine")
	data := tarBytes(t, dir("d/"), file("d/new", "theirs"))

	if _, err := archive.Extract(context.Background(), bytes.NewReader(data), dest,
		archive.ExtractOptions{}); err != nil {
		t.Fatalf("Extract: %v", err)
	}
	checkOnly(t, filepath.Join(dest, "d"), "kept", "new")
}
