package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// warm reads every file of the data set, so that each tool's backup reads
// it from memory. The machine gives page cache back to its host between
// phases at times; without this, whichever tool ran first after that would
// read from disk and the others from memory.
func (ds *dataset) warm() error {
	buf := make([]byte, 1<<20)
	for _, e := range ds.Entries {
		f, err := os.Open(filepath.Join(ds.dir, filepath.FromSlash(e.Path)))
		if err != nil {
			return fmt.Errorf("warm data set: %w", err)
		}
		_, err = io.CopyBuffer(io.Discard, onlyReader{f}, buf)
		f.Close()
		if err != nil {
			return fmt.Errorf("warm data set: read %s: %w", e.Path, err)
		}
	}
	return nil
}

// onlyReader hides the file's WriterTo, so that CopyBuffer uses the buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
