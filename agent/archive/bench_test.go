package archive_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

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

// cpuMeter reports content megabytes per CPU second, user and system time
// of all threads: on a shared machine a steadier figure than MB/s.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{start: cpuTime()} }

func (m cpuMeter) report(b *testing.B, bytesPerOp int64) {
	used := (cpuTime() - m.start).Seconds()
	if used > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/used, "MB/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
	cpu := startCPU()
	var out countingWriter
	for b.Loop() {
		out.n = 0
		zw, err := archive.Compress(archive.NewDigest(&out), archive.LevelDefault)
		if err != nil {
			b.Fatal(err)
		}
		_, err = archive.Write(context.Background(), zw, dir, archive.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b, size)
	b.ReportMetric(float64(size)/float64(out.n), "ratio")
}

// BenchmarkWriteTarOnly measures the walk and tar framing alone.
func BenchmarkWriteTarOnly(b *testing.B) {
	dir, size := benchTree(b)
	b.SetBytes(size)
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		_, err := archive.Write(context.Background(), io.Discard, dir, archive.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b, size)
}

// BenchmarkExtract measures the restore path: Decompress → Extract into a
// new directory each time.
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
	parent := b.TempDir()
	b.SetBytes(size)
	b.ResetTimer()
	cpu := startCPU()

	for b.Loop() {
		zr, err := archive.Decompress(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		dest, err := os.MkdirTemp(parent, "extract-")
		if err != nil {
			b.Fatal(err)
		}
		opts := archive.ExtractOptions{AllowAbsoluteSymlinks: true}
		if _, err := archive.Extract(context.Background(), zr, dest, opts); err != nil {
			b.Fatal(err)
		}
		zr.Close()
	}
	cpu.report(b, size)
}
