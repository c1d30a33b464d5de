package archive_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// rssChildEnv makes the test binary run one pipeline and print its peak
// RSS instead of running tests: peak RSS is per process, so each pipeline
// needs a fresh one.
const rssChildEnv = "COFFER_ARCHIVE_RSS_CHILD"

// rssLimitKiB is the agent's whole memory target; one stream must fit in it
// with room to spare.
const rssLimitKiB = 64 << 10

// TestPipelineMemoryBounded runs the backup path (Write → Compress →
// Digest → file) and the restore path (file → Decompress → Extract) over an
// 80 MiB tree (20 windows), each in its own process, and checks peak RSS.
func TestPipelineMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector multiplies memory use; RSS is checked without it")
	}
	work := t.TempDir()
	src, dest := filepath.Join(work, "src"), filepath.Join(work, "dest")
	mkdirs(t, src, dest)
	archivetest.Generate(t, src, archivetest.Options{
		Files: 1000, BigFileSize: 64 << 20, RandomSize: 16 << 20, Seed: 3,
	})
	zst := filepath.Join(work, "tree.tar.zst")

	for _, spec := range []string{"backup:" + src + ":" + zst, "restore:" + zst + ":" + dest} {
		kib := childPeakRSS(t, spec)
		step, _, _ := strings.Cut(spec, ":")
		t.Logf("%s peak RSS: %.1f MiB", step, float64(kib)/1024)
		if kib >= rssLimitKiB {
			t.Errorf("%s peak RSS = %d KiB, want under %d KiB", step, kib, rssLimitKiB)
		}
	}
	archivetest.Compare(t, src, dest)
}

func childPeakRSS(t *testing.T, spec string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+spec)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run %s child: %v: %s", spec, err, stderrOf(err))
	}
	var kib int64
	if _, err := fmt.Sscanf(string(out), "peak-rss-kib=%d", &kib); err != nil {
		t.Fatalf("parse child output %q: %v", out, err)
	}
	return kib
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// runRSSChild runs "backup:SRC:FILE" or "restore:FILE:DEST" and prints the
// process's peak RSS.
func runRSSChild(spec string) int {
	parts := strings.SplitN(spec, ":", 3)
	var err error
	switch parts[0] {
	case "backup":
		err = backupToFile(parts[1], parts[2])
	case "restore":
		err = restoreFromFile(parts[1], parts[2])
	default:
		err = fmt.Errorf("unknown step %q", parts[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	kib, err := peakRSS()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("peak-rss-kib=%d\n", kib)
	return 0
}

// peakRSS reads VmHWM. getrusage's ru_maxrss would not do: Linux keeps it
// across execve, so a child reports its parent's peak at fork time.
func peakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kib)
			return kib, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

func backupToFile(src, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw, err := archive.Compress(archive.NewDigest(f), archive.LevelDefault)
	if err != nil {
		return err
	}
	if _, err := archive.Write(context.Background(), zw, src, archive.WriteOptions{}); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func restoreFromFile(path, dest string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := archive.Decompress(f)
	if err != nil {
		return err
	}
	defer zr.Close()
	opts := archive.ExtractOptions{AllowAbsoluteSymlinks: true}
	_, err = archive.Extract(context.Background(), zr, dest, opts)
	return err
}
