package backup

import (
	"context"
	"strings"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// updateItem records a change of an item. A failure to record is logged
// here and not returned: the item goes on, and its final state is written
// again when it ends.
func (r *Runner) updateItem(ctx context.Context, j *job, itemID string, u store.ItemUpdate) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = cleanupContext(ctx)
		defer cancel()
	}
	if err := r.store.UpdateBackupItem(ctx, itemID, u); err != nil {
		j.log.Error().Err(err).Str("item", itemID).Msg("record backup item failed")
	}
}

// failItem records an item as FAILED with the sentence that says why.
func (r *Runner) failItem(ctx context.Context, j *job, it *ent.BackupItem, err error) {
	status, msg, now := statusFailed, sentence(err), r.now()
	r.updateItem(ctx, j, it.ID, store.ItemUpdate{Status: &status, Error: &msg, CompletedAt: &now})
	r.metrics.itemDone(string(it.Kind), status, 0)
	r.publish(Event{Type: EventItem, BackupID: j.backup.ID, ItemID: it.ID, Status: status,
		Error: msg})
}

// completeItem records a verified item.
func (r *Runner) completeItem(ctx context.Context, j *job, it *ent.BackupItem,
	res protocol.BackupItemResult) {
	status, now, ms := statusCompleted, r.now(), res.Duration.Milliseconds()
	r.updateItem(ctx, j, it.ID, store.ItemUpdate{
		Status: &status, SHA256: &res.SHA256, Size: &res.Size, SourceBytes: &res.SourceBytes,
		Files: &res.Files, DurationMs: &ms, CompletedAt: &now,
	})
	r.metrics.itemDone(string(it.Kind), status, res.Size)
	r.publish(Event{Type: EventItem, BackupID: j.backup.ID, ItemID: it.ID, Status: status,
		Size: res.Size, SHA256: res.SHA256, Message: strings.Join(res.Warnings, "; ")})
}
