package archive_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive"
)

// rootTar is an archive whose top directory has mode 0750 and a fixed
// mtime, holding one file and one directory.
func rootTar(t *testing.T, mtime time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	headers := []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "./", Mode: 0o750, ModTime: mtime},
		{Typeflag: tar.TypeReg, Name: "fresh", Mode: 0o644, Size: 8, ModTime: mtime},
		{Typeflag: tar.TypeDir, Name: "d/", Mode: 0o755, ModTime: mtime},
	}
	for _, h := range headers {
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte("restored")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReplaceSwapsContents(t *testing.T) {
	parent := t.TempDir()
	dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
	mkdirs(t, filepath.Join(dest, "sub", "deeper"), outside)
	writeFile(t, filepath.Join(dest, "sub", "deeper", "f"), "old")
	writeFile(t, filepath.Join(outside, "keep"), "kept")
	if err := os.Symlink(outside, filepath.Join(dest, "link")); err != nil {
		t.Fatal(err)
	}

	staging, err := archive.Stage(dest)
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	_, err = archive.Extract(context.Background(), bytes.NewReader(rootTar(t, mtime)),
		staging.Dir, archive.ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	// Until the swap, the volume is what it was.
	checkOnly(t, filepath.Join(dest, "sub", "deeper"), "f")

	if err := staging.Replace(); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	checkOnly(t, dest, "d", "fresh")
	checkOnly(t, outside, "keep")
	if got := readFile(t, filepath.Join(dest, "fresh")); got != "restored" {
		t.Errorf("fresh holds %q, want %q", got, "restored")
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 || !fi.ModTime().Equal(mtime) {
		t.Errorf("dest has mode %v and mtime %v, want 0750 and %v",
			fi.Mode().Perm(), fi.ModTime(), mtime)
	}
}

// TestReplaceUndoesFailedSwap: when a staged entry cannot be moved in,
// dest gets its own entries back and the staged ones stay staged until
// Discard, which also puts dest's mtime back.
func TestReplaceUndoesFailedSwap(t *testing.T) {
	dest := t.TempDir()
	writeFile(t, filepath.Join(dest, "a"), "old a")
	writeFile(t, filepath.Join(dest, "b"), "old b")
	before := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(dest, before, before); err != nil {
		t.Fatal(err)
	}
	staging, err := archive.Stage(dest)
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	name := filepath.Base(staging.Dir)
	writeFile(t, filepath.Join(staging.Dir, "new"), "new")
	// An entry named like the staging directory cannot be moved into
	// dest, which still holds that directory.
	mkdirs(t, filepath.Join(staging.Dir, name))

	if err := staging.Replace(); err == nil {
		t.Fatal("Replace succeeded, want an error")
	}
	checkOnly(t, dest, name, "a", "b")
	checkOnly(t, staging.Dir, name, "new")
	if got := readFile(t, filepath.Join(dest, "a")); got != "old a" {
		t.Errorf("a holds %q after the undo, want %q", got, "old a")
	}

	if err := staging.Discard(); err != nil {
		t.Fatalf("Discard: %v", err)
	}
	checkOnly(t, dest, "a", "b")
	if fi, err := os.Stat(dest); err != nil || !fi.ModTime().Equal(before) {
		t.Errorf("dest after Discard: %v, %v; want mtime %v", fi.ModTime(), err, before)
	}
}

func TestStageCreatesMissingDestination(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "new", "volume")
	staging, err := archive.Stage(dest)
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	if filepath.Dir(staging.Dir) != dest {
		t.Errorf("staged in %s, want inside %s", staging.Dir, dest)
	}
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

// TestStageClearsLeftovers: the directories a crashed agent left are
// removed, those of a restore still running are kept, and an interrupted
// swap stops the next restore with both halves in place.
func TestStageClearsLeftovers(t *testing.T) {
	dest := t.TempDir()
	writeFile(t, filepath.Join(dest, "data"), "volume data")
	mkdirs(t,
		filepath.Join(dest, ".coffer-restore-dead1", "partial"),
		filepath.Join(dest, ".coffer-replaced-dead2", "old"),
	)
	writeFile(t, filepath.Join(dest, ".coffer-restore-notadir"), "a file of the volume's")
	running, err := archive.Stage(dest)
	if err != nil {
		t.Fatalf("Stage: %v", err)
	}
	defer func() { _ = running.Discard() }()
	want := []string{".coffer-restore-notadir", filepath.Base(running.Dir), "data"}
	slices.Sort(want)
	checkOnly(t, dest, want...)

	next, err := archive.Stage(dest)
	if err != nil {
		t.Fatalf("second Stage: %v", err)
	}
	defer func() { _ = next.Discard() }()
	want = append(want, filepath.Base(next.Dir))
	slices.Sort(want)
	checkOnly(t, dest, want...)
}

func TestStageRefusesAfterInterruptedSwap(t *testing.T) {
	dest := t.TempDir()
	mkdirs(t,
		filepath.Join(dest, ".coffer-restore-cut", "not-yet-moved"),
		filepath.Join(dest, ".coffer-replaced-cut", "moved-aside"),
	)
	writeFile(t, filepath.Join(dest, "moved-in"), "restored")

	_, err := archive.Stage(dest)
	if !errors.Is(err, archive.ErrInterrupted) {
		t.Fatalf("Stage = %v, want ErrInterrupted", err)
	}
	checkOnly(t, dest, ".coffer-replaced-cut", ".coffer-restore-cut", "moved-in")
}
