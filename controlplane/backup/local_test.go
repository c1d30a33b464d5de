package backup_test

import (
	"errors"
	"net/http"
	"os"
	"path"
	"testing"

	"github.com/cofferhq/coffer/controlplane/backup/backuptest"
	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/protocol"
)

// localDir is the local target's directory on every fake host.
const localDir = "/var/backups/coffer"

// setupLocal runs a control plane with a local target, project shop, and
// a fake agent whose one container belongs to shop.
func setupLocal(t *testing.T, payload []byte) (*clienttest.ControlPlane, *client.Client,
	*client.StorageTarget, *backuptest.Agent) {
	t.Helper()
	cp, c, tg := startLocal(t)
	a := startAgentOf(t, cp, c, payload, webContainer())
	return cp, c, tg, a
}

// startLocal runs a control plane with a local target and project shop.
func startLocal(t *testing.T) (*clienttest.ControlPlane, *client.Client,
	*client.StorageTarget) {
	t.Helper()
	cp := clienttest.Start(t)
	c := client.New(cp.URL, cp.Token, nil)
	tg, err := c.CreateTarget(t.Context(), client.NewStorageTarget{
		Name: "disk", Type: "local", Dir: localDir,
	})
	if err != nil {
		t.Fatalf("create target: %v", err)
	}
	if _, err := c.CreateProject(t.Context(), "shop"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	return cp, c, tg
}

// startAgentOf starts a fake agent with containers of project shop and
// waits until the control plane knows them.
func startAgentOf(t *testing.T, cp *clienttest.ControlPlane, c *client.Client,
	payload []byte, cs ...protocol.Container) *backuptest.Agent {
	t.Helper()
	a := backuptest.StartAgent(t, cp, "h1", cs, backuptest.Options{Payload: payload})
	waitFor(t, "the containers in the inventory", func() bool {
		got, err := c.ProjectContainers(t.Context(), "shop")
		return err == nil && len(got) == len(cs)
	})
	return a
}

func TestLocalBackupWritesManifestAndDeletes(t *testing.T) {
	payload := randomBytes(t, 4096)
	_, c, tg, a := setupLocal(t, payload)
	ctx := t.Context()

	b, err := c.CreateBackup(ctx, "shop", tg.ID)
	if err != nil {
		t.Fatalf("CreateBackup: %v", err)
	}
	b = followToEnd(t, c, b.ID)
	if b.Status != "COMPLETED" || len(b.Items) != 1 {
		t.Fatalf("backup %s (%s) with %d items, want COMPLETED with 1", b.Status, b.Error,
			len(b.Items))
	}
	it := b.Items[0]
	if want := path.Dir(it.ObjectKey) + "/manifest.json"; b.S3Key != want {
		t.Fatalf("manifest key %q, want %q", b.S3Key, want)
	}

	m := readHostManifest(t, a, b.S3Key)
	if m.BackupID != b.ID || m.Status != "COMPLETED" || m.Target.Type != "local" ||
		len(m.Items) != 1 || m.Items[0].Key != it.ObjectKey || m.Items[0].SHA256 != it.SHA256 {
		t.Fatalf("manifest on the host %+v does not describe backup %s", m, b.ID)
	}
	if got, err := os.ReadFile(a.HostFile(localDir, it.ObjectKey)); err != nil ||
		len(got) != len(payload) {
		t.Fatalf("item file on the host: %d bytes, %v; want %d", len(got), err, len(payload))
	}

	if err := c.DeleteBackup(ctx, b.ID); err != nil {
		t.Fatalf("DeleteBackup: %v", err)
	}
	dir := a.HostFile(localDir, path.Dir(it.ObjectKey))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("backup directory on the host after delete: %v, want it gone", err)
	}
	if _, err := c.GetBackup(ctx, b.ID); err == nil {
		t.Fatalf("GetBackup after delete succeeded, want a 404")
	}
}

func TestLocalDeleteKeepsRecordWhileHostOffline(t *testing.T) {
	cp, c, tg, a := setupLocal(t, randomBytes(t, 1024))
	ctx := t.Context()
	offline := cp.EnrollHost(t, "h2")
	if _, err := c.AddPath(ctx, "shop", offline, "/etc/app"); err != nil {
		t.Fatalf("AddPath: %v", err)
	}

	b, err := c.CreateBackup(ctx, "shop", tg.ID)
	if err != nil {
		t.Fatalf("CreateBackup: %v", err)
	}
	b = followToEnd(t, c, b.ID)
	wantErr := "1 of 2 items failed: host-h2-etc-app (host h2 is offline); " +
		"the manifest could not be written: host h2 is offline"
	if b.Status != "FAILED" || b.Error != wantErr || b.S3Key != "" {
		t.Fatalf("backup %s with error %q and manifest key %q; want FAILED with %q and no key",
			b.Status, b.Error, b.S3Key, wantErr)
	}
	var online client.BackupItem
	for _, it := range b.Items {
		if it.Kind == "volume" {
			online = it
		}
	}
	manifestKey := path.Dir(online.ObjectKey) + "/manifest.json"
	if m := readHostManifest(t, a, manifestKey); m.Status != "FAILED" {
		t.Errorf("manifest on h1 has status %s, want FAILED", m.Status)
	}

	err = c.DeleteBackup(ctx, b.ID)
	want := "Host h2 is offline; its files were not deleted."
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict ||
		apiErr.Code != "host_offline" || apiErr.Message != want {
		t.Fatalf("DeleteBackup = %v, want a 409 host_offline saying %q", err, want)
	}
	kept, err := c.GetBackup(ctx, b.ID)
	if err != nil || kept.Error != "host h2 is offline; its files were not deleted" {
		t.Fatalf("backup after the refused delete: %+v, %v; want it kept with the reason",
			kept, err)
	}
	if _, err := os.Stat(a.HostFile(localDir, path.Dir(online.ObjectKey))); !os.IsNotExist(err) {
		t.Errorf("h1's backup directory after delete: %v, want it gone", err)
	}
}

func readHostManifest(t *testing.T, a *backuptest.Agent, key string) *manifest.Manifest {
	t.Helper()
	f, err := os.Open(a.HostFile(localDir, key))
	if err != nil {
		t.Fatalf("open manifest on the host: %v", err)
	}
	defer f.Close()
	m, err := manifest.Decode(f)
	if err != nil {
		t.Fatalf("decode manifest on the host: %v", err)
	}
	return m
}
