package backup_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

func TestLocalRoundTrip(t *testing.T) {
	src := t.TempDir()
	archivetest.Generate(t, src, archivetest.Options{Files: 3000, BigFileSize: 4 << 20, Seed: 1})
	srv := newServer(t, runtime.Config{})

	start := time.Now()
	obj, res := backupLocal(t, srv, src)
	t.Logf("backup: %d files, %d source bytes -> %d bytes in %v",
		res.Files, res.SourceBytes, res.Size, time.Since(start).Round(time.Millisecond))
	if res.Files < 3000 || res.SourceBytes < 4<<20 || len(res.Parts) != 0 {
		t.Errorf("result = %d files, %d source bytes, %d parts; want 3000+ files, 4 MiB+, "+
			"no parts", res.Files, res.SourceBytes, len(res.Parts))
	}
	if size := fileSize(t, storedFile(obj)); size != res.Size {
		t.Errorf("stored file has %d bytes, result says %d", size, res.Size)
	}
	if sum := sha256File(t, storedFile(obj)); sum != res.SHA256 {
		t.Errorf("stored file has sha256 %s, result says %s", sum, res.SHA256)
	}
	srv.expectJournalEmpty(t)

	// The target does not exist yet: path mode creates it.
	dst := filepath.Join(t.TempDir(), "restored")
	start = time.Now()
	got := decodeResult[protocol.RestoreItemResult](t, restoreLocal(t, srv, obj, res, dst))
	t.Logf("restore: %d files, %d bytes in %v", got.Files, got.Bytes,
		time.Since(start).Round(time.Millisecond))
	if got.Files != res.Files || got.Bytes != res.SourceBytes {
		t.Errorf("restored %d files, %d bytes; want %d, %d",
			got.Files, got.Bytes, res.Files, res.SourceBytes)
	}
	archivetest.Compare(t, src, dst)
	if jobs := srv.RunningJobs(); len(jobs) != 0 {
		t.Errorf("RunningJobs after the items = %v, want none", jobs)
	}
}

func TestS3RoundTrip(t *testing.T) {
	plane := newS3Plane(t, "vol.tar.zst")
	src := t.TempDir()
	// Random content does not compress, so the stream spans three parts.
	archivetest.Generate(t, src, archivetest.Options{Files: 500, RandomSize: 12 << 20, Seed: 2})
	srv := newServer(t, runtime.Config{})

	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-1", Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindPath, Path: src},
		Consistency: protocol.ConsistencyNone,
		Sink: protocol.Sink{S3: &protocol.S3Upload{
			Plan: protocol.UploadPlan{PartSize: 5 << 20, MaxParts: 10000},
			URLs: plane.sign(1, 1),
		}},
	})
	it.signer = plane.sign
	res := decodeResult[protocol.BackupItemResult](t, it.result())
	if len(res.Parts) != 3 {
		t.Fatalf("result has %d parts, want 3: %+v", len(res.Parts), res.Parts)
	}
	if asked := countNeedURLs(it.events); asked == 0 {
		t.Errorf("agent never asked for part urls, want it to after the first part")
	}
	if last := lastProgress(it.events); last.ReadBytes < 12<<20 {
		t.Errorf("last progress %+v, want at least 12 MiB read", last)
	}

	plane.complete(res.Parts)
	if size := plane.storedSize(); size != res.Size {
		t.Fatalf("stored object has %d bytes, result says %d", size, res.Size)
	}

	dst := t.TempDir()
	rit := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-2", ItemID: "item-1", Mode: protocol.RestorePath, Target: dst,
		S3: plane.presignGet(res.Size), SHA256: res.SHA256, Size: res.Size,
	})
	got := decodeResult[protocol.RestoreItemResult](t, rit.result())
	if got.Files != res.Files {
		t.Errorf("restored %d files, want %d", got.Files, res.Files)
	}
	archivetest.Compare(t, src, dst)
}

func TestMeasure(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "a"), 10)
	write(t, filepath.Join(src, "sub", "b"), 20)
	write(t, filepath.Join(src, "sub", "empty"), 0)
	if err := os.Link(filepath.Join(src, "a"), filepath.Join(src, "sub", "a-again")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "big")
	write(t, outside, 1<<20)
	if err := os.Symlink(outside, filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(src, "dirlink")); err != nil {
		t.Fatal(err)
	}

	srv := newServer(t, runtime.Config{})
	it := startItem(t, srv.Measure, protocol.OpMeasure, protocol.MeasureRequest{
		Source: protocol.Source{Kind: protocol.KindPath, Path: src},
	})
	got := decodeResult[protocol.MeasureResult](t, it.result())
	// The hard link counts once; symlinks are not followed.
	if want := (protocol.MeasureResult{Bytes: 30, Files: 3}); got != want {
		t.Errorf("Measure = %+v, want %+v", got, want)
	}
}

func TestSourceMissing(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	file := filepath.Join(t.TempDir(), "file")
	write(t, file, 1)
	for _, path := range []string{"/no/such/dir", "relative/dir", "/tmp/../etc", file} {
		t.Run(path, func(t *testing.T) {
			src := protocol.Source{Kind: protocol.KindPath, Path: path}
			m := startItem(t, srv.Measure, protocol.OpMeasure,
				protocol.MeasureRequest{Source: src}).result()
			expectFailure(t, m, protocol.CodeSourceMissing)

			m = startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
				JobID: "job-1", ItemID: "item-1", Source: src,
				Consistency: protocol.ConsistencyNone,
				Sink:        protocol.Sink{Local: localSink(t, "x")},
			}).result()
			expectFailure(t, m, protocol.CodeSourceMissing)
		})
	}
}

func countNeedURLs(events []protocol.ItemEvent) int {
	n := 0
	for _, ev := range events {
		if ev.NeedURLs != nil {
			n++
		}
	}
	return n
}

func lastProgress(events []protocol.ItemEvent) protocol.ItemEvent {
	var last protocol.ItemEvent
	for _, ev := range events {
		if ev.ReadBytes > 0 {
			last = ev
		}
	}
	return last
}

func write(t *testing.T, p string, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256File(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
