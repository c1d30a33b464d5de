package backup_test

import (
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/backup"
	"github.com/cofferhq/coffer/protocol"
)

// TestBackupKeepsContainerPausedBetweenVolumes reads two volumes of one
// container as one backup does: the container is paused for the first,
// stays paused until the second is read, and is resumed once.
func TestBackupKeepsContainerPausedBetweenVolumes(t *testing.T) {
	f := needContainerd(t)
	data, wal := t.TempDir(), t.TempDir()
	archivetest.Generate(t, data, archivetest.Options{Files: 50, Seed: 11})
	archivetest.Generate(t, wal, archivetest.Options{Files: 50, Seed: 12})
	ref, starts := f.runContainer(t, "keep", data)
	srv := newServer(t, f.runtimeConfig())

	first := backupVolume(t, srv, ref, data, true)
	f.expectState(t, ref, protocol.StatePaused)
	if records, _ := srv.journal.List(); len(records) != 1 {
		t.Errorf("journal between the volumes holds %d records, want 1", len(records))
	}
	expectMessages(t, first, "paused", "stays paused")

	second := backupVolume(t, srv, ref, wal, false)
	expectMessages(t, second, "still paused", "resumed")
	for _, ev := range second {
		if ev.Message == "container "+ref.Namespace+"/"+ref.ID+" paused" {
			t.Errorf("the second volume paused the container again")
		}
	}
	f.expectResumed(t, srv, ref, starts)
}

// TestHeldContainerIsReleasedWithoutNextVolume checks the two ways a
// container kept for a next volume is released when none comes: the
// grace runs out, or the agent closes.
func TestHeldContainerIsReleasedWithoutNextVolume(t *testing.T) {
	f := needContainerd(t)
	vol := t.TempDir()
	archivetest.Generate(t, vol, archivetest.Options{Files: 20, Seed: 13})
	ref, _ := f.runContainer(t, "keep-alone", vol)

	const grace = 300 * time.Millisecond
	srv := newServer(t, f.runtimeConfig(), func(c *backup.Config) { c.HoldGrace = grace })
	backupVolume(t, srv, ref, vol, true)
	waitFor(t, func() bool { return f.state(t, ref) == protocol.StateRunning })
	srv.expectJournalEmpty(t)

	srv = newServer(t, f.runtimeConfig())
	backupVolume(t, srv, ref, vol, true)
	f.expectState(t, ref, protocol.StatePaused)
	if err := srv.Close(f.ctx(t)); err != nil {
		t.Fatalf("Close: %v", err)
	}
	f.expectState(t, ref, protocol.StateRunning)
	srv.expectJournalEmpty(t)

	// A closed server no longer keeps containers.
	backupVolume(t, srv, ref, vol, true)
	f.expectState(t, ref, protocol.StateRunning)
}

// TestRestoreReleasesHeldContainer checks that an item that cannot take a
// kept container over, here a restore of its volume, releases it first
// instead of waiting for the grace.
func TestRestoreReleasesHeldContainer(t *testing.T) {
	f := needContainerd(t)
	vol := t.TempDir()
	archivetest.Generate(t, vol, archivetest.Options{Files: 20, Seed: 14})
	ref, starts := f.runContainer(t, "keep-restore", vol)
	srv := newServer(t, f.runtimeConfig())

	obj, res := backupLocal(t, srv, vol)
	backupVolume(t, srv, ref, vol, true)
	f.expectState(t, ref, protocol.StatePaused)

	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-3", ItemID: "item-1", Mode: protocol.RestoreReplace,
		Source: protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Local:  obj, SHA256: res.SHA256, Size: res.Size,
	})
	decodeResult[protocol.RestoreItemResult](t, it.result())
	f.expectState(t, ref, protocol.StateRunning)
	waitFor(t, func() bool { return countStarts(starts) == 2 })
	srv.expectJournalEmpty(t)
}

// backupVolume backs vol up into a local object, reading it with ref
// paused, and returns the item's events.
func backupVolume(t *testing.T, srv *testServer, ref protocol.ContainerRef, vol string,
	keep bool) []protocol.ItemEvent {
	t.Helper()
	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-" + vol, Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Consistency: protocol.ConsistencyPause,
		Sink:        protocol.Sink{Local: localSink(t, "p/b/vol.tar.zst")},
		KeepHeld:    keep,
	})
	decodeResult[protocol.BackupItemResult](t, it.result())
	return it.events
}
