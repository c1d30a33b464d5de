package archive_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cofferhq/coffer/agent/archive"
)

func TestExtractSkipsDevices(t *testing.T) {
	dest := t.TempDir()
	data := tarBytes(t, tarEntry{name: "null", typ: tar.TypeChar}, file("kept", "x"))
	heard := warnings{}
	opts := archive.ExtractOptions{OnWarning: heard.record}

	stats, err := archive.Extract(context.Background(), bytes.NewReader(data), dest, opts)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if stats.Skipped != 1 || !errors.Is(heard["null"], archive.ErrSpecialFile) {
		t.Errorf("stats %+v, heard %v; want the device skipped", stats, heard)
	}
	checkOnly(t, dest, "kept")
}

// TestExtractRefusesSparse feeds archives of a sparse file made by GNU tar
// in its own format and in PAX: their size is not bounded by the stream.
func TestExtractRefusesSparse(t *testing.T) {
	src := t.TempDir()
	f, err := os.Create(filepath.Join(src, "holes"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("data"), 4<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, format := range []string{"gnu", "posix"} {
		out, err := exec.Command(lookTool(t, "tar"), "--sparse", "--format="+format,
			"-cf", "-", "-C", src, "holes").Output()
		if err != nil {
			t.Fatalf("tar --format=%s: %v", format, err)
		}
		_, err = archive.Extract(context.Background(), bytes.NewReader(out), t.TempDir(),
			archive.ExtractOptions{})
		if !errors.Is(err, archive.ErrSparseEntry) {
			t.Errorf("format %s: Extract error = %v, want ErrSparseEntry", format, err)
		}
	}
}

func TestExtractWarnsOnUnstorableOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("owners are restored only as root")
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: "f", Typeflag: tar.TypeReg, Mode: 0o644, Uid: 1 << 40}
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	tw.Close()

	heard := warnings{}
	opts := archive.ExtractOptions{OnWarning: heard.record}
	stats, err := archive.Extract(context.Background(), &buf, t.TempDir(), opts)
	if err != nil || stats.Files != 1 || !errors.Is(heard["f"], archive.ErrOwner) {
		t.Errorf("Extract = %+v, %v, heard %v; want the file, with an ErrOwner warning",
			stats, err, heard)
	}
}
