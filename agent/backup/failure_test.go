package backup_test

import (
	"archive/tar"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// secret is in every URL the failing storage hands out, so tests can
// check that no failure repeats one.
const secret = "X-Amz-Signature=topsecret"

func TestBackupStorageFails(t *testing.T) {
	f := needContainerd(t)
	vol, ref, starts := f.runWithVolume(t, "storage-fails",
		archivetest.Options{Files: 50, RandomSize: 8 << 20, Seed: 6})
	srv := newServer(t, f.runtimeConfig())

	var puts atomic.Int64
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		puts.Add(1)
		http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
	}))
	defer broken.Close()

	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-1", Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Consistency: protocol.ConsistencyPause,
		Sink: protocol.Sink{S3: &protocol.S3Upload{
			Plan: protocol.UploadPlan{PartSize: 5 << 20, MaxParts: 10000},
		}},
	})
	it.signer = func(first, count int32) []protocol.PresignedPart {
		parts := make([]protocol.PresignedPart, count)
		for i := range parts {
			parts[i] = protocol.PresignedPart{Number: first + int32(i),
				URL: broken.URL + "/bucket/vol?" + secret, ExpiresAt: time.Now().Add(time.Hour)}
		}
		return parts
	}
	msg := expectFailure(t, it.result(), protocol.CodeStorage)
	if strings.Contains(msg, "topsecret") || strings.Contains(msg, broken.URL) {
		t.Errorf("failure %q repeats a URL", msg)
	}
	if puts.Load() == 0 {
		t.Error("no part was sent to the failing storage")
	}
	f.expectResumed(t, srv, ref, starts)
}

func TestBackupCanceledByControlPlane(t *testing.T) {
	f := needContainerd(t)
	vol := t.TempDir()
	// Big enough that the first part fills while most is still unread.
	archivetest.Generate(t, vol, archivetest.Options{Files: 50, RandomSize: 40 << 20, Seed: 7})
	ref, _ := f.runContainer(t, "canceled", vol)
	srv := newServer(t, f.runtimeConfig())

	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-1", Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Consistency: protocol.ConsistencyPause,
		Sink: protocol.Sink{S3: &protocol.S3Upload{
			Plan: protocol.UploadPlan{PartSize: 5 << 20, MaxParts: 10000},
		}},
	})
	var closedAt time.Time
	var read int64
	it.onEvent = func(ev protocol.ItemEvent) bool {
		read = max(read, ev.ReadBytes)
		if ev.NeedURLs == nil {
			return true
		}
		f.expectState(t, ref, protocol.StatePaused)
		if jobs := srv.RunningJobs(); len(jobs) != 1 || jobs[0] != "job-1" {
			t.Errorf("RunningJobs while the item runs = %v, want [job-1]", jobs)
		}
		closedAt = time.Now()
		return false
	}
	if m := it.result(); m.Type != "" {
		t.Fatalf("got a result %+v before cancelling", m)
	}
	it.waitDone(5 * time.Second)
	t.Logf("handler returned %v after the stream closed, %d bytes read",
		time.Since(closedAt).Round(time.Millisecond), read)

	f.expectState(t, ref, protocol.StateRunning)
	srv.expectJournalEmpty(t)
	if jobs := srv.RunningJobs(); len(jobs) != 0 {
		t.Errorf("RunningJobs after cancelling = %v, want none", jobs)
	}
}

func TestRestoreRefusesUnsafeArchive(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	obj := localSink(t, "evil.tar.zst")
	writeObject(t, storedFile(obj), []tar.Header{
		{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./fine", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "../escaped", Typeflag: tar.TypeReg, Mode: 0o644},
	})

	parent := t.TempDir()
	target := filepath.Join(parent, "target")
	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-1", ItemID: "item-1", Mode: protocol.RestorePath, Target: target,
		Local: obj,
	})
	expectFailure(t, it.result(), protocol.CodeUnsafeArchive)
	if _, err := os.Lstat(filepath.Join(parent, "escaped")); !os.IsNotExist(err) {
		t.Errorf("an entry was written outside the target (stat: %v)", err)
	}
}

