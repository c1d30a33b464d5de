package backup

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/ent"
)

// maxListedFailures bounds how many failed items a backup's error names.
const maxListedFailures = 3

// finishBackup decides the backup's outcome from what its items recorded,
// writes the manifest, and records and announces the result. reason, when
// set, is why the backup failed before its items could run.
func (r *Runner) finishBackup(ctx context.Context, j *job, reason string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()

	b, err := r.store.GetBackup(ctx, j.backup.ID)
	if err != nil {
		j.log.Error().Err(err).Msg("read finished backup failed")
		b, reason = j.backup, "the control plane could not read the backup's items back"
	}
	if reason != "" {
		for _, it := range b.Edges.Items {
			if !final(it.Status.String()) {
				r.failItem(ctx, j, it, fail(reason, nil))
			}
		}
	}

	now := r.now()
	status, msg, size := outcome(b.Edges.Items)
	if reason != "" {
		status, msg = statusFailed, reason
	}
	manifestKey, err := r.writeManifest(ctx, j, b, status, msg, size, now)
	if err != nil {
		j.log.Error().Err(err).Msg("write manifest failed")
		status = statusFailed
		msg = joinSentences(msg, "the manifest could not be written: "+manifestReason(err))
	}

	r.record(ctx, j, status, msg, size, manifestKey, now)
}

// record stores the outcome, then announces it.
func (r *Runner) record(ctx context.Context, j *job, status, msg string, size int64,
	manifestKey string, now time.Time) {
	err := r.store.FinishBackup(ctx, j.backup.ID, status, size, msg, manifestKey, now)
	if err != nil {
		j.log.Error().Err(err).Msg("record finished backup failed")
	}
	r.settle(j.backup.ID)
	r.publish(Event{Type: EventBackup, BackupID: j.backup.ID, Status: status, Error: msg})
	r.metrics.backupDone(j.project.Name, status, now)

	ev := j.log.Info()
	if status != statusCompleted {
		ev = j.log.Error().Str("error", msg)
	}
	ev.Str("status", status).Int64("size", size).Msg("backup finished")
}

// outcome is COMPLETED only when every item is; otherwise FAILED with a
// sentence naming the failed items. size counts what was stored.
func outcome(items []*ent.BackupItem) (status, msg string, size int64) {
	var failed []string
	for _, it := range items {
		if it.Status.String() == statusCompleted {
			size += it.Size
			continue
		}
		why := it.Error
		if why == "" {
			why = "it did not finish"
		}
		failed = append(failed, itemLabel(it)+" ("+why+")")
	}
	if len(failed) == 0 && len(items) > 0 {
		return statusCompleted, "", size
	}

	msg = fmt.Sprintf("%d of %d items failed: ", len(failed), len(items))
	if len(failed) > maxListedFailures {
		rest := len(failed) - maxListedFailures
		failed = append(failed[:maxListedFailures], fmt.Sprintf("and %d more", rest))
	}
	return statusFailed, msg + strings.Join(failed, "; "), size
}

// itemLabel is the item's name as its object key shows it.
func itemLabel(it *ent.BackupItem) string {
	return strings.TrimSuffix(path.Base(it.ObjectKey), archiveExt)
}

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// writeManifest stores the manifest beside the items and returns its key.
// For a local target the key is relative to the target's directory, as
// the items' keys are, and every host that holds items gets a copy.
func (r *Runner) writeManifest(ctx context.Context, j *job, b *ent.Backup,
	status, msg string, size int64, now time.Time) (string, error) {
	key, err := storage.ManifestKey(j.target.Prefix, j.project.Name, b.ID)
	if err != nil {
		return "", fmt.Errorf("build manifest key: %w", err)
	}

	m := r.buildManifest(ctx, j, b, now)
	m.Status, m.Error, m.Size = status, msg, size
	body, err := manifest.Encode(m)
	if err != nil {
		return "", err
	}

	if j.local() {
		err = r.writeLocalManifest(ctx, j, b, key, body)
	} else {
		err = j.res.S3.Put(ctx, key, body)
	}
	if err != nil {
		return "", fmt.Errorf("write manifest: %w", err)
	}
	return key, nil
}

// manifestReason says why the manifest could not be written: the
// sentence of a failure, else the storage's reason.
func manifestReason(err error) string {
	var f *failure
	if errors.As(err, &f) {
		return f.msg
	}
	return lastReason(err)
}
