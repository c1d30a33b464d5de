package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/backupitem"
	"github.com/cofferhq/coffer/ent/restore"
	"github.com/cofferhq/coffer/ent/schema"
)

// The restore modes.
const (
	RestoreReplace = "replace"
	RestorePath    = "path"
)

// RestoreResult is the outcome of restoring one item.
type RestoreResult = schema.RestoreResult

// CreateRestore records a PENDING restore of a backup's items; no itemIDs
// means all of them. Mode "replace" restores each item where it came from
// and takes no target path; mode "path" needs an absolute, clean one.
func (s *Store) CreateRestore(
	ctx context.Context, backupID, mode, targetPath string, itemIDs []string, now time.Time,
) (*ent.Restore, error) {
	if err := validateRestore(mode, targetPath, itemIDs); err != nil {
		return nil, fmt.Errorf("create restore of backup %s: %w", backupID, err)
	}
	if itemIDs == nil {
		itemIDs = []string{}
	}

	var r *ent.Restore
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		if err := requireItemsOf(ctx, tx, backupID, itemIDs); err != nil {
			return err
		}
		var err error
		r, err = tx.Restore.Create().
			SetBackupID(backupID).
			SetMode(restore.Mode(mode)).
			SetTargetPath(targetPath).
			SetItemIds(itemIDs).
			SetResults([]RestoreResult{}).
			SetCreatedAt(dbTime(now)).
			Save(ctx)
		return classify(err)
	})
	if err != nil {
		return nil, fmt.Errorf("create restore of backup %s: %w", backupID, err)
	}
	return r, nil
}

// requireItemsOf checks that the backup exists and holds every item named.
func requireItemsOf(ctx context.Context, tx *ent.Tx, backupID string, itemIDs []string) error {
	if _, err := tx.Backup.Get(ctx, backupID); err != nil {
		return fmt.Errorf("get backup: %w", classify(err))
	}
	if len(itemIDs) == 0 {
		return nil
	}

	n, err := tx.BackupItem.Query().
		Where(backupitem.BackupID(backupID), backupitem.IDIn(itemIDs...)).
		Count(ctx)
	if err != nil {
		return fmt.Errorf("count items: %w", classify(err))
	}
	if n != len(itemIDs) {
		return invalid("%d of the %d items named are not items of the backup",
			len(itemIDs)-n, len(itemIDs))
	}
	return nil
}

// GetRestore returns a restore by id.
func (s *Store) GetRestore(ctx context.Context, id string) (*ent.Restore, error) {
	r, err := s.client.Restore.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get restore %s: %w", id, classify(err))
	}
	return r, nil
}

// ListRestores returns a backup's restores, oldest first.
func (s *Store) ListRestores(ctx context.Context, backupID string) ([]*ent.Restore, error) {
	rs, err := s.client.Restore.Query().
		Where(restore.BackupID(backupID)).
		Order(ent.Asc(restore.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list restores of backup %s: %w", backupID, classify(err))
	}
	return rs, nil
}

// UpdateRestore sets a restore's status and error, and its results when
// results is not nil. RUNNING records the start the first time; COMPLETED
// and FAILED record the end.
func (s *Store) UpdateRestore(
	ctx context.Context, id, status, errMsg string, results []RestoreResult, now time.Time,
) error {
	if err := validateStatus(status); err != nil {
		return fmt.Errorf("update restore %s: %w", id, err)
	}

	err := s.inTx(ctx, func(tx *ent.Tx) error {
		r, err := tx.Restore.Get(ctx, id)
		if err != nil {
			return classify(err)
		}
		update := tx.Restore.UpdateOne(r).
			SetStatus(restore.Status(status)).
			SetError(errMsg)
		if results != nil {
			update.SetResults(results)
		}
		if status != StatusPending && r.StartedAt == nil {
			update.SetStartedAt(dbTime(now))
		}
		if status == StatusCompleted || status == StatusFailed {
			update.SetCompletedAt(dbTime(now))
		}
		return classify(update.Exec(ctx))
	})
	if err != nil {
		return fmt.Errorf("update restore %s: %w", id, err)
	}
	return nil
}

func validateRestore(mode, targetPath string, itemIDs []string) error {
	switch mode {
	case RestoreReplace:
		if targetPath != "" {
			return invalid("a replace restore takes no target path")
		}
	case RestorePath:
		if err := validateAbsPath("target path", targetPath); err != nil {
			return err
		}
	default:
		return invalid("restore mode %q must be %q or %q", mode, RestoreReplace, RestorePath)
	}

	if len(itemIDs) > maxItems {
		return invalid("%d items, at most %d allowed", len(itemIDs), maxItems)
	}
	seen := make(map[string]bool, len(itemIDs))
	for _, id := range itemIDs {
		if id == "" || seen[id] {
			return invalid("item ids must be distinct and not empty")
		}
		seen[id] = true
	}
	return nil
}

// FailUnfinishedRestores fails every restore still PENDING or RUNNING. A
// control plane calls it when it starts: restores are driven from memory,
// so one left unfinished by a stopped control plane has nobody to end it.
func (s *Store) FailUnfinishedRestores(ctx context.Context, msg string, now time.Time) (
	int, error,
) {
	n, err := s.client.Restore.Update().
		Where(restore.StatusIn(restore.Status(StatusPending), restore.Status(StatusRunning))).
		SetStatus(restore.Status(StatusFailed)).
		SetError(msg).
		SetCompletedAt(dbTime(now)).
		Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("fail unfinished restores: %w", classify(err))
	}
	return n, nil
}
