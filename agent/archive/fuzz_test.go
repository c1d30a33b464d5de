package archive_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive"
)

var updateSeeds = flag.Bool("update-fuzz-seeds", false,
	"rewrite testdata/fuzz/FuzzExtract from the unsafe archive cases")

// fuzzSeeds returns the hand-made hostile archives and a small benign one.
func fuzzSeeds(f *testing.F) map[string][]byte {
	seeds := map[string][]byte{
		"benign": tarBytes(f,
			dir("./"), dir("./d/"), file("./d/f", "content"), symlink("./d/l", "f"),
			hardlink("./d/h", "./d/f"), tarEntry{name: "./p", typ: '6'}),
	}
	for _, tc := range unsafeCases {
		seeds[strings.ReplaceAll(tc.name, " ", "-")] = tarBytes(f, tc.entries...)
	}
	return seeds
}

// FuzzExtract feeds arbitrary bytes to Extract as a tar stream. It must
// never panic, and must leave everything beside the destination as it was.
func FuzzExtract(f *testing.F) {
	for name, data := range fuzzSeeds(f) {
		f.Add(data)
		if *updateSeeds {
			writeSeed(f, name, data)
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
		mkdirs(t, dest, outside)
		sentinel := filepath.Join(outside, "sentinel")
		writeFile(t, sentinel, "untouched")

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		opts := archive.ExtractOptions{AllowAbsoluteSymlinks: len(data)%2 == 1}
		// Any outcome is fine, error or not, as long as nothing escapes.
		_, _ = archive.Extract(ctx, bytes.NewReader(data), dest, opts)

		checkOnly(t, parent, "dest", "outside")
		checkOnly(t, outside, "sentinel")
		var st syscall.Stat_t
		if err := syscall.Stat(sentinel, &st); err != nil || st.Nlink != 1 {
			t.Errorf("outside/sentinel: stat %v, %d links; want untouched", err, st.Nlink)
		}
		if got := readFile(t, sentinel); got != "untouched" {
			t.Errorf("outside/sentinel = %q, want %q", got, "untouched")
		}
	})
}

// writeSeed stores one seed in the corpus format go test reads.
func writeSeed(f *testing.F, name string, data []byte) {
	dir := filepath.Join("testdata", "fuzz", "FuzzExtract")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		f.Fatal(err)
	}
}
