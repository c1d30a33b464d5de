package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
)

// reapEvery is how often the reaper looks for backups whose lease ran out.
const reapEvery = 15 * time.Second

// msgLeaseExpired is recorded on a backup whose runner stopped renewing it.
const msgLeaseExpired = "the backup's lease expired: the agent or control plane " +
	"stopped mid-backup"

// Run reaps abandoned backups once at once, then every reapEvery, until ctx
// ends or the runner closes. A backup left RUNNING by a control plane that
// crashed is failed as soon as its lease runs out.
func (r *Runner) Run(ctx context.Context) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.wg.Add(1)
	r.mu.Unlock()
	defer r.wg.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.ctx, cancel)
	defer stop()

	t := time.NewTicker(min(reapEvery, r.lease))
	defer t.Stop()
	for {
		if _, err := r.Reap(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn().Err(err).Msg("reap expired backups failed")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Reap fails every backup whose lease has run out by the runner's clock,
// aborting the uploads its items left open, and returns how many it
// failed. Backups this runner is still running are left alone.
func (r *Runner) Reap(ctx context.Context) (int, error) {
	expired, err := r.store.ExpiredRunningBackups(ctx, r.now())
	if err != nil {
		return 0, fmt.Errorf("reap backups: %w", err)
	}

	n := 0
	for _, b := range expired {
		if r.Active(b.ID) {
			continue
		}
		if err := r.reapOne(ctx, b); err != nil {
			return n, fmt.Errorf("reap backup %s: %w", b.ID, err)
		}
		n++
	}
	return n, nil
}

func (r *Runner) reapOne(ctx context.Context, b *ent.Backup) error {
	log := r.log.With().Str("backup", b.ID).Str("projectId", b.ProjectID).Logger()
	r.abortOpenUploads(ctx, b, log)

	now := r.now()
	failed, msg := statusFailed, msgLeaseExpired
	var size int64
	for _, it := range b.Edges.Items {
		if it.Status.String() == statusCompleted {
			size += it.Size
			continue
		}
		u := store.ItemUpdate{Status: &failed, Error: &msg, CompletedAt: &now}
		if err := r.store.UpdateBackupItem(ctx, it.ID, u); err != nil {
			return err
		}
	}

	if err := r.store.FinishBackup(ctx, b.ID, failed, size, msg, "", now); err != nil {
		return err
	}
	r.metrics.backupDone(r.projectName(ctx, b.ProjectID), failed, now)
	r.publish(Event{Type: EventBackup, BackupID: b.ID, Status: failed, Error: msg})
	log.Error().Str("error", msg).Msg("backup failed")
	return nil
}

// abortOpenUploads discards the multipart uploads a dead runner left. A
// failure is logged, not returned: the backup fails either way, and the
// upload ids stay recorded for a later delete to abort.
func (r *Runner) abortOpenUploads(ctx context.Context, b *ent.Backup, log zerolog.Logger) {
	var open []*ent.BackupItem
	for _, it := range b.Edges.Items {
		if it.UploadID != "" && it.Status.String() != statusCompleted {
			open = append(open, it)
		}
	}
	if len(open) == 0 {
		return
	}

	res, err := r.openTargetID(ctx, b.TargetID)
	if err != nil || res.S3 == nil {
		log.Warn().Err(err).Int("uploads", len(open)).Msg("abort uploads failed")
		return
	}
	for _, it := range open {
		if err := res.S3.AbortUpload(ctx, it.ObjectKey, it.UploadID); err != nil {
			log.Warn().Err(err).Str("item", it.ID).Msg("abort upload failed")
			continue
		}
		none := ""
		err := r.store.UpdateBackupItem(ctx, it.ID, store.ItemUpdate{UploadID: &none})
		if err != nil {
			log.Warn().Err(err).Str("item", it.ID).Msg("record aborted upload failed")
		}
	}
}

// msgRestoreOrphaned is recorded on restores a stopped control plane left.
const msgRestoreOrphaned = "the control plane stopped during the restore; " +
	"check the restored files and run it again"

// FailOrphanedRestores ends the restores a previous run of this control
// plane left unfinished. Call it once at start, before any restore can
// begin here.
func (r *Runner) FailOrphanedRestores(ctx context.Context) error {
	n, err := r.store.FailUnfinishedRestores(ctx, msgRestoreOrphaned, r.now())
	if err != nil {
		return err
	}
	if n > 0 {
		r.log.Warn().Int("restores", n).Msg("restores left by a stopped control plane failed")
	}
	return nil
}
