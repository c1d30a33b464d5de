package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/backup/backuptest"
	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/protocol"
)

// testTimeout bounds each wait of these tests.
const testTimeout = 3 * time.Minute

// webContainer is a container of project shop with one volume.
func webContainer() protocol.Container {
	return protocol.Container{
		ID: "web1", Namespace: "default", Name: "web", State: protocol.StateRunning,
		Labels: map[string]string{"coffer.project": "shop"},
		Mounts: []protocol.Mount{
			{Source: "/srv/web", Destination: "/data", Type: "bind"},
			{Source: "proc", Destination: "/proc", Type: "proc"},
		},
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random bytes: %v", err)
	}
	return b
}

// setup runs a control plane with an S3 target, project shop, and a fake
// agent whose one container belongs to shop.
func setup(t *testing.T, payload []byte, failAfter int) (
	*clienttest.ControlPlane, *client.Client, *client.StorageTarget, *backuptest.Agent,
	client.NewStorageTarget) {
	t.Helper()
	nt := backuptest.S3Target(t)
	cp := clienttest.Start(t)
	c := client.New(cp.URL, cp.Token, nil)
	ctx := t.Context()

	tg, err := c.CreateTarget(ctx, nt)
	if err != nil {
		t.Fatalf("create target: %v", err)
	}
	if _, err := c.CreateProject(ctx, "shop"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	a := backuptest.StartAgent(t, cp, "h1", []protocol.Container{webContainer()},
		backuptest.Options{Payload: payload, FailAfter: failAfter})
	waitFor(t, "the container in the inventory", func() bool {
		cs, err := c.ProjectContainers(ctx, "shop")
		return err == nil && len(cs) == 1
	})
	return cp, c, tg, a, nt
}

func TestBackupCompletesAndIsVerified(t *testing.T) {
	payload := randomBytes(t, 5<<20+1234)
	cp, c, tg, a, nt := setup(t, payload, 0)
	ctx := t.Context()

	b, err := c.CreateBackup(ctx, "shop", tg.ID)
	if err != nil {
		t.Fatalf("CreateBackup: %v", err)
	}
	if b.Status != "PENDING" || len(b.Items) != 1 {
		t.Fatalf("created backup: status %s, %d items; want PENDING, 1", b.Status, len(b.Items))
	}
	b = followToEnd(t, c, b.ID)

	sum := sha256.Sum256(payload)
	it := b.Items[0]
	if b.Status != "COMPLETED" || it.Status != "COMPLETED" || it.Size != int64(len(payload)) ||
		it.SHA256 != hex.EncodeToString(sum[:]) || b.Size != int64(len(payload)) {
		t.Fatalf("backup %s (%s), item %s size %d sha %s; want COMPLETED, size %d",
			b.Status, b.Error, it.Status, it.Size, it.SHA256, len(payload))
	}
	if !strings.HasSuffix(it.ObjectKey, "/shop/"+b.ID+"/web-data.tar.zst") {
		t.Errorf("object key %q, want <prefix>/shop/%s/web-data.tar.zst", it.ObjectKey, b.ID)
	}
	if len(a.AskedFor()) == 0 {
		t.Errorf("the agent never asked for part URLs; the test misses that path")
	}
	checkStored(t, nt, b, int64(len(payload)))

	checkRestore(t, c, a, b)
	checkImport(t, nt, b)
	checkDelete(t, c, nt, b)
	_ = cp
}

func TestBackupFailsAndAbortsUpload(t *testing.T) {
	payload := randomBytes(t, 11<<20)
	cp, c, tg, _, nt := setup(t, payload, 1)
	ctx := t.Context()
	// A path on a host that never connects fails on its own.
	offline := cp.EnrollHost(t, "h2")
	if _, err := c.AddPath(ctx, "shop", offline, "/etc/app"); err != nil {
		t.Fatalf("AddPath: %v", err)
	}

	b, err := c.CreateBackup(ctx, "shop", tg.ID)
	if err != nil {
		t.Fatalf("CreateBackup: %v", err)
	}
	b = followToEnd(t, c, b.ID)

	if b.Status != "FAILED" || !strings.Contains(b.Error, "2 of 2 items failed") {
		t.Fatalf("backup %s with error %q, want FAILED naming both items", b.Status, b.Error)
	}
	errs := map[string]string{}
	for _, it := range b.Items {
		errs[it.Kind] = it.Error
		if it.Status != "FAILED" {
			t.Errorf("item %s is %s, want FAILED", it.ID, it.Status)
		}
	}
	if want := "the volume vanished while it was read"; errs["volume"] != want {
		t.Errorf("volume item error %q, want %q", errs["volume"], want)
	}
	if want := "host h2 is offline"; errs["path"] != want {
		t.Errorf("path item error %q, want %q", errs["path"], want)
	}
	if open := backuptest.OpenUploads(t, nt, nt.Prefix+"/"); len(open) != 0 {
		t.Errorf("uploads left open: %q, want none", open)
	}

	body, err := backuptest.OpenS3(t, nt).Get(ctx, b.S3Key)
	if err != nil {
		t.Fatalf("read manifest of failed backup: %v", err)
	}
	m, err := manifest.Decode(bytes.NewReader(body))
	if err != nil || m.Status != "FAILED" {
		t.Fatalf("manifest of failed backup: %+v, %v; want status FAILED", m, err)
	}
}

// checkStored heads the object and reads the manifest back.
func checkStored(t *testing.T, nt client.NewStorageTarget, b *client.Backup, size int64) {
	t.Helper()
	ctx := t.Context()
	target := backuptest.OpenS3(t, nt)
	got, _, err := target.Head(ctx, b.Items[0].ObjectKey)
	if err != nil || got != size {
		t.Fatalf("head object = %d, %v; want %d", got, err, size)
	}

	if want := path.Dir(b.Items[0].ObjectKey) + "/manifest.json"; b.S3Key != want {
		t.Fatalf("manifest key %q, want %q", b.S3Key, want)
	}
	body, err := target.Get(ctx, b.S3Key)
	if err != nil {
		t.Fatalf("read manifest: %v", err)
	}
	m, err := manifest.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	mi := m.Items[0]
	if m.BackupID != b.ID || m.Project.Name != "shop" || m.Status != "COMPLETED" ||
		mi.Key != b.Items[0].ObjectKey || mi.SHA256 != b.Items[0].SHA256 ||
		mi.Host.Name != "h1" || mi.Container == nil || mi.Container.Name != "web" {
		t.Fatalf("manifest %+v (item %+v) does not describe backup %s", m, mi, b.ID)
	}
}

func checkRestore(t *testing.T, c *client.Client, a *backuptest.Agent, b *client.Backup) {
	t.Helper()
	ctx := t.Context()
	r, err := c.RestoreBackup(ctx, b.ID, client.RestoreRequest{Mode: "path", Path: "/restored"})
	if err != nil {
		t.Fatalf("RestoreBackup: %v", err)
	}
	waitFor(t, "the restore to finish", func() bool {
		r, err = c.GetRestore(ctx, r.ID)
		return err == nil && r.Finished()
	})
	if r.Status != "COMPLETED" || len(r.Results) != 1 || r.Results[0].Status != "COMPLETED" {
		t.Fatalf("restore %s (%s), results %+v; want COMPLETED", r.Status, r.Error, r.Results)
	}
	if got := a.Restores(); len(got) != 1 || got[0].Target != "/restored/web-data" {
		t.Fatalf("agent restored %+v, want one item into /restored/web-data", got)
	}

	_, err = c.RestoreBackup(ctx, b.ID, client.RestoreRequest{Mode: "path", Path: "relative"})
	if apiErr := new(client.APIError); !errors.As(err, &apiErr) ||
		apiErr.Status != http.StatusBadRequest {
		t.Fatalf("restore into a relative path: %v, want a 400", err)
	}
}

// checkImport rebuilds the catalog in a second control plane from the
// bucket alone.
func checkImport(t *testing.T, nt client.NewStorageTarget, b *client.Backup) {
	t.Helper()
	ctx := t.Context()
	cp := clienttest.Start(t)
	c := client.New(cp.URL, cp.Token, nil)
	tg, err := c.CreateTarget(ctx, nt)
	if err != nil {
		t.Fatalf("create target in second control plane: %v", err)
	}

	for i, want := range []client.ImportResult{{Imported: 1}, {Skipped: 1}} {
		got, err := c.ImportCatalog(ctx, tg.Name)
		if err != nil || *got != want {
			t.Fatalf("import %d = %+v, %v; want %+v", i+1, got, err, want)
		}
	}
	got, err := c.GetBackup(ctx, b.ID)
	if err != nil || got.Status != "COMPLETED" || len(got.Items) != 1 ||
		got.Items[0].SHA256 != b.Items[0].SHA256 {
		t.Fatalf("imported backup %+v, %v; want the original", got, err)
	}

	_, err = c.RestoreBackup(ctx, b.ID, client.RestoreRequest{Mode: "replace"})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest ||
		!strings.Contains(apiErr.Message, "imported") {
		t.Errorf("replace restore of an imported backup: got %v, want a 400 saying it "+
			"was imported", err)
	}
}

func checkDelete(t *testing.T, c *client.Client, nt client.NewStorageTarget, b *client.Backup) {
	t.Helper()
	ctx := t.Context()
	if err := c.DeleteBackup(ctx, b.ID); err != nil {
		t.Fatalf("DeleteBackup: %v", err)
	}
	objects, err := backuptest.OpenS3(t, nt).List(ctx, nt.Prefix+"/")
	if err != nil || len(objects) != 0 {
		t.Fatalf("objects after delete: %+v, %v; want none", objects, err)
	}
	if _, err := c.GetBackup(ctx, b.ID); err == nil {
		t.Fatalf("GetBackup after delete succeeded, want a 404")
	}
}

// followToEnd follows the backup's events until it finishes, and returns
// it as the API shows it then.
func followToEnd(t *testing.T, c *client.Client, id string) *client.Backup {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	first := true
	err := c.FollowBackup(ctx, id, func(e client.BackupEvent) error {
		if first && e.Type != client.EventState {
			t.Errorf("first event is %q, want state", e.Type)
		}
		first = false
		return nil
	})
	if err != nil {
		t.Fatalf("follow backup: %v", err)
	}
	b, err := c.GetBackup(ctx, id)
	if err != nil || !b.Finished() {
		t.Fatalf("backup after its stream ended: %+v, %v; want it finished", b, err)
	}
	return b
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", testTimeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
