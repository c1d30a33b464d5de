package backup

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
)

var (
	// ErrNotRestorable means the backup or an item of it cannot be
	// restored as asked: it did not complete, or its host is offline.
	ErrNotRestorable = errors.New("cannot restore")
	// ErrInvalidRestore means the request itself is wrong.
	ErrInvalidRestore = errors.New("invalid restore request")
)

// restoreJob is one restore while it runs.
type restoreJob struct {
	restore *ent.Restore
	backup  *ent.Backup
	items   []*ent.BackupItem
	res     targets.Resolved
	log     zerolog.Logger
}

// StartRestore checks and records a restore of a completed backup's items
// (all of them when itemIDs is empty) and runs it in the background. Mode
// "replace" puts each item back where it was taken from; mode "path"
// restores each into <dir>/<item name> on its own host.
func (r *Runner) StartRestore(ctx context.Context, backupID string, itemIDs []string,
	mode, dir string) (*ent.Restore, error) {
	b, err := r.store.GetBackup(ctx, backupID)
	if err != nil {
		return nil, fmt.Errorf("start restore: %w", err)
	}
	items, err := r.restorable(b, itemIDs, mode, dir)
	if err != nil {
		return nil, fmt.Errorf("start restore of backup %s: %w", b.ID, err)
	}
	res, err := r.openTargetID(ctx, b.TargetID)
	if err != nil {
		return nil, fmt.Errorf("start restore of backup %s: %w", b.ID, err)
	}

	rs, err := r.store.CreateRestore(ctx, b.ID, mode, dir, itemIDs, r.now())
	if err != nil {
		return nil, fmt.Errorf("start restore of backup %s: %w", b.ID, err)
	}
	j := &restoreJob{restore: rs, backup: b, items: items, res: res,
		log: r.log.With().Str("restore", rs.ID).Str("backup", b.ID).Logger()}
	if err := r.launch(b.ID, func(ctx context.Context) { r.runRestore(ctx, j) }); err != nil {
		r.finishRestore(ctx, j, nil, "the control plane shut down before the restore started")
		return nil, fmt.Errorf("start restore %s: %w", rs.ID, err)
	}
	return rs, nil
}

// restorable returns the items a request selects, refusing what cannot
// work: a backup that did not complete, an unknown item, a relative path,
// or an item whose host is not connected.
func (r *Runner) restorable(b *ent.Backup, itemIDs []string, mode, dir string) (
	[]*ent.BackupItem, error) {
	if b.Status.String() != statusCompleted {
		return nil, fmt.Errorf("%w: the backup is %s; only a completed backup can be restored",
			ErrNotRestorable, b.Status)
	}
	switch {
	case mode == store.RestorePath && (!path.IsAbs(dir) || path.Clean(dir) != dir):
		return nil, fmt.Errorf("%w: path %q must be absolute and clean", ErrInvalidRestore, dir)
	case mode == store.RestoreReplace && dir != "":
		return nil, fmt.Errorf("%w: a replace restore takes no path", ErrInvalidRestore)
	case mode == store.RestoreReplace && b.Imported:
		// Anyone who can write to the bucket can write a manifest; its
		// host and paths must not decide what gets overwritten.
		return nil, fmt.Errorf("%w: the backup was imported from storage, so it is only "+
			"restored into a path you choose (mode path)", ErrInvalidRestore)
	case mode != store.RestorePath && mode != store.RestoreReplace:
		return nil, fmt.Errorf("%w: mode %q must be replace or path", ErrInvalidRestore, mode)
	}

	items, err := selectItems(b.Edges.Items, itemIDs)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if !r.agents.Online(it.HostID) {
			return nil, fmt.Errorf("%w: host %s of item %s is offline",
				ErrNotRestorable, r.hostName(it.HostID), itemLabel(it))
		}
	}
	return items, nil
}

func selectItems(all []*ent.BackupItem, ids []string) ([]*ent.BackupItem, error) {
	if len(ids) == 0 {
		return all, nil
	}
	var out []*ent.BackupItem
	for _, id := range ids {
		i := slices.IndexFunc(all, func(it *ent.BackupItem) bool { return it.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("%w: item %q is not part of the backup", ErrInvalidRestore, id)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// hostName names a host for a message, by its id if it cannot be read.
func (r *Runner) hostName(id string) string {
	ctx, cancel := cleanupContext(r.ctx)
	defer cancel()
	if h, err := r.store.GetHost(ctx, id); err == nil {
		return h.Name
	}
	return id
}
