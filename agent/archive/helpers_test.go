package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os/exec"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive"
)

// compressTree runs the backup half of the data path into memory:
// Write → Compress → Digest.
func compressTree(t testing.TB, root string) ([]byte, archive.Stats) {
	t.Helper()
	var buf bytes.Buffer
	digest := archive.NewDigest(&buf)
	zw, err := archive.Compress(digest, archive.LevelDefault)
	if err != nil {
		t.Fatalf("Compress: %v", err)
	}
	stats, err := archive.Write(context.Background(), zw, root, archive.WriteOptions{})
	if err != nil {
		t.Fatalf("Write(%s): %v", root, err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close compressor: %v", err)
	}

	size, sum := digest.Sum()
	want := sha256.Sum256(buf.Bytes())
	if size != int64(buf.Len()) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("Digest.Sum() = %d, %s; want %d, %x", size, sum, buf.Len(), want)
	}
	return buf.Bytes(), stats
}

// extractCompressed runs the restore half: Decompress → Extract.
func extractCompressed(t testing.TB, data []byte, dest string,
	opts archive.ExtractOptions) archive.Stats {
	t.Helper()
	zr, err := archive.Decompress(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Decompress: %v", err)
	}
	defer zr.Close()
	stats, err := archive.Extract(context.Background(), zr, dest, opts)
	if err != nil {
		t.Fatalf("Extract into %s: %v", dest, err)
	}
	return stats
}

// lookTool finds a command the test needs, failing rather than skipping:
// a CI machine without it must not pass silently.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test needs %s installed: %v", name, err)
	}
	return p
}

// timed logs how long a step took, so slow steps show in -v output.
func timed(t testing.TB, step string) func() {
	start := time.Now()
	return func() { t.Logf("%s took %v", step, time.Since(start).Round(time.Millisecond)) }
}
