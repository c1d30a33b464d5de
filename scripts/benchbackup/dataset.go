package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// datasetVersion changes whenever the generator would write different
// bytes for the same spec, so that a stale cache is regenerated.
const datasetVersion = 1

// datasetSpec says which data set to generate; equal specs give identical
// trees, byte for byte and mtime for mtime.
type datasetSpec struct {
	Version int    `json:"version"`
	SizeMiB int    `json:"sizeMiB"`
	Seed    uint64 `json:"seed"`
}

func (s datasetSpec) name() string {
	return fmt.Sprintf("set-v%d-%dmib-seed%d", s.Version, s.SizeMiB, s.Seed)
}

// fileEntry describes one regular file of the data set.
type fileEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// dataset is a generated tree and the manifest that restores are checked
// against. The manifest is kept beside the tree, not in it, so that it is
// not backed up.
type dataset struct {
	Spec    datasetSpec `json:"spec"`
	Files   int         `json:"files"`
	Bytes   int64       `json:"bytes"`
	Entries []fileEntry `json:"entries"`
	dir     string
	byPath  map[string]fileEntry
}

// ensureDataset returns the data set of spec under cache, generating it
// when it is missing or does not match its manifest.
func ensureDataset(ctx context.Context, cache string, spec datasetSpec) (*dataset, error) {
	dir := filepath.Join(cache, spec.name())
	manifest := dir + ".json"
	ds, err := loadDataset(manifest, dir, spec)
	if err == nil {
		progress("data set %s: reused (%d files, %s)", dir, ds.Files, mibString(ds.Bytes))
		return ds, nil
	}

	progress("data set %s: generating (%v)", dir, err)
	start := time.Now()
	ds, err = generateDataset(ctx, dir, spec)
	if err != nil {
		return nil, err
	}
	if err := writeManifest(manifest, ds); err != nil {
		return nil, err
	}
	progress("data set generated in %.1f s: %d files, %s", time.Since(start).Seconds(),
		ds.Files, mibString(ds.Bytes))
	return ds, nil
}

// loadDataset reads the manifest and checks that the tree still holds the
// same files with the same sizes. Contents are not hashed here: every
// restore is, and a tree edited in place would show there.
func loadDataset(manifest, dir string, spec datasetSpec) (*dataset, error) {
	raw, err := os.ReadFile(manifest)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	ds := &dataset{dir: dir}
	if err := json.Unmarshal(raw, ds); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", manifest, err)
	}
	if ds.Spec != spec {
		return nil, errors.New("manifest is of another spec")
	}
	if err := checkSizes(dir, ds.Entries); err != nil {
		return nil, err
	}
	return ds, nil
}

func checkSizes(dir string, entries []fileEntry) error {
	for _, e := range entries {
		fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(e.Path)))
		if err != nil {
			return fmt.Errorf("check data set: %w", err)
		}
		if !fi.Mode().IsRegular() || fi.Size() != e.Size {
			return fmt.Errorf("check data set: %s changed", e.Path)
		}
	}
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("check data set: %w", err)
	}
	if n != len(entries) {
		return fmt.Errorf("check data set: %d files, want %d", n, len(entries))
	}
	return nil
}

// writeManifest writes the manifest through a temporary file, so that a
// manifest on disk always describes a complete tree.
func writeManifest(path string, ds *dataset) error {
	raw, err := json.Marshal(ds)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
