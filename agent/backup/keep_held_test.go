package backup_test

import (
	"path/filepath"
	"strings"
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
	data, wal, ref, starts := f.twoVolumes(t, "keep", 11)
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
	vol, ref, _ := f.runWithVolume(t, "keep-alone", archivetest.Options{Files: 20, Seed: 13})

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
	vol, ref, starts := f.runWithVolume(t, "keep-restore",
		archivetest.Options{Files: 20, Seed: 14})
	srv := newServer(t, f.runtimeConfig())

	obj, res := backupLocal(t, srv, vol)
	backupVolume(t, srv, ref, vol, true)
	f.expectState(t, ref, protocol.StatePaused)

	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem,
		replaceRequest(ref, vol, obj, res, false))
	decodeResult[protocol.RestoreItemResult](t, it.result())
	f.expectRestarted(t, ref, starts)
	srv.expectJournalEmpty(t)
}

// TestRestoreKeepsContainerStoppedBetweenVolumes restores two volumes of
// one container in place: the container is stopped for the first, stays
// stopped until the second is in place, and starts once, on both.
func TestRestoreKeepsContainerStoppedBetweenVolumes(t *testing.T) {
	f := needContainerd(t)
	data, wal, ref, starts := f.twoVolumes(t, "keep-replace", 15)
	srv := newServer(t, f.runtimeConfig())
	dataObj, dataRes := backupLocal(t, srv, data)
	walObj, walRes := backupLocal(t, srv, wal)
	want := map[string]string{data: t.TempDir(), wal: t.TempDir()}
	decodeResult[protocol.RestoreItemResult](t, restoreLocal(t, srv, dataObj, dataRes, want[data]))
	decodeResult[protocol.RestoreItemResult](t, restoreLocal(t, srv, walObj, walRes, want[wal]))
	write(t, filepath.Join(data, "added-later"), 10)
	write(t, filepath.Join(wal, "added-later"), 10)

	replace := func(vol string, obj *protocol.LocalObject, res protocol.BackupItemResult,
		keep bool) []protocol.ItemEvent {
		t.Helper()
		it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem,
			replaceRequest(ref, vol, obj, res, keep))
		decodeResult[protocol.RestoreItemResult](t, it.result())
		return it.events
	}

	expectMessages(t, replace(data, dataObj, dataRes, true), "stopped", "stays stopped")
	f.expectState(t, ref, protocol.StateStopped)
	if n := countStarts(starts); n != 1 {
		t.Errorf("container started %d times before its last volume, want once", n)
	}

	expectMessages(t, replace(wal, walObj, walRes, false), "still stopped", "started")
	f.expectRestarted(t, ref, starts)
	archivetest.Compare(t, want[data], data)
	archivetest.Compare(t, want[wal], wal)
	srv.expectJournalEmpty(t)
}

// TestFailedItemStartsHeldContainer checks that an item that took a held
// container over and then failed, here on a damaged object, does not leave
// the container stopped.
func TestFailedItemStartsHeldContainer(t *testing.T) {
	f := needContainerd(t)
	data, wal, ref, starts := f.twoVolumes(t, "keep-fail", 17)
	srv := newServer(t, f.runtimeConfig())
	obj, res := backupLocal(t, srv, data)

	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem,
		replaceRequest(ref, data, obj, res, true))
	decodeResult[protocol.RestoreItemResult](t, it.result())
	f.expectState(t, ref, protocol.StateStopped)

	damaged := res
	damaged.SHA256 = strings.Repeat("0", 64)
	it = startItem(t, srv.RestoreItem, protocol.OpRestoreItem,
		replaceRequest(ref, wal, obj, damaged, false))
	expectFailure(t, it.result(), protocol.CodeChecksum)
	f.expectRestarted(t, ref, starts)
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

// replaceRequest restores obj, stored as res, in place into vol, a volume
// of ref.
func replaceRequest(ref protocol.ContainerRef, vol string, obj *protocol.LocalObject,
	res protocol.BackupItemResult, keep bool) protocol.RestoreItemRequest {
	return protocol.RestoreItemRequest{
		JobID: "job-2", ItemID: "item-" + vol, Mode: protocol.RestoreReplace,
		Source: protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Local:  obj, SHA256: res.SHA256, Size: res.Size, KeepHeld: keep,
	}
}

// twoVolumes runs container id with a generated volume, data, and makes a
// second generated directory, wal, to stand for its other volume: the
// agent reads and writes volumes by their host paths.
func (f *ctrd) twoVolumes(t *testing.T, id string, seed uint64) (data, wal string,
	ref protocol.ContainerRef, starts string) {
	t.Helper()
	data, ref, starts = f.runWithVolume(t, id, archivetest.Options{Files: 50, Seed: seed})
	wal = t.TempDir()
	archivetest.Generate(t, wal, archivetest.Options{Files: 50, Seed: seed + 1})
	return data, wal, ref, starts
}
