package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/backup"
	"github.com/cofferhq/coffer/ent/backupitem"
)

// ImportedBackup is a backup as its manifest describes it, for rebuilding
// the catalog from a bucket. Its ids are kept, so importing the same
// manifest twice finds the backup the first import made.
type ImportedBackup struct {
	ID, ProjectID, TargetID, Name, Status string

	Size               int64
	Error, Path, S3Key string

	CreatedAt              time.Time
	StartedAt, CompletedAt *time.Time

	Items []ImportedItem
}

// ImportedItem is one item of an ImportedBackup.
type ImportedItem struct {
	ID string
	NewBackupItem

	UploadID, SHA256, Status, Error string

	Size, SourceBytes, Files, DurationMs int64

	StartedAt, CompletedAt *time.Time
}

// ImportBackup records a backup read from a manifest, unless a backup with
// its id exists: then it changes nothing and reports created false. The
// project and target need not exist here; the importer maps them.
func (s *Store) ImportBackup(ctx context.Context, b ImportedBackup) (bool, error) {
	if err := validateImport(b); err != nil {
		return false, fmt.Errorf("import backup %s: %w", b.ID, err)
	}

	created := false
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		exists, err := tx.Backup.Query().Where(backup.ID(b.ID)).Exist(ctx)
		if err != nil || exists {
			return classify(err)
		}
		if err := insertImported(ctx, tx, b); err != nil {
			return err
		}
		created = true
		return nil
	})
	if errors.Is(err, ErrConflict) {
		// A concurrent import of the same manifest won the race.
		if _, getErr := s.GetBackup(ctx, b.ID); getErr == nil {
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("import backup %s: %w", b.ID, err)
	}
	return created, nil
}

func insertImported(ctx context.Context, tx *ent.Tx, b ImportedBackup) error {
	err := tx.Backup.Create().
		SetID(b.ID).
		SetProjectID(b.ProjectID).
		SetTargetID(b.TargetID).
		SetName(b.Name).
		SetStatus(backup.Status(b.Status)).
		SetSize(b.Size).
		SetError(b.Error).
		SetPath(b.Path).
		SetS3Key(b.S3Key).
		SetImported(true).
		SetCreatedAt(dbTime(b.CreatedAt)).
		SetNillableStartedAt(nillableDBTime(b.StartedAt)).
		SetNillableCompletedAt(nillableDBTime(b.CompletedAt)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("insert backup: %w", classify(err))
	}

	for start := 0; start < len(b.Items); start += batchSize {
		batch := b.Items[start:min(start+batchSize, len(b.Items))]
		creates := make([]*ent.BackupItemCreate, len(batch))
		for i, it := range batch {
			creates[i] = importedItemCreate(tx, b.ID, it)
		}
		if err := tx.BackupItem.CreateBulk(creates...).Exec(ctx); err != nil {
			return fmt.Errorf("insert backup items: %w", classify(err))
		}
	}
	return nil
}

func importedItemCreate(tx *ent.Tx, backupID string, it ImportedItem) *ent.BackupItemCreate {
	return tx.BackupItem.Create().
		SetID(it.ID).
		SetBackupID(backupID).
		SetKind(backupitem.Kind(it.Kind)).
		SetHostID(it.HostID).
		SetContainerNamespace(it.ContainerNamespace).
		SetContainerID(it.ContainerID).
		SetContainerName(it.ContainerName).
		SetSourcePath(it.SourcePath).
		SetObjectKey(it.ObjectKey).
		SetUploadID(it.UploadID).
		SetSha256(it.SHA256).
		SetStatus(backupitem.Status(it.Status)).
		SetError(it.Error).
		SetSize(it.Size).
		SetSourceBytes(it.SourceBytes).
		SetFiles(it.Files).
		SetDurationMs(it.DurationMs).
		SetNillableStartedAt(nillableDBTime(it.StartedAt)).
		SetNillableCompletedAt(nillableDBTime(it.CompletedAt))
}

// validateImport checks a manifest's contents: they come from a bucket,
// which anyone with write access to it could have changed.
func validateImport(b ImportedBackup) error {
	items := make([]NewBackupItem, len(b.Items))
	for i, it := range b.Items {
		items[i] = it.NewBackupItem
	}
	if err := validateNewBackup(b.ID, b.Name, items); err != nil {
		return err
	}
	if err := validateStatus(b.Status); err != nil {
		return err
	}
	if b.ProjectID == "" || b.TargetID == "" || b.CreatedAt.IsZero() {
		return invalid("an imported backup needs a project, a target and a creation time")
	}

	seen := make(map[string]bool, len(b.Items))
	for _, it := range b.Items {
		if err := validateID("item id", it.ID); err != nil {
			return err
		}
		if seen[it.ID] {
			return invalid("item id %q appears twice", it.ID)
		}
		seen[it.ID] = true
		if err := validateStatus(it.Status); err != nil {
			return err
		}
	}
	return nil
}
