package archive_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/cofferhq/coffer/agent/archive"
)

// compressors are the encoders a build may use: Compress takes the zstd
// library where cgo is on, and the pure-Go encoder otherwise.
var compressors = []struct {
	name     string
	compress func(io.Writer, archive.Level) (io.WriteCloser, error)
}{
	{"default", archive.Compress},
	{"go", archive.CompressGo},
}

func TestCompressLevels(t *testing.T) {
	for _, c := range compressors {
		t.Run(c.name, func(t *testing.T) { testCompressLevels(t, c.compress) })
	}
}

func testCompressLevels(t *testing.T,
	compress func(io.Writer, archive.Level) (io.WriteCloser, error)) {
	want := []byte(strings.Repeat("coffer keeps volumes safe\n", 50_000))
	levels := []archive.Level{
		archive.LevelDefault, archive.LevelFastest, archive.LevelBetter, archive.LevelBest,
	}
	for _, level := range levels {
		var buf bytes.Buffer
		zw, err := compress(&buf, level)
		if err != nil {
			t.Fatalf("Compress(level %d): %v", level, err)
		}
		if _, err := zw.Write(want); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}

		got := decompressAll(t, buf.Bytes())
		if !bytes.Equal(got, want) {
			t.Errorf("level %d: round trip gave %d bytes, want %d", level, len(got), len(want))
		}
		if buf.Len() >= len(want)/10 {
			t.Errorf("level %d: compressed to %d bytes, want under %d",
				level, buf.Len(), len(want)/10)
		}
	}

	if _, err := compress(io.Discard, archive.Level(99)); err == nil {
		t.Error("Compress(level 99) succeeded, want an error")
	}
}

func decompressAll(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := archive.Decompress(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("read decompressed: %v", err)
	}
	return got
}

// TestDecompressRefusesLargeWindow: a frame that asks for more history than
// the decoder's bound is refused rather than allocated.
func TestDecompressRefusesLargeWindow(t *testing.T) {
	var buf bytes.Buffer
	enc, err := zstd.NewWriter(&buf, zstd.WithWindowSize(64<<20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}

	zr, err := archive.Decompress(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	_, err = io.ReadAll(zr)
	refused := errors.Is(err, zstd.ErrWindowSizeExceeded) ||
		errors.Is(err, zstd.ErrDecoderSizeExceeded)
	if !refused {
		t.Errorf("reading a 64 MiB window frame: error %v, want the window refused", err)
	}
}

func TestDecompressDetectsTruncation(t *testing.T) {
	var buf bytes.Buffer
	zw, err := archive.Compress(&buf, archive.LevelDefault)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(bytes.Repeat([]byte("truncate me "), 100_000)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	zr, err := archive.Decompress(bytes.NewReader(buf.Bytes()[:buf.Len()-10]))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if _, err := io.ReadAll(zr); err == nil {
		t.Error("reading a truncated stream succeeded, want an error")
	}
}
