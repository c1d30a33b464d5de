package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// warm reads every file of the data set, so that each tool's backup reads
// it from memory.
func (ds *dataset) warm() error {
	for _, e := range ds.Entries {
		f, err := os.Open(filepath.Join(ds.dir, filepath.FromSlash(e.Path)))
		if err != nil {
			return fmt.Errorf("warm data set: %w", err)
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("warm data set: read %s: %w", e.Path, err)
		}
	}
	return nil
}

// prepareBackup gives every tool's backup the same start: what earlier
// phases left in the page cache is dropped, then the data set is read back
// into it. The cache left by earlier rounds otherwise grows with every
// restore kept, and on this virtual machine writes got slower as it grew:
// the S3 server's part of a backup took up to six times as long in later
// rounds. dropped tells whether the cache could be dropped (it needs
// root).
func (ds *dataset) prepareBackup() (dropped bool, err error) {
	dropped = dropPageCache() == nil
	return dropped, ds.warm()
}