func TestRestoreDetectsChecksumMismatch(t *testing.T) {
	src := t.TempDir()
	archivetest.Generate(t, src, archivetest.Options{Files: 100, Seed: 8})
	srv := newServer(t, runtime.Config{})
	obj, res := backupLocal(t, srv, src)

	wrong := res
	wrong.SHA256 = strings.Repeat("0", 64)
	target := t.TempDir()
	msg := expectFailure(t, restoreLocal(t, srv, obj, wrong, target), protocol.CodeChecksum)
	if !strings.Contains(msg, "already extracted into "+target) {
		t.Errorf("failure %q does not say the files were already extracted", msg)
	}
}

func TestRestoreDetectsDamage(t *testing.T) {
	src := t.TempDir()
	archivetest.Generate(t, src, archivetest.Options{Files: 100, Seed: 9})
	srv := newServer(t, runtime.Config{})
	obj, res := backupLocal(t, srv, src)

	// Flip bytes in the middle of the stored object.
	data, err := os.ReadFile(storedFile(obj))
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 2; i < len(data)/2+64; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(storedFile(obj), data, 0o644); err != nil {
		t.Fatal(err)
	}
	expectFailure(t, restoreLocal(t, srv, obj, res, t.TempDir()), protocol.CodeChecksum)
}

func TestRestoreRefusesRoot(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	obj := localSink(t, "x.tar.zst")
	for _, mode := range []protocol.RestoreMode{protocol.RestorePath, protocol.RestoreReplace} {
		it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
			JobID: "job-1", ItemID: "item-1", Mode: mode, Target: "/", Local: obj,
		})
		expectFailure(t, it.result(), protocol.CodeInternal)
	}
}

func TestRestoreMissingObject(t *testing.T) {
	srv := newServer(t, runtime.Config{})
	obj := localSink(t, "never/stored.tar.zst")
	res := protocol.BackupItemResult{Size: 10, SHA256: strings.Repeat("0", 64)}
	expectFailure(t, restoreLocal(t, srv, obj, res, t.TempDir()), protocol.CodeStorage)
}

// writeObject stores a compressed archive of empty entries with the given
// headers, as a hostile or broken backup would be.
func writeObject(t *testing.T, path string, headers []tar.Header) {
	t.Helper()
	var buf bytes.Buffer
	zw, err := archive.Compress(&buf, archive.LevelDefault)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	for _, h := range headers {
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("write header %q: %v", h.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFailedReplaceLeavesVolume: a replace restore of a damaged object and
// one whose checksum does not match both leave the volume exactly as it
// was, with no staging directory behind.
func TestFailedReplaceLeavesVolume(t *testing.T) {
	src := t.TempDir()
	archivetest.Generate(t, src, archivetest.Options{Files: 100, Seed: 11})
	srv := newServer(t, runtime.Config{})
	obj, res := backupLocal(t, srv, src)

	// want is a copy of the volume made by a restore, so that the two
	// compare equal to the nanosecond.
	vol, want := t.TempDir(), t.TempDir()
	archivetest.Generate(t, vol, archivetest.Options{Files: 50, Seed: 12})
	volObj, volRes := backupLocal(t, srv, vol)
	decodeResult[protocol.RestoreItemResult](t, restoreLocal(t, srv, volObj, volRes, want))
	archivetest.Compare(t, want, vol)
	wrong := res
	wrong.SHA256 = strings.Repeat("0", 64)
	damaged := *obj
	damaged.Key = "damaged.tar.zst"
	data, err := os.ReadFile(storedFile(obj))
	if err != nil {
		t.Fatal(err)
	}
	data = data[:len(data)/2]
	if err := os.WriteFile(storedFile(&damaged), data, 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		obj  *protocol.LocalObject
		res  protocol.BackupItemResult
	}{
		{"checksum mismatch", obj, wrong},
		{"truncated object", &damaged, res},
	}
	for _, tc := range cases {
		it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
			JobID: "job-2", ItemID: "item-1", Mode: protocol.RestoreReplace,
			Source: protocol.Source{Kind: protocol.KindPath, Path: vol},
			Local:  tc.obj, SHA256: tc.res.SHA256, Size: tc.res.Size,
		})
		msg := expectFailure(t, it.result(), protocol.CodeChecksum)
		if !strings.Contains(msg, "left as it was") {
			t.Errorf("%s: failure %q does not say the volume is unchanged", tc.name, msg)
		}
		archivetest.Compare(t, want, vol)
	}
}
