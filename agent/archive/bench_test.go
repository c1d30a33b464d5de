package archive_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// The benchmark tree is made once per process and removed by TestMain:
// generating 200 MiB for every b.N round would dwarf what is measured.
var bench struct {
	once  sync.Once
	dir   string
	bytes int64
	err   error
}

// benchTree returns a tree of about 200 MiB: 2,500 text files of up to
// 128 KiB (compressible, like configuration and logs) and 40 MiB that does
// not compress (like media or already compressed data).
func benchTree(b *testing.B) (string, int64) {
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "coffer-archive-bench-")
		if bench.err != nil {
			return
		}
		archivetest.Generate(b, bench.dir, archivetest.Options{
			Files: 2500, TextSize: 128 << 10, RandomSize: 40 << 20, Seed: 4,
		})
		var stats archive.Stats
		stats, bench.err = archive.Write(context.Background(), io.Discard, bench.dir,
			archive.WriteOptions{})
		bench.bytes = stats.Bytes
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.dir, bench.bytes
}

func removeBenchTree() {
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
}

// countingWriter counts what reaches it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkWrite measures the backup path without a sink: Write → Compress
// → Digest → discard. MB/s counts file content.
func BenchmarkWrite(b *testing.B) {
	dir, size := benchTree(b)
	b.SetBytes(size)
	b.ResetTimer()
	var out countingWriter
	for b.Loop() {
		out.n = 0
		zw, err := archive.Compress(archive.NewDigest(&out), archive.LevelDefault)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := archive.Write(context.Background(), zw, dir, archive.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/float64(out.n), "ratio")
}

// BenchmarkWriteTarOnly measures the walk and tar framing alone.
func BenchmarkWriteTarOnly(b *testing.B) {
	dir, size := benchTree(b)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := archive.Write(context.Background(), io.Discard, dir, archive.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtract measures the restore path: Decompress → Extract into an
// emptied directory.
func BenchmarkExtract(b *testing.B) {
	dir, size := benchTree(b)
	var buf bytes.Buffer
	zw, err := archive.Compress(&buf, archive.LevelDefault)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := archive.Write(context.Background(), zw, dir, archive.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	dest := b.TempDir()
	b.SetBytes(size)
	b.ResetTimer()

	for b.Loop() {
		zr, err := archive.Decompress(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		opts := archive.ExtractOptions{Replace: true, AllowAbsoluteSymlinks: true}
		if _, err := archive.Extract(context.Background(), zr, dest, opts); err != nil {
			b.Fatal(err)
		}
		zr.Close()
	}
}
