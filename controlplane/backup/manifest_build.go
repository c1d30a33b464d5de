package backup

import (
	"context"
	"time"

	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/ent"
)

// buildManifest describes a finished backup and each of its items.
func (r *Runner) buildManifest(ctx context.Context, j *job, b *ent.Backup,
	completed time.Time) *manifest.Manifest {
	m := &manifest.Manifest{
		Version:     manifest.Version,
		BackupID:    b.ID,
		Name:        b.Name,
		Project:     manifest.Ref{ID: j.project.ID, Name: j.project.Name},
		Target:      manifest.Target{ID: j.target.ID, Name: j.target.Name, Type: j.res.Type},
		CreatedAt:   b.CreatedAt.UTC(),
		CompletedAt: completed.UTC(),
		Items:       make([]manifest.Item, 0, len(b.Edges.Items)),
	}

	hosts := r.hostNames(ctx, b.Edges.Items)
	for _, it := range b.Edges.Items {
		m.Items = append(m.Items, manifestItem(it, hosts[it.HostID]))
	}
	return m
}

func manifestItem(it *ent.BackupItem, hostName string) manifest.Item {
	mi := manifest.Item{
		ID: it.ID, Kind: string(it.Kind), Host: manifest.Ref{ID: it.HostID, Name: hostName},
		Status: it.Status.String(), Error: it.Error, SourcePath: it.SourcePath,
		Key: it.ObjectKey, Size: it.Size, SHA256: it.Sha256, SourceBytes: it.SourceBytes,
		Files: it.Files, DurationMs: it.DurationMs,
	}
	if !final(mi.Status) {
		mi.Status = statusFailed
	}
	if it.Kind == kindVolume {
		mi.Container = &manifest.Container{
			Namespace: it.ContainerNamespace, ID: it.ContainerID, Name: it.ContainerName,
		}
	}
	return mi
}

// hostNames looks up the names of the items' hosts. A host that cannot be
// read is named by its id: the manifest must be written all the same.
func (r *Runner) hostNames(ctx context.Context, items []*ent.BackupItem) map[string]string {
	names := make(map[string]string)
	for _, it := range items {
		if _, ok := names[it.HostID]; ok {
			continue
		}
		names[it.HostID] = it.HostID
		if h, err := r.store.GetHost(ctx, it.HostID); err == nil {
			names[it.HostID] = h.Name
		}
	}
	return names
}
