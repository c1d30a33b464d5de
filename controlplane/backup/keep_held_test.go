package backup_test

import (
	"slices"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/protocol"
)

// TestBackupKeepsContainerHeldBetweenItsVolumes checks that the volumes of
// one container go to the agent one after the other, each but the last
// asking it to keep the container held, unless the project reads volumes
// with no pause or stop at all.
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

	keeps := func() []string {
		t.Helper()
		b, err := c.CreateBackup(ctx, "shop", tg.ID)
		if err != nil {
			t.Fatalf("CreateBackup: %v", err)
		}
		if b = followToEnd(t, c, b.ID); b.Status != "COMPLETED" {
			t.Fatalf("backup %s: %s", b.Status, b.Error)
		}
		var got []string
		for _, req := range a.Backups() {
			if req.JobID == b.ID {
				got = append(got, req.Source.Path+" "+keepWord(req.KeepHeld))
			}
		}
		return got
	}

	// The container that sorts first may come first; its volumes stay
	// together either way.
	got := keeps()
	dbFirst := []string{"/srv/db/data keep", "/srv/db/wal release", "/srv/web release"}
	webFirst := []string{"/srv/web release", "/srv/db/data keep", "/srv/db/wal release"}
	if !slices.Equal(got, dbFirst) && !slices.Equal(got, webFirst) {
		t.Errorf("paused backup sent %q, want the db volumes together, the first kept", got)
	}

	none := "none"
	_, err := c.UpdateProject(ctx, "shop", client.ProjectUpdate{Consistency: &none})
	if err != nil {
		t.Fatalf("set consistency none: %v", err)
	}
	for _, req := range keeps() {
		if req != "/srv/db/data release" && req != "/srv/db/wal release" &&
			req != "/srv/web release" {
			t.Errorf("with no consistency the agent was asked %q", req)
		}
	}
}

func keepWord(keep bool) string {
	if keep {
		return "keep"
	}
	return "release"
}
