package archive_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
)

// mixedData is compressible text with stretches of random bytes, so that
// frames of both kinds come out.
func mixedData(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	data := make([]byte, 0, size)
	for len(data) < size {
		if rng.IntN(4) == 0 {
			chunk := make([]byte, 1+rng.IntN(300_000))
			for i := range chunk {
				chunk[i] = byte(rng.Uint32())
			}
			data = append(data, chunk...)
			continue
		}
		line := []byte("GET /api/backups?projectId=7 200 1832 coffer-agent\n")
		for range 1 + rng.IntN(5000) {
			data = append(data, line...)
		}
	}
	return data[:size]
}

func compressInChunksWith(t *testing.T,
	compress func(io.Writer, archive.Level) (io.WriteCloser, error),
	data []byte, chunk int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := compress(&buf, archive.LevelFastest)
	if err != nil {
		t.Fatal(err)
	}
	for p := data; len(p) > 0; {
		n := min(chunk, len(p))
		if _, err := zw.Write(p[:n]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		p = p[n:]
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

// TestCompressRoundTripsAcrossFrames covers streams shorter than a frame,
// exactly a whole number of frames and in between, written in chunk sizes
// that do and do not divide the frame size.
func TestCompressRoundTripsAcrossFrames(t *testing.T) {
	sizes := []int{0, 1, 100_000, 1 << 20, 4 << 20, 5<<20 + 12345}
	for _, c := range compressors {
		for _, size := range sizes {
			for _, chunk := range []int{777, 64 << 10, 3 << 20} {
				want := mixedData(size, uint64(size))
				got := decompressAll(t, compressInChunksWith(t, c.compress, want, chunk))
				if !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes in chunks of %d: round trip gave %d bytes, want %d",
						c.name, size, chunk, len(got), len(want))
				}
			}
		}
	}
}

// TestCompressOutputReadsWithZstdCommand: restoring by hand must work with
// nothing but the zstd command, which reads the frames as one stream.
func TestCompressOutputReadsWithZstdCommand(t *testing.T) {
	bin, err := exec.LookPath("zstd")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("find zstd (apt-get install zstd): %v", err)
		}
		t.Skip("zstd is not installed")
	}

	for _, c := range compressors {
		for _, size := range []int{0, 3<<20 + 1} {
			want := mixedData(size, 7)
			cmd := exec.Command(bin, "-d", "-c", "-q")
			cmd.Stdin = bytes.NewReader(compressInChunksWith(t, c.compress, want, 1<<16))
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: zstd -d of %d bytes: %v", c.name, size, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: zstd -d gave %d bytes, want %d", c.name, len(got), len(want))
			}
		}
	}
}

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit int
	err   error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		return 0, w.err
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestCompressStopsAtWriteFailure(t *testing.T) {
	broken := errors.New("storage went away")
	w := &failingWriter{limit: 100_000, err: broken}
	zw, err := archive.Compress(w, archive.LevelFastest)
	if err != nil {
		t.Fatal(err)
	}

	data := mixedData(16<<20, 3)
	var writeErr error
	for p := data; len(p) > 0 && writeErr == nil; {
		n := min(1<<20, len(p))
		_, writeErr = zw.Write(p[:n])
		p = p[n:]
	}
	closeErr := zw.Close()

	if !errors.Is(closeErr, broken) {
		t.Errorf("Close = %v, want %v", closeErr, broken)
	}
	if writeErr != nil && !errors.Is(writeErr, broken) {
		t.Errorf("Write = %v, want nil or %v", writeErr, broken)
	}
	if _, err := zw.Write([]byte("more")); err == nil {
		t.Error("Write after Close succeeded, want an error")
	}
	if err := zw.Close(); !errors.Is(err, broken) {
		t.Errorf("second Close = %v, want %v", err, broken)
	}
}

func TestCompressRefusesWriteAfterClose(t *testing.T) {
	zw, err := archive.Compress(io.Discard, archive.LevelFastest)
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n, err := zw.Write([]byte("late")); err == nil || n != 0 {
		t.Errorf("Write after Close = %d, %v; want 0 and an error", n, err)
	}
}
