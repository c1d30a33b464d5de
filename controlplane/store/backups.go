package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/backup"
	"github.com/cofferhq/coffer/ent/backupitem"
	"github.com/cofferhq/coffer/ent/schema"
)

// The statuses of backups, their items and restores.
const (
	StatusPending   = "PENDING"
	StatusRunning   = "RUNNING"
	StatusCompleted = "COMPLETED"
	StatusFailed    = "FAILED"
)

// The kinds of backup items.
const (
	KindVolume = "volume"
	KindPath   = "path"
)

// NewBackupItem is one thing a new backup will hold. The container fields
// are empty for a host path.
type NewBackupItem struct {
	Kind, HostID, ContainerNamespace, ContainerID, ContainerName, SourcePath, ObjectKey string
}

// NewBackupID returns an id for CreateBackupWithID, for callers that build
// object keys from the backup's id before the backup exists.
func NewBackupID() string {
	return schema.NewID()
}

// CreateBackup creates a PENDING backup and its items in one transaction.
// The project and target must exist. The returned backup has its items in
// Edges.Items, in the order given.
func (s *Store) CreateBackup(
	ctx context.Context, projectID, targetID, name, path string,
	items []NewBackupItem, now time.Time,
) (*ent.Backup, error) {
	return s.CreateBackupWithID(ctx, NewBackupID(), projectID, targetID, name, path, items, now)
}

// CreateBackupWithID is CreateBackup with an id from NewBackupID.
func (s *Store) CreateBackupWithID(
	ctx context.Context, id, projectID, targetID, name, path string,
	items []NewBackupItem, now time.Time,
) (*ent.Backup, error) {
	if err := validateNewBackup(id, name, items); err != nil {
		return nil, fmt.Errorf("create backup: %w", err)
	}

	var b *ent.Backup
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		if err := requireProjectAndTarget(ctx, tx, projectID, targetID); err != nil {
			return err
		}

		var err error
		b, err = tx.Backup.Create().
			SetID(id).
			SetProjectID(projectID).
			SetTargetID(targetID).
			SetName(name).
			SetPath(path).
			SetCreatedAt(dbTime(now)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("insert backup: %w", classify(err))
		}
		b.Edges.Items, err = createItems(ctx, tx, b.ID, items)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create backup of project %s: %w", projectID, err)
	}
	return b, nil
}

func requireProjectAndTarget(ctx context.Context, tx *ent.Tx, projectID, targetID string) error {
	if _, err := tx.Project.Get(ctx, projectID); err != nil {
		return fmt.Errorf("get project %s: %w", projectID, classify(err))
	}
	if _, err := tx.StorageTarget.Get(ctx, targetID); err != nil {
		return fmt.Errorf("get storage target %s: %w", targetID, classify(err))
	}
	return nil
}

func createItems(
	ctx context.Context, tx *ent.Tx, backupID string, items []NewBackupItem,
) ([]*ent.BackupItem, error) {
	ids := orderedIDs(len(items))
	out := make([]*ent.BackupItem, 0, len(items))
	for start := 0; start < len(items); start += batchSize {
		batch := items[start:min(start+batchSize, len(items))]
		creates := make([]*ent.BackupItemCreate, len(batch))
		for i, it := range batch {
			creates[i] = tx.BackupItem.Create().
				SetID(ids[start+i]).
				SetBackupID(backupID).
				SetKind(backupitem.Kind(it.Kind)).
				SetHostID(it.HostID).
				SetContainerNamespace(it.ContainerNamespace).
				SetContainerID(it.ContainerID).
				SetContainerName(it.ContainerName).
				SetSourcePath(it.SourcePath).
				SetObjectKey(it.ObjectKey)
		}
		created, err := tx.BackupItem.CreateBulk(creates...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("insert backup items: %w", classify(err))
		}
		out = append(out, created...)
	}
	return out, nil
}

// GetBackup returns a backup with its items in Edges.Items.
func (s *Store) GetBackup(ctx context.Context, id string) (*ent.Backup, error) {
	b, err := s.client.Backup.Query().
		Where(backup.ID(id)).
		WithItems(itemOrder).
		Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("get backup %s: %w", id, classify(err))
	}
	return b, nil
}

// BackupPage selects backups for ListBackups, newest first.
type BackupPage struct {
	// ProjectID keeps one project's backups; empty keeps every project's.
	ProjectID string
	// Before, the id of the last backup of the previous page, starts the
	// page after it; empty starts with the newest backup.
	Before string
	// Limit is the most backups returned; 0 returns them all.
	Limit int
}

// ListBackups returns the backups page selects, newest first and with their
// items. A Before that names no backup is ErrNotFound.
func (s *Store) ListBackups(ctx context.Context, page BackupPage) ([]*ent.Backup, error) {
	q := s.client.Backup.Query()
	if page.ProjectID != "" {
		q.Where(backup.ProjectID(page.ProjectID))
	}
	if page.Before != "" {
		last, err := s.client.Backup.Get(ctx, page.Before)
		if err != nil {
			return nil, fmt.Errorf("list backups before %s: %w", page.Before, classify(err))
		}
		// Ties in the time are broken by id, as in the order below.
		q.Where(backup.Or(
			backup.CreatedAtLT(last.CreatedAt),
			backup.And(backup.CreatedAtEQ(last.CreatedAt), backup.IDLT(last.ID)),
		))
	}
	if page.Limit > 0 {
		q.Limit(page.Limit)
	}
	bs, err := q.Order(ent.Desc(backup.FieldCreatedAt), ent.Desc(backup.FieldID)).
		WithItems(itemOrder).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", classify(err))
	}
	return bs, nil
}

// itemOrder lists items in the order they were created: ids are ULIDs.
func itemOrder(q *ent.BackupItemQuery) {
	q.Order(ent.Asc(backupitem.FieldID))
}

// SetBackupError records why a backup is failing without finishing it.
func (s *Store) SetBackupError(ctx context.Context, id, msg string) error {
	err := s.client.Backup.UpdateOneID(id).SetError(msg).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set error of backup %s: %w", id, classify(err))
	}
	return nil
}

// DeleteBackup deletes a backup's records, its items and restores with it.
// The stored objects are the caller's to delete first.
func (s *Store) DeleteBackup(ctx context.Context, id string) error {
	if err := s.client.Backup.DeleteOneID(id).Exec(ctx); err != nil {
		return fmt.Errorf("delete backup %s: %w", id, classify(err))
	}
	return nil
}
