package archive_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// TestRoundTrip backs up a generated tree and restores it twice: with
// Extract, and by hand with the zstd and GNU tar commands.
func TestRoundTrip(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	done := timed(t, "generate")
	archivetest.Generate(t, src, archivetest.Options{
		Files:       10_000,
		BigFileSize: bigFileSize(),
		Seed:        1,
	})
	done()

	done = timed(t, "write and compress")
	data, wrote := compressTree(t, src)
	done()
	t.Logf("archive: %d bytes compressed, stats %+v", len(data), wrote)
	checkWriteStats(t, wrote)

	t.Run("Extract", func(t *testing.T) {
		dest := t.TempDir()
		defer timed(t, "decompress, extract and compare")()
		opts := archive.ExtractOptions{AllowAbsoluteSymlinks: true}
		read := extractCompressed(t, data, dest, opts)
		if read != wrote {
			t.Errorf("Extract stats = %+v, want the Write stats %+v", read, wrote)
		}
		archivetest.Compare(t, src, dest)
	})

	t.Run("GNUTar", func(t *testing.T) {
		dest := t.TempDir()
		defer timed(t, "zstd -d | tar -x and compare")()
		gnuExtract(t, data, dest)
		archivetest.Compare(t, src, dest)
	})
}

func checkWriteStats(t *testing.T, s archive.Stats) {
	t.Helper()
	want := archive.Stats{
		Files:     s.Files,
		Dirs:      s.Dirs,
		Symlinks:  6,
		Hardlinks: 3,
		Fifos:     1,
		Bytes:     s.Bytes,
	}
	if s != want {
		t.Errorf("Write stats = %+v, want %+v", s, want)
	}
	if s.Files < 10_000 || s.Bytes < bigFileSize() {
		t.Errorf("Write stats = %+v, want at least 10000 files and %d bytes", s, bigFileSize())
	}
}

// bigFileSize is over 100 MiB, past any buffer or window, except under the
// race detector: it slows zstd about tenfold, and the goroutines it checks
// interleave the same way on a smaller file.
func bigFileSize() int64 {
	if raceEnabled {
		return 24 << 20
	}
	return 101 << 20
}

// gnuExtract restores the way the design promises works by hand:
// zstd -d | tar -x, as root keeping owners, modes and xattrs.
func gnuExtract(t *testing.T, data []byte, dest string) {
	t.Helper()
	unzstd := exec.Command(lookTool(t, "zstd"), "-d", "-c", "-q")
	untar := exec.Command(lookTool(t, "tar"),
		"--xattrs", "--xattrs-include=*", "-xpf", "-", "-C", dest)

	var zerr, terr bytes.Buffer
	unzstd.Stdin = bytes.NewReader(data)
	unzstd.Stderr = &zerr
	untar.Stderr = &terr
	pipe, err := unzstd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	untar.Stdin = pipe

	if err := untar.Start(); err != nil {
		t.Fatalf("start tar: %v", err)
	}
	if err := unzstd.Run(); err != nil {
		t.Errorf("zstd -d: %v: %s", err, zerr.Bytes())
	}
	if err := untar.Wait(); err != nil {
		t.Fatalf("tar -x: %v: %s", err, terr.Bytes())
	}
	if terr.Len() > 0 {
		// GNU tar warns about the generated pre-1970 and year-2100
		// mtimes, and restores them all the same.
		t.Logf("tar -x printed: %s", terr.Bytes())
	}
}
