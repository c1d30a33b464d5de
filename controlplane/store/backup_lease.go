package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/backup"
)

// pendingGrace is how long a backup may stay PENDING without a lease before
// it counts as abandoned: its orchestrator marks it running at once.
const pendingGrace = time.Minute

// unfinished matches backups that are PENDING or RUNNING.
var unfinished = backup.StatusIn(backup.StatusPENDING, backup.StatusRUNNING)

// MarkBackupRunning moves an unfinished backup to RUNNING with a lease. The
// first call records when it started.
func (s *Store) MarkBackupRunning(
	ctx context.Context, id string, leaseUntil, now time.Time,
) error {
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		b, err := unfinishedBackup(ctx, tx, id)
		if err != nil {
			return err
		}
		update := tx.Backup.UpdateOne(b).
			SetStatus(backup.StatusRUNNING).
			SetLeaseUntil(dbTime(leaseUntil))
		if b.StartedAt == nil {
			update.SetStartedAt(dbTime(now))
		}
		return classify(update.Exec(ctx))
	})
	if err != nil {
		return fmt.Errorf("mark backup %s running: %w", id, err)
	}
	return nil
}

// ExtendBackupLease moves a running backup's lease. It fails with
// ErrConflict when the backup is no longer running, which tells its
// orchestrator that someone else finished it.
func (s *Store) ExtendBackupLease(ctx context.Context, id string, leaseUntil time.Time) error {
	n, err := s.client.Backup.Update().
		Where(backup.ID(id), backup.StatusEQ(backup.StatusRUNNING)).
		SetLeaseUntil(dbTime(leaseUntil)).
		Save(ctx)
	if err == nil && n == 0 {
		err = s.whyNotUpdated(ctx, id, "not running")
	}
	if err != nil {
		return fmt.Errorf("extend lease of backup %s: %w", id, classify(err))
	}
	return nil
}

// FinishBackup ends an unfinished backup as COMPLETED or FAILED, with its
// stored size, the reason it failed and its manifest's key. Finishing a
// finished backup is ErrConflict.
func (s *Store) FinishBackup(
	ctx context.Context, id, status string, size int64, errMsg, manifestKey string,
	now time.Time,
) error {
	if status != StatusCompleted && status != StatusFailed {
		return fmt.Errorf("finish backup %s: %w", id,
			invalid("status %q must be COMPLETED or FAILED", status))
	}

	n, err := s.client.Backup.Update().
		Where(backup.ID(id), unfinished).
		SetStatus(backup.Status(status)).
		SetSize(size).
		SetError(errMsg).
		SetS3Key(manifestKey).
		SetCompletedAt(dbTime(now)).
		ClearLeaseUntil().
		Save(ctx)
	if err == nil && n == 0 {
		err = s.whyNotUpdated(ctx, id, "already finished")
	}
	if err != nil {
		return fmt.Errorf("finish backup %s: %w", id, classify(err))
	}
	return nil
}

// ExpiredRunningBackups returns the unfinished backups whose lease ran out
// before now, and those left PENDING without a lease for longer than a
// minute, with their items.
func (s *Store) ExpiredRunningBackups(ctx context.Context, now time.Time) ([]*ent.Backup, error) {
	now = dbTime(now)
	bs, err := s.client.Backup.Query().
		Where(unfinished, backup.Or(
			backup.LeaseUntilLT(now),
			backup.And(backup.LeaseUntilIsNil(), backup.CreatedAtLT(now.Add(-pendingGrace))),
		)).
		Order(ent.Asc(backup.FieldID)).
		WithItems(itemOrder).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list expired backups: %w", classify(err))
	}
	return bs, nil
}

// unfinishedBackup reads a backup that is PENDING or RUNNING.
func unfinishedBackup(ctx context.Context, tx *ent.Tx, id string) (*ent.Backup, error) {
	b, err := tx.Backup.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get backup: %w", classify(err))
	}
	if b.Status != backup.StatusPENDING && b.Status != backup.StatusRUNNING {
		return nil, fmt.Errorf("%w: backup is %s", ErrConflict, b.Status)
	}
	return b, nil
}

// whyNotUpdated tells a conditional update that matched no row apart: the
// backup is gone (ErrNotFound) or in the wrong state (ErrConflict).
func (s *Store) whyNotUpdated(ctx context.Context, id, state string) error {
	ok, err := s.client.Backup.Query().Where(backup.ID(id)).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return fmt.Errorf("%w: backup is %s", ErrConflict, state)
}
