package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent/backupitem"
)

// ItemUpdate changes the fields of a backup item that are not nil.
type ItemUpdate struct {
	Status                   *string
	UploadID, SHA256, Error  *string
	Size, SourceBytes, Files *int64
	DurationMs               *int64
	StartedAt, CompletedAt   *time.Time
}

// UpdateBackupItem applies u to one item.
func (s *Store) UpdateBackupItem(ctx context.Context, itemID string, u ItemUpdate) error {
	if u.Status != nil {
		if err := validateStatus(*u.Status); err != nil {
			return fmt.Errorf("update backup item %s: %w", itemID, err)
		}
	}

	update := s.client.BackupItem.UpdateOneID(itemID)
	if u.Status != nil {
		update.SetStatus(backupitem.Status(*u.Status))
	}
	update.SetNillableUploadID(u.UploadID).
		SetNillableSha256(u.SHA256).
		SetNillableError(u.Error).
		SetNillableSize(u.Size).
		SetNillableSourceBytes(u.SourceBytes).
		SetNillableFiles(u.Files).
		SetNillableDurationMs(u.DurationMs).
		SetNillableStartedAt(nillableDBTime(u.StartedAt)).
		SetNillableCompletedAt(nillableDBTime(u.CompletedAt))

	if err := update.Exec(ctx); err != nil {
		return fmt.Errorf("update backup item %s: %w", itemID, classify(err))
	}
	return nil
}

func nillableDBTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}
