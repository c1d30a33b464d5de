package backup

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
)

var (
	// ErrBusy means a backup is running, or being restored, here.
	ErrBusy = errors.New("backup is in use")
	// ErrStorage means the storage target refused what was asked of it.
	ErrStorage = errors.New("storage failed")
	// ErrLocalObjects means a backup's objects are on the hosts' disks,
	// which the control plane cannot list.
	ErrLocalObjects = errors.New("backup objects are on the hosts")
)

// Delete deletes a finished backup's objects and then its record. When
// storage refuses, or a host that holds a local backup's files is
// offline, the record is kept with the reason in its error, so the delete
// can be tried again and no object is left without a record.
func (r *Runner) Delete(ctx context.Context, backupID string) error {
	b, err := r.store.GetBackup(ctx, backupID)
	if err != nil {
		return fmt.Errorf("delete backup: %w", err)
	}
	if !final(b.Status.String()) || r.Active(b.ID) {
		return fmt.Errorf("delete backup %s: %w", b.ID, ErrBusy)
	}

	res, err := r.openTargetID(ctx, b.TargetID)
	if err != nil {
		return r.deleteFailed(ctx, b, err)
	}
	if res.S3 == nil {
		if err := r.deleteLocal(ctx, res.LocalDir, b); err != nil {
			return r.keepRecord(ctx, b, sentence(err), err)
		}
	} else if err := deleteObjects(ctx, res, b); err != nil {
		return r.deleteFailed(ctx, b, err)
	}

	if err := r.store.DeleteBackup(ctx, b.ID); err != nil {
		return fmt.Errorf("delete backup: %w", err)
	}
	r.log.Info().Str("backup", b.ID).Str("projectId", b.ProjectID).Msg("backup deleted")
	return nil
}

// deleteObjects aborts the uploads the backup left open, then deletes its
// items, anything else under its prefix, and last the manifest, which a
// catalog import would otherwise read as a whole backup.
func deleteObjects(ctx context.Context, res targets.Resolved, b *ent.Backup) error {
	var keys []string
	for _, it := range b.Edges.Items {
		if it.UploadID != "" {
			if err := res.S3.AbortUpload(ctx, it.ObjectKey, it.UploadID); err != nil {
				return err
			}
		}
		keys = append(keys, it.ObjectKey)
	}

	// Only a path that is this backup's own prefix is listed, whatever a
	// record imported from a manifest says.
	if strings.HasSuffix(b.Path, "/"+b.ID+"/") {
		objects, err := res.S3.List(ctx, b.Path)
		if err != nil {
			return err
		}
		for _, o := range objects {
			if o.Key != b.S3Key {
				keys = append(keys, o.Key)
			}
		}
	}
	if len(keys) > 0 {
		if err := res.S3.Delete(ctx, keys...); err != nil {
			return err
		}
	}
	if b.S3Key == "" {
		return nil
	}
	return res.S3.Delete(ctx, b.S3Key)
}

// deleteFailed keeps the record, noting why its objects are still there.
func (r *Runner) deleteFailed(ctx context.Context, b *ent.Backup, cause error) error {
	msg := "deleting the backup's objects failed: " + lastReason(cause)
	return r.keepRecord(ctx, b, msg, errors.Join(ErrStorage, cause))
}

// keepRecord records msg as the backup's error and returns err with msg
// as its sentence.
func (r *Runner) keepRecord(ctx context.Context, b *ent.Backup, msg string, err error) error {
	if err := r.store.SetBackupError(ctx, b.ID, msg); err != nil {
		r.log.Error().Err(err).Str("backup", b.ID).Msg("record delete failure failed")
	}
	return fmt.Errorf("delete backup %s: %w", b.ID, &failure{msg: msg, err: err})
}

// Explain says in a sentence why a backup, delete or restore failed, for
// a person to read; the error itself carries the detail for logs.
func Explain(err error) string { return sentence(err) }
