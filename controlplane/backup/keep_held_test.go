package backup_test

import (
	"slices"
	"testing"

	"github.com/cofferhq/coffer/controlplane/backup/backuptest"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/protocol"
)

// TestBackupKeepsContainerHeldBetweenItsVolumes checks that the volumes of
// one container go to the agent one after the other, each but the last
// asking it to keep the container held: for backups, unless the project
// reads volumes with no pause or stop at all, and for restores in place.
func TestBackupKeepsContainerHeldBetweenItsVolumes(t *testing.T) {
	cp, c, tg := startLocal(t)
	ctx := t.Context()
	db := protocol.Container{
		ID: "db1", Namespace: "default", Name: "db", State: protocol.StateRunning,
		Labels: map[string]string{"coffer.project": "shop"},
		Mounts: []protocol.Mount{
			{Source: "/srv/db/data", Destination: "/var/lib/db", Type: "bind"},
			{Source: "/srv/db/wal", Destination: "/var/lib/wal", Type: "bind"},
		},
	}
	a := startAgentOf(t, cp, c, []byte("volume"), db, webContainer())

	backup := func() *client.Backup {
		t.Helper()
		b, err := c.CreateBackup(ctx, "shop", tg.ID)
		if err != nil {
			t.Fatalf("CreateBackup: %v", err)
		}
		if b = followToEnd(t, c, b.ID); b.Status != "COMPLETED" {
			t.Fatalf("backup %s: %s", b.Status, b.Error)
		}
		return b
	}
	// The container that sorts first may come first; its volumes stay
	// together either way.
	together := func(what string, got []string) {
		t.Helper()
		dbFirst := []string{"/srv/db/data keep", "/srv/db/wal release", "/srv/web release"}
		webFirst := []string{"/srv/web release", "/srv/db/data keep", "/srv/db/wal release"}
		if !slices.Equal(got, dbFirst) && !slices.Equal(got, webFirst) {
			t.Errorf("%s sent %q, want the db volumes together, the first kept", what, got)
		}
	}

	b := backup()
	var got []string
	for _, req := range a.Backups() {
		got = append(got, req.Source.Path+" "+keepWord(req.KeepHeld))
	}
	together("paused backup", got)

	got = nil
	for _, req := range restore(t, c, a, b, "replace") {
		got = append(got, req.Source.Path+" "+keepWord(req.KeepHeld))
	}
	together("restore in place", got)
	pathReqs := restore(t, c, a, b, "path")
	if len(pathReqs) != 3 {
		t.Errorf("restore into a path asked for %d items, want 3", len(pathReqs))
	}
	for _, req := range pathReqs {
		if req.KeepHeld {
			t.Errorf("restore into a path kept %s held", req.Source.Path)
		}
	}

	none := "none"
	_, err := c.UpdateProject(ctx, "shop", client.ProjectUpdate{Consistency: &none})
	if err != nil {
		t.Fatalf("set consistency none: %v", err)
	}
	b = backup()
	asked := 0
	for _, req := range a.Backups() {
		if req.JobID != b.ID {
			continue
		}
		asked++
		if req.KeepHeld {
			t.Errorf("with no consistency the agent was asked to keep %s", req.Source.Path)
		}
	}
	if asked != 3 {
		t.Errorf("with no consistency the agent was asked for %d items, want 3", asked)
	}
}

// restore restores every item of b in mode and returns what the agent was
// asked. The fake agent reads only from S3, so with the local target each
// item fails; what it was asked is all that counts here.
func restore(t *testing.T, c *client.Client, a *backuptest.Agent, b *client.Backup,
	mode string) []protocol.RestoreItemRequest {
	t.Helper()
	req := client.RestoreRequest{Mode: mode}
	if mode == "path" {
		req.Path = "/restored"
	}
	r, err := c.RestoreBackup(t.Context(), b.ID, req)
	if err != nil {
		t.Fatalf("RestoreBackup: %v", err)
	}
	waitFor(t, "the restore to finish", func() bool {
		r, err = c.GetRestore(t.Context(), r.ID)
		return err == nil && r.Finished()
	})
	var asked []protocol.RestoreItemRequest
	for _, ask := range a.Restores() {
		if ask.JobID == r.ID {
			asked = append(asked, ask)
		}
	}
	return asked
}

func keepWord(keep bool) string {
	if keep {
		return "keep"
	}
	return "release"
}
