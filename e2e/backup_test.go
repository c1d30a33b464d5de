package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// TestBackupRoundTrip backs up a container's two volumes, one holding a
// large, awkward tree, to a real S3 server, restores them by hand with zstd
// and tar, then wipes the volumes and restores them through Coffer in
// place.
func TestBackupRoundTrip(t *testing.T) {
	s3e := requireS3(t)
	ns := testNamespace(t)
	c := newCluster(t)
	projectID := c.createProject("shop")
	prefix := c.s3Target(s3e, s3e.Endpoint, projectID)

	volume := t.TempDir()
	archivetest.Generate(t, volume, archivetest.Options{
		Files: 10_000, BigFileSize: 101 << 20, RandomSize: 4 << 20, Seed: 7,
	})
	logs := t.TempDir()
	archivetest.Generate(t, logs, archivetest.Options{Files: 200, Seed: 8})
	agent := c.startAgent(ns)
	c.waitStatus(agent.hostID, "online", 10*time.Second)
	runContainer(t, ns, "shop", "web", volume, logs)
	c.waitContainer(projectID, "web", func(ct *container) bool { return ct != nil })

	b := c.waitBackup(c.startBackup(projectID).ID, 5*time.Minute)
	if b.Status != "COMPLETED" || len(b.Items) != 2 {
		t.Fatalf("backup = %s with %d items (%s), want COMPLETED with 2", b.Status,
			len(b.Items), b.Error)
	}
	item := itemOf(t, b, volume)
	if item.Size <= 0 || len(item.SHA256) != 64 || item.Files < 10_000 {
		t.Errorf("item = %+v, want a size, a sha256 and at least 10000 files", item)
	}
	if !s3e.exists(t, b.S3Key) {
		t.Errorf("manifest %s is not in the bucket", b.S3Key)
	}
	if s3e.openUploads(t, prefix) != 0 {
		t.Errorf("multipart uploads left open under %s", prefix)
	}
	if got := containerState(t, ns, "web"); got != "RUNNING" {
		t.Errorf("container after backup is %q, want RUNNING", got)
	}

	// By hand: any S3 client, then zstd -d | tar -x.
	byHand, logsByHand := t.TempDir(), t.TempDir()
	extractByHand(t, s3e, item.ObjectKey, byHand)
	archivetest.Compare(t, volume, byHand)
	extractByHand(t, s3e, itemOf(t, b, logs).ObjectKey, logsByHand)
	archivetest.Compare(t, logs, logsByHand)

	// Through Coffer: wipe the volumes, restore in place.
	emptyDir(t, volume)
	emptyDir(t, logs)
	var r restore
	code := c.api.do("POST", "/api/backups/"+b.ID+"/restore",
		map[string]string{"mode": "replace"}, &r)
	if code != 202 {
		t.Fatalf("restore: got status %d, want 202", code)
	}
	if r = c.waitRestore(r.ID, 5*time.Minute); r.Status != "COMPLETED" {
		t.Fatalf("restore = %s (%s), want COMPLETED", r.Status, r.Error)
	}
	archivetest.Compare(t, byHand, volume)
	archivetest.Compare(t, logsByHand, logs)
	if got := containerState(t, ns, "web"); got != "RUNNING" {
		t.Errorf("container after restore is %q, want RUNNING", got)
	}
}

// extractByHand downloads key and unpacks it with the zstd and tar tools,
// the way an operator would without Coffer.
func extractByHand(t *testing.T, s3e *s3Env, key, dest string) {
	t.Helper()
	obj := filepath.Join(t.TempDir(), filepath.Base(key))
	f, err := os.Create(obj)
	if err != nil {
		t.Fatal(err)
	}
	body := s3e.get(t, key)
	if _, err := f.ReadFrom(body); err != nil {
		t.Fatal(err)
	}
	body.Close()
	f.Close()

	zstd := exec.Command("zstd", "-d", "-c", obj)
	tar := exec.Command("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner",
		"-xpf", "-", "-C", dest)
	pipe, err := zstd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	tar.Stdin = pipe
	if err := zstd.Start(); err != nil {
		t.Fatal(err)
	}
	if out, err := tar.CombinedOutput(); err != nil {
		t.Fatalf("tar -x: %v\n%s", err, out)
	}
	if err := zstd.Wait(); err != nil {
		t.Fatalf("zstd -d: %v", err)
	}
}
