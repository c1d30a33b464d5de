package backup

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
)

var (
	// ErrNoTarget means a backup names no storage target and its project
	// has no default one.
	ErrNoTarget = errors.New("no storage target")
	// ErrNothingToBackUp means a project has no volumes and no paths.
	ErrNothingToBackUp = errors.New("nothing to back up")
	// ErrUnknownTarget means the storage target a backup names does not
	// exist.
	ErrUnknownTarget = errors.New("unknown storage target")
)

// Start creates a PENDING backup of a project (by id or name) to targetID,
// or to the project's default target when targetID is empty, and runs it
// in the background. The returned backup has its items.
func (r *Runner) Start(ctx context.Context, projectID, targetID string) (*ent.Backup, error) {
	p, err := r.store.GetProject(ctx, projectID)
	if err != nil {
		return nil, fmt.Errorf("start backup: %w", err)
	}
	t, res, err := r.resolveTarget(ctx, p, targetID)
	if err != nil {
		return nil, fmt.Errorf("start backup of project %s: %w", p.Name, err)
	}

	id := store.NewBackupID()
	items, err := r.planItems(ctx, p, t.Prefix, id)
	if err != nil {
		return nil, fmt.Errorf("start backup of project %s: %w", p.Name, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("start backup of project %s: %w", p.Name, ErrNothingToBackUp)
	}

	now := r.now()
	name := p.Name + "-" + now.UTC().Format("20060102-150405")
	where, err := backupPath(t, res, p.Name, id)
	if err != nil {
		return nil, fmt.Errorf("start backup of project %s: %w", p.Name, err)
	}
	b, err := r.store.CreateBackupWithID(ctx, id, p.ID, t.ID, name, where, items, now)
	if err != nil {
		return nil, fmt.Errorf("start backup of project %s: %w", p.Name, err)
	}

	j := &job{backup: b, project: p, target: t, res: res}
	if err := r.launch(b.ID, func(ctx context.Context) { r.runBackup(ctx, j) }); err != nil {
		r.abandon(b.ID, "the control plane shut down before the backup started")
		return nil, fmt.Errorf("start backup %s: %w", b.ID, err)
	}
	return b, nil
}

// resolveTarget finds the target a backup goes to and opens it, so that a
// target whose settings no longer work is refused before anything starts.
func (r *Runner) resolveTarget(ctx context.Context, p *ent.Project, targetID string) (
	*ent.StorageTarget, targets.Resolved, error) {
	if targetID == "" {
		if p.DefaultTargetID == nil {
			return nil, targets.Resolved{}, ErrNoTarget
		}
		targetID = *p.DefaultTargetID
	}

	t, err := r.store.GetTarget(ctx, targetID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, targets.Resolved{}, fmt.Errorf("%w %q", ErrUnknownTarget, targetID)
	}
	if err != nil {
		return nil, targets.Resolved{}, err
	}
	res, err := r.openTarget(t)
	if err != nil {
		return nil, targets.Resolved{}, fmt.Errorf("open storage target %s: %w", t.Name, err)
	}
	return t, res, nil
}

// backupPath says where a backup's objects are: their key prefix in a
// bucket, or their directory on the hosts of a local target.
func backupPath(t *ent.StorageTarget, res targets.Resolved, project, id string) (
	string, error) {
	dir, err := storage.BackupPrefix(t.Prefix, project, id)
	if err != nil {
		return "", fmt.Errorf("build backup prefix: %w", err)
	}
	if res.Type == store.TargetLocal {
		return path.Join(res.LocalDir, dir), nil
	}
	return dir, nil
}

// abandon fails a backup that never ran, recording why.
func (r *Runner) abandon(backupID, reason string) {
	ctx, cancel := cleanupContext(r.ctx)
	defer cancel()
	err := r.store.FinishBackup(ctx, backupID, statusFailed, 0, reason, "", r.now())
	if err != nil {
		r.log.Error().Err(err).Str("backup", backupID).Msg("record abandoned backup failed")
	}
}
