package archive

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
)

// zeroBlock is compared against, never written; its pages stay unmapped.
var zeroBlock [copyBufferSize]byte

// writeContent copies an entry's content into f. Runs of zeros a whole
// buffer long become holes, so sparse files come back sparse (and so do
// dense files full of zeros, which reads the same).
func (x *extractor) writeContent(f *os.File, r io.Reader, hdr *tar.Header) (int64, error) {
	var done int64
	holes := false
	for done < hdr.Size {
		if err := x.ctx.Err(); err != nil {
			return done, err
		}
		chunk := x.buf[:min(int64(len(x.buf)), hdr.Size-done)]
		n, err := io.ReadFull(r, chunk)
		if err != nil {
			return done, fmt.Errorf("read content of %q: %w", hdr.Name, err)
		}

		if bytes.Equal(chunk, zeroBlock[:n]) {
			_, err = f.Seek(int64(n), io.SeekCurrent)
			holes = true
		} else {
			_, err = f.Write(chunk)
		}
		if err != nil {
			return done, fmt.Errorf("write %q: %w", hdr.Name, err)
		}
		done += int64(n)
	}

	if holes {
		if err := f.Truncate(hdr.Size); err != nil {
			return done, fmt.Errorf("extend %q: %w", hdr.Name, err)
		}
	}
	return done, nil
}
