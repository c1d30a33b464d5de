package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/protocol"
)

// backupHeld backs up a running container's volume to S3 with the given
// consistency. The control plane holds back the part URLs until it has
// seen the container's state and the journal, which it returns.
func backupHeld(t *testing.T, f *ctrd, srv *testServer, ref protocol.ContainerRef,
	vol string, mode protocol.Consistency) (protocol.BackupItemResult,
	protocol.ContainerState, []protocol.ItemEvent) {
	t.Helper()
	plane := newS3Plane(t, "vol.tar.zst")
	it := startItem(t, srv.BackupItem, protocol.OpBackupItem, protocol.BackupItemRequest{
		JobID: "job-1", ItemID: "item-1", Attempt: 1,
		Source:      protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Consistency: mode,
		Sink: protocol.Sink{S3: &protocol.S3Upload{
			Plan: protocol.UploadPlan{PartSize: 5 << 20, MaxParts: 10000},
		}},
	})

	var during protocol.ContainerState
	it.signer = func(first, count int32) []protocol.PresignedPart {
		during = f.state(t, ref)
		if records, _ := srv.journal.List(); len(records) != 1 {
			t.Errorf("journal during the stream holds %d records, want 1", len(records))
		}
		return plane.sign(first, count)
	}
	res := decodeResult[protocol.BackupItemResult](t, it.result())
	plane.complete(res.Parts)

	// The volume was read whole: restoring it elsewhere gives it back.
	dst := t.TempDir()
	rit := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-2", ItemID: "item-1", Mode: protocol.RestorePath, Target: dst,
		S3: plane.presignGet(res.Size), SHA256: res.SHA256, Size: res.Size,
	})
	decodeResult[protocol.RestoreItemResult](t, rit.result())
	archivetest.Compare(t, vol, dst)
	return res, during, it.events
}

func TestBackupPausesContainer(t *testing.T) {
	f := needContainerd(t)
	vol, ref, starts := f.runWithVolume(t, "pause", archivetest.Options{Files: 200, Seed: 3})
	srv := newServer(t, f.runtimeConfig())

	_, during, events := backupHeld(t, f, srv, ref, vol, protocol.ConsistencyPause)
	if during != protocol.StatePaused {
		t.Errorf("container was %s during the stream, want paused", during)
	}
	f.expectResumed(t, srv, ref, starts)
	expectMessages(t, events, "paused", "resumed")
}

func TestBackupStopsContainer(t *testing.T) {
	f := needContainerd(t)
	vol, ref, starts := f.runWithVolume(t, "stop", archivetest.Options{Files: 200, Seed: 4})
	srv := newServer(t, f.runtimeConfig())

	_, during, events := backupHeld(t, f, srv, ref, vol, protocol.ConsistencyStop)
	if during != protocol.StateStopped {
		t.Errorf("container was %s during the stream, want stopped", during)
	}
	f.expectRestarted(t, ref, starts)
	expectMessages(t, events, "stopped", "started")
	srv.expectJournalEmpty(t)
}

func TestRestoreReplacesVolume(t *testing.T) {
	f := needContainerd(t)
	vol, ref, starts := f.runWithVolume(t, "replace", archivetest.Options{Files: 300, Seed: 5})
	srv := newServer(t, f.runtimeConfig())
	obj, res := backupLocal(t, srv, vol)
	want := t.TempDir()
	decodeResult[protocol.RestoreItemResult](t, restoreLocal(t, srv, obj, res, want))
	archivetest.Compare(t, vol, want)

	// What happens to the volume after the backup is undone by the restore.
	write(t, filepath.Join(vol, "added-later"), 100)
	if err := os.RemoveAll(filepath.Join(vol, "tree")); err != nil {
		t.Fatal(err)
	}

	it := startItem(t, srv.RestoreItem, protocol.OpRestoreItem, protocol.RestoreItemRequest{
		JobID: "job-2", ItemID: "item-1", Mode: protocol.RestoreReplace,
		Source: protocol.Source{Kind: protocol.KindVolume, Path: vol, Container: &ref},
		Local:  obj, SHA256: res.SHA256, Size: res.Size,
	})
	got := decodeResult[protocol.RestoreItemResult](t, it.result())
	if got.Files != res.Files {
		t.Errorf("restored %d files, want %d", got.Files, res.Files)
	}

	archivetest.Compare(t, want, vol)
	f.expectRestarted(t, ref, starts)
	expectMessages(t, it.events, "stopped", "started")
	srv.expectJournalEmpty(t)
}

