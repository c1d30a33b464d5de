package cli_test

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/backup/backuptest"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/protocol"
)

// backupSetup runs a control plane with an S3 target named "bucket",
// project shop and an agent whose one container belongs to shop.
func backupSetup(t *testing.T, opts backuptest.Options) *clienttest.ControlPlane {
	t.Helper()
	nt := backuptest.S3Target(t)
	cp := clienttest.Start(t)
	c := client.New(cp.URL, cp.Token, nil)
	if _, err := c.CreateTarget(t.Context(), nt); err != nil {
		t.Fatalf("create target: %v", err)
	}
	mustRun(t, admin(cp, "projects", "create", "shop")...)

	web := protocol.Container{
		ID: "web1", Namespace: "default", Name: "web",
		Labels: map[string]string{"coffer.project": "shop"},
		Mounts: []protocol.Mount{{Source: "/srv/web", Destination: "/data", Type: "bind"}},
	}
	backuptest.StartAgent(t, cp, "h1", []protocol.Container{web}, opts)
	return cp
}

func payload(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random payload: %v", err)
	}
	return b
}

func TestBackupsCreateWaitListShowRestoreDelete(t *testing.T) {
	cp := backupSetup(t, backuptest.Options{Payload: payload(t, 1<<20)})

	out := mustRun(t, admin(cp, "-o", "json", "backups", "create", "--project", "shop",
		"--target", "bucket", "--wait")...)
	var b client.Backup
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.Status != "COMPLETED" {
		t.Fatalf("backups create --wait printed %q (%v), want a COMPLETED backup", out, err)
	}

	out = mustRun(t, admin(cp, "backups", "list", "--project", "shop")...)
	wantContains(t, out, b.ID, "COMPLETED", "1.0 MiB")
	out = mustRun(t, admin(cp, "backups", "show", b.ID)...)
	wantContains(t, out, "web-data", "volume", "/srv/web", "COMPLETED")

	out = mustRun(t, admin(cp, "backups", "restore", b.ID, "--path", "/restored", "--wait")...)
	wantContains(t, out, "path", "/restored", "COMPLETED")

	out = mustRun(t, admin(cp, "catalog", "import", "--target", "bucket")...)
	wantContains(t, out, "Imported 0 backups; skipped 1.")

	out = mustRun(t, admin(cp, "backups", "delete", b.ID)...)
	wantContains(t, out, "Deleted backup "+b.ID)
	_, err := run(t, admin(cp, "backups", "show", b.ID)...)
	wantAPIError(t, err, 404)
}

func TestBackupsCreateWaitFailsWhenBackupFails(t *testing.T) {
	cp := backupSetup(t, backuptest.Options{Payload: payload(t, 11<<20), FailAfter: 1})

	out, err := run(t, admin(cp, "backups", "create", "--project", "shop",
		"--target", "bucket", "--wait")...)
	want := "failed: 1 of 1 items failed: web-data (the volume vanished while it was read)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("backups create --wait of a failing backup: %v, want an error with %q",
			err, want)
	}
	wantContains(t, out, "FAILED", "the volume vanished while it was read")

	_, err = run(t, admin(cp, "backups", "create", "--project", "shop")...)
	wantAPIError(t, err, 400)
}
