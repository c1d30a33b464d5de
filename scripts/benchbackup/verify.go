package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// verify checks that root holds exactly the data set's regular files, with
// the same sizes and contents, and nothing else but directories.
func (ds *dataset) verify(root string) error {
	want := ds.index()
	var found []fileEntry
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		e, ok := want[filepath.ToSlash(rel)]
		if !ok || !d.Type().IsRegular() {
			return fmt.Errorf("unexpected %s (%s)", rel, d.Type())
		}
		found = append(found, e)
		return nil
	})
	if err != nil {
		return fmt.Errorf("verify restore in %s: %w", root, err)
	}
	if len(found) != len(want) {
		return fmt.Errorf("verify restore in %s: %d files, want %d", root, len(found),
			len(want))
	}
	return checkContents(root, found)
}

// index maps each file's slash-separated path to its entry.
func (ds *dataset) index() map[string]fileEntry {
	if ds.byPath == nil {
		ds.byPath = make(map[string]fileEntry, len(ds.Entries))
		for _, e := range ds.Entries {
			ds.byPath[e.Path] = e
		}
	}
	return ds.byPath
}

// checkContents hashes the files on every CPU.
func checkContents(root string, entries []fileEntry) error {
	var g errgroup.Group
	g.SetLimit(runtime.NumCPU())
	for _, e := range entries {
		g.Go(func() error { return checkFile(filepath.Join(root, filepath.FromSlash(e.Path)), e) })
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("verify restore in %s: %w", root, err)
	}
	return nil
}

func checkFile(path string, e fileEntry) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("read %s: %w", e.Path, err)
	}
	if n != e.Size {
		return fmt.Errorf("%s has %d bytes, want %d", e.Path, n, e.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return fmt.Errorf("%s has sha256 %s, want %s", e.Path, got, e.SHA256)
	}
	return nil
}
