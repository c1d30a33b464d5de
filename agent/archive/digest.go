package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// Digest passes writes through to an underlying writer while counting the
// bytes and hashing them with SHA-256: the size and checksum a stored object
// is verified against. Only bytes the underlying writer accepted are counted.
// With a nil writer it only counts and hashes, which suits io.TeeReader on
// the restore side.
type Digest struct {
	w    io.Writer
	h    hash.Hash
	size int64
}

// NewDigest returns a Digest writing through to w, which may be nil.
func NewDigest(w io.Writer) *Digest {
	return &Digest{w: w, h: sha256.New()}
}

func (d *Digest) Write(p []byte) (int, error) {
	n := len(p)
	var err error
	if d.w != nil {
		n, err = d.w.Write(p)
	}
	d.h.Write(p[:n])
	d.size += int64(n)
	return n, err
}

// Sum returns the byte count and the lowercase hex SHA-256 of everything
// written so far. Writing may go on afterwards.
func (d *Digest) Sum() (size int64, sha256hex string) {
	return d.size, hex.EncodeToString(d.h.Sum(nil))
}
