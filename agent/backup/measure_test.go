package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cofferhq/coffer/protocol"
)

// TestMeasureTreeMatchesWalk measures a tree wide and deep enough to keep
// every walker busy, and checks the sum against a plain one-by-one walk.
func TestMeasureTreeMatchesWalk(t *testing.T) {
	root := t.TempDir()
	var links int
	for i := range 40 {
		dir := filepath.Join(root, fmt.Sprintf("d%02d", i))
		for depth := range i % 6 {
			dir = filepath.Join(dir, fmt.Sprintf("level%d", depth))
		}
		if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o750); err != nil {
			t.Fatal(err)
		}
		for j := range 30 {
			p := filepath.Join(dir, fmt.Sprintf("f%02d", j))
			if err := os.WriteFile(p, make([]byte, i*j), 0o640); err != nil {
				t.Fatal(err)
			}
		}
		// Hard links to a file of another directory count once in all.
		if i > 0 {
			target := filepath.Join(root, "d00", "f01")
			if err := os.Link(target, filepath.Join(dir, "hardlink")); err != nil {
				t.Fatal(err)
			}
			links++
		}
		if err := os.Symlink("/etc/passwd", filepath.Join(dir, "symlink")); err != nil {
			t.Fatal(err)
		}
	}

	got, err := measureTree(context.Background(), root)
	if err != nil {
		t.Fatalf("measureTree: %v", err)
	}
	want := referenceMeasure(t, root)
	if got != want {
		t.Errorf("measureTree = %+v, want %+v", got, want)
	}
	if want.Files != 40*30 {
		t.Errorf("reference counted %d files, want %d (%d hard links)", want.Files, 40*30,
			links)
	}
}

// referenceMeasure is the obvious, sequential measure.
func referenceMeasure(t *testing.T, root string) protocol.MeasureResult {
	t.Helper()
	var res protocol.MeasureResult
	seen := map[inode]bool{}
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := info.Sys().(*syscall.Stat_t)
		id := inode{dev: st.Dev, ino: st.Ino}
		if seen[id] {
			return nil
		}
		seen[id] = true
		res.Bytes += info.Size()
		res.Files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMeasureTreeEmptyAndCanceled(t *testing.T) {
	root := t.TempDir()
	got, err := measureTree(context.Background(), root)
	if err != nil || got != (protocol.MeasureResult{}) {
		t.Errorf("empty tree: %+v, %v", got, err)
	}

	if err := os.MkdirAll(filepath.Join(root, "a", "b"), 0o750); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := measureTree(ctx, root); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: err = %v, want context.Canceled", err)
	}

	if _, err := measureTree(context.Background(), filepath.Join(root, "gone")); err == nil {
		t.Error("missing root: no error")
	}
}
