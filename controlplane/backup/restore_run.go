package backup

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/cofferhq/coffer/controlplane/hub"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// restoreURLTTL is how long a download URL stays valid. A restore reads
// its object in one request, which only has to start in time.
const restoreURLTTL = 6 * time.Hour

// runRestore restores the items one after the other and records each
// outcome; one failed item does not stop the others. In replace mode the
// volumes of a container come one after another, and the agent keeps the
// container stopped from the first to the last, so that it never runs on
// some volumes restored and others not.
func (r *Runner) runRestore(ctx context.Context, j *restoreJob) {
	err := r.store.UpdateRestore(ctx, j.restore.ID, statusRunning, "", nil, r.now())
	if err != nil {
		j.log.Error().Err(err).Msg("record restore start failed")
	}
	r.publish(Event{Type: EventRestore, BackupID: j.backup.ID, RestoreID: j.restore.ID,
		Status: statusRunning})
	j.log.Info().Int("items", len(j.items)).Str("mode", string(j.restore.Mode)).
		Msg("restore started")

	items := containerOrder(j.items)
	results := make([]store.RestoreResult, 0, len(items))
	var failed []string
	for i, it := range items {
		keep := j.restore.Mode == store.RestoreReplace && i+1 < len(items) &&
			sameContainer(it, items[i+1])
		res := r.restoreItem(ctx, j, it, keep)
		results = append(results, res)
		if res.Status != statusCompleted {
			failed = append(failed, itemLabel(it)+" ("+res.Error+")")
		}
	}

	msg := ""
	if len(failed) > 0 {
		msg = fmt.Sprintf("%d of %d items failed: %s", len(failed), len(j.items),
			strings.Join(failed, "; "))
	}
	r.finishRestore(ctx, j, results, msg)
}

// finishRestore records and announces how a restore ended.
func (r *Runner) finishRestore(ctx context.Context, j *restoreJob,
	results []store.RestoreResult, msg string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()

	status := statusCompleted
	if msg != "" {
		status = statusFailed
	}
	if results == nil {
		results = []store.RestoreResult{}
	}
	err := r.store.UpdateRestore(ctx, j.restore.ID, status, msg, results, r.now())
	if err != nil {
		j.log.Error().Err(err).Msg("record restore end failed")
	}
	r.settle(j.backup.ID)
	r.publish(Event{Type: EventRestore, BackupID: j.backup.ID, RestoreID: j.restore.ID,
		Status: status, Error: msg})

	ev := j.log.Info()
	if status != statusCompleted {
		ev = j.log.Error().Str("error", msg)
	}
	ev.Str("status", status).Msg("restore finished")
}

// restoreItem restores one item and says how that went. keepHeld says the
// next item restores another volume of the same container.
func (r *Runner) restoreItem(ctx context.Context, j *restoreJob,
	it *ent.BackupItem, keepHeld bool) store.RestoreResult {
	out := store.RestoreResult{ItemID: it.ID, Status: statusFailed}
	r.publish(Event{Type: EventRestore, BackupID: j.backup.ID, RestoreID: j.restore.ID,
		ItemID: it.ID, Status: statusRunning, TotalBytes: it.SourceBytes})

	res, err := r.callRestore(ctx, j, it, keepHeld)
	if err != nil {
		out.Error = sentence(err)
		j.log.Warn().Err(err).Str("item", it.ID).Msg("restore item failed")
	} else {
		out.Status, out.Bytes, out.Files = statusCompleted, res.Bytes, res.Files
		out.DurationMs = res.Duration.Milliseconds()
		j.log.Info().Str("item", it.ID).Int64("bytes", res.Bytes).Msg("restore item completed")
	}
	r.publish(Event{Type: EventRestore, BackupID: j.backup.ID, RestoreID: j.restore.ID,
		ItemID: it.ID, Status: out.Status, Error: out.Error})
	return out
}

func (r *Runner) callRestore(ctx context.Context, j *restoreJob, it *ent.BackupItem,
	keepHeld bool) (protocol.RestoreItemResult, error) {
	var res protocol.RestoreItemResult
	req, err := r.restoreRequest(ctx, j, it)
	if err != nil {
		return res, err
	}
	req.KeepHeld = keepHeld

	var progress throttle
	onProgress := func(m protocol.Message) {
		var ev protocol.ItemEvent
		if m.Decode(&ev) != nil || !progress.allow(r.now()) {
			return
		}
		r.publish(Event{Type: EventProgress, BackupID: j.backup.ID, RestoreID: j.restore.ID,
			ItemID: it.ID, ReadBytes: ev.ReadBytes, WrittenBytes: ev.WrittenBytes})
	}
	err = r.agents.Call(ctx, it.HostID, protocol.OpRestoreItem, req, &res, onProgress)
	if err != nil {
		return res, restoreFailure(ctx, err)
	}
	return res, nil
}

// restoreRequest tells the agent what to restore where, and how to read it.
func (r *Runner) restoreRequest(ctx context.Context, j *restoreJob, it *ent.BackupItem) (
	protocol.RestoreItemRequest, error) {
	req := protocol.RestoreItemRequest{
		JobID: j.restore.ID, ItemID: it.ID, Mode: protocol.RestoreMode(j.restore.Mode),
		Source: protocol.Source{Kind: protocol.ItemKind(it.Kind), Path: it.SourcePath},
		Target: it.SourcePath, SHA256: it.Sha256, Size: it.Size,
	}
	if it.Kind == kindVolume {
		req.Source.Container = &protocol.ContainerRef{
			Namespace: it.ContainerNamespace, ID: it.ContainerID,
		}
	}
	if j.restore.Mode == store.RestorePath {
		req.Target = path.Join(j.restore.TargetPath, itemLabel(it))
	}

	if j.res.S3 == nil {
		req.Local = &protocol.LocalObject{
			Target: protocol.LocalTarget{Dir: j.res.LocalDir}, Key: it.ObjectKey,
		}
		return req, nil
	}
	get, err := j.res.S3.PresignGet(ctx, it.ObjectKey, restoreURLTTL)
	if err != nil {
		return req, fail("storage refused the download: "+lastReason(err), err)
	}
	req.S3 = &get
	return req, nil
}

// restoreFailure explains a failed restore call. The agent's own errors
// speak for themselves; anything else on the stream means it went away.
func restoreFailure(ctx context.Context, err error) error {
	var remote *protocol.RemoteError
	switch {
	case ctx.Err() != nil:
		return fail(msgShutdown, err)
	case errors.As(err, &remote):
		return err
	case errors.Is(err, hub.ErrHostOffline):
		return fail("the host went offline", err)
	}
	return fail(msgDisconnected, err)
}