func TestRecoverAfterCrash(t *testing.T) {
	f := needContainerd(t)
	paused, _ := f.runContainer(t, "crash-paused", t.TempDir())
	stopped, starts := f.runContainer(t, "crash-stopped", t.TempDir())
	j, err := journal.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	// What items do before their streams, and then the agent dies.
	f.crashWith(t, j, paused, journal.ActionPause)
	f.crashWith(t, j, stopped, journal.ActionStop)
	gone := protocol.ContainerRef{Namespace: f.ns, ID: "deleted-since"}
	if _, err := j.Add(journal.Entry{Container: gone, Action: journal.ActionStop}); err != nil {
		t.Fatalf("record: %v", err)
	}

	outcomes, err := j.Recover(context.Background(), f.rt)
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	var settled []string
	for _, o := range outcomes {
		settled = append(settled, o.Record.Container.ID+" "+string(o.Settled))
	}
	want := []string{"crash-paused resumed", "crash-stopped started", "deleted-since gone"}
	if !slices.Equal(settled, want) {
		t.Errorf("Recover settled %q, want %q", settled, want)
	}
	f.expectState(t, paused, protocol.StateRunning)
	f.expectState(t, stopped, protocol.StateRunning)
	waitFor(t, func() bool { return countStarts(starts) == 2 })
	if records, _ := j.List(); len(records) != 0 {
		t.Errorf("journal after Recover holds %+v, want nothing", records)
	}

	// A second run finds nothing to do.
	if outcomes, err := j.Recover(context.Background(), f.rt); err != nil || len(outcomes) != 0 {
		t.Errorf("second Recover = %+v, %v; want nothing", outcomes, err)
	}
}

// expectResumed checks that a container paused for an item runs again,
// without a restart, and that the journal no longer records it.
func (f *ctrd) expectResumed(t *testing.T, srv *testServer, ref protocol.ContainerRef,
	starts string) {
	t.Helper()
	f.expectState(t, ref, protocol.StateRunning)
	if n := countStarts(starts); n != 1 {
		t.Errorf("container started %d times, want once: pausing does not restart", n)
	}
	srv.expectJournalEmpty(t)
}

// expectRestarted checks that a container stopped for an item runs again,
// started a second time.
func (f *ctrd) expectRestarted(t *testing.T, ref protocol.ContainerRef, starts string) {
	t.Helper()
	f.expectState(t, ref, protocol.StateRunning)
	waitFor(t, func() bool { return countStarts(starts) == 2 })
}

// crashWith records an action on a container and takes it, as an item does
// before its stream.
func (f *ctrd) crashWith(t *testing.T, j *journal.Journal, ref protocol.ContainerRef,
	a journal.Action) {
	t.Helper()
	_, err := j.Add(journal.Entry{Container: ref, Action: a, Purpose: journal.PurposeBackup})
	if err != nil {
		t.Fatalf("record: %v", err)
	}
	c := protocol.Container{Namespace: ref.Namespace, ID: ref.ID}
	if a == journal.ActionPause {
		err = f.rt.Pause(f.ctx(t), c)
	} else {
		err = f.rt.Stop(f.ctx(t), c, 5*time.Second)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", a, ref.ID, err)
	}
}

// expectMessages checks that the item's messages mention each word, in
// order.
func expectMessages(t *testing.T, events []protocol.ItemEvent, words ...string) {
	t.Helper()
	var msgs []string
	for _, ev := range events {
		if ev.Message != "" {
			msgs = append(msgs, ev.Message)
		}
	}
	i := 0
	for _, m := range msgs {
		if i < len(words) && strings.Contains(m, words[i]) {
			i++
		}
	}
	if i < len(words) {
		t.Errorf("messages %q do not mention %q in order", msgs, words)
	}
}
