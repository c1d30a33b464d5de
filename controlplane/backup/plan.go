package backup

import (
	"context"
	"fmt"
	"path"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// plannedItem is an item before it has a name and a key.
type plannedItem struct {
	item store.NewBackupItem
	name string
}

// planItems lists what a backup of p holds: every volume of its
// containers and every path attached to it, each with its object key
// under the backup's prefix.
func (r *Runner) planItems(ctx context.Context, p *ent.Project, prefix, backupID string) (
	[]store.NewBackupItem, error) {
	volumes, err := r.planVolumes(ctx, p)
	if err != nil {
		return nil, err
	}
	paths, err := r.planPaths(ctx, p)
	if err != nil {
		return nil, err
	}
	return keyItems(append(volumes, paths...), prefix, p.Name, backupID)
}

// planVolumes makes an item of every volume of the project's containers.
// A directory that several containers mount is stored once, with the
// first container that mounts it.
func (r *Runner) planVolumes(ctx context.Context, p *ent.Project) ([]plannedItem, error) {
	cs, err := r.store.ListProjectContainers(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("plan volumes: %w", err)
	}

	type source struct{ host, path string }
	seen := make(map[source]bool)
	var out []plannedItem
	for _, c := range cs {
		for _, m := range protocol.BackupVolumes(asProtocol(c)) {
			if seen[source{c.HostID, m.Source}] {
				continue
			}
			seen[source{c.HostID, m.Source}] = true
			out = append(out, plannedItem{
				item: store.NewBackupItem{
					Kind: kindVolume, HostID: c.HostID, ContainerNamespace: c.Namespace,
					ContainerID: c.ContainerID, ContainerName: c.Name,
					SourcePath: path.Clean(m.Source),
				},
				name: volumeName(c.Name, c.ContainerID, m.Destination),
			})
		}
	}
	return out, nil
}

// planPaths makes an item of every path attached to the project on a
// host that is not revoked.
func (r *Runner) planPaths(ctx context.Context, p *ent.Project) ([]plannedItem, error) {
	paths, err := r.store.ListProjectPaths(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("plan paths: %w", err)
	}

	hosts := make(map[string]*ent.Host)
	var out []plannedItem
	for _, pp := range paths {
		h, ok := hosts[pp.HostID]
		if !ok {
			if h, err = r.store.GetHost(ctx, pp.HostID); err != nil {
				return nil, fmt.Errorf("plan paths: %w", err)
			}
			hosts[pp.HostID] = h
		}
		if h.RevokedAt != nil {
			continue
		}
		out = append(out, plannedItem{
			item: store.NewBackupItem{Kind: kindPath, HostID: pp.HostID, SourcePath: pp.Path},
			name: pathName(h.Name, pp.Path),
		})
	}
	return out, nil
}

// keyItems gives every item a unique name and the object key built from it.
func keyItems(planned []plannedItem, prefix, project, backupID string) (
	[]store.NewBackupItem, error) {
	names := make([]string, len(planned))
	for i, p := range planned {
		names[i] = p.name
	}

	items := make([]store.NewBackupItem, len(planned))
	for i, name := range uniqueNames(names) {
		key, err := storage.ObjectKey(prefix, project, backupID, name+archiveExt)
		if err != nil {
			return nil, fmt.Errorf("build key of item %s: %w", name, err)
		}
		items[i] = planned[i].item
		items[i].ObjectKey = key
	}
	return items, nil
}

// asProtocol rebuilds what the agent reported of a container, as far as
// choosing its volumes needs.
func asProtocol(c *ent.Container) protocol.Container {
	mounts := make([]protocol.Mount, len(c.Mounts))
	for i, m := range c.Mounts {
		mounts[i] = protocol.Mount{Source: m.Source, Destination: m.Destination, Type: m.Type}
	}
	return protocol.Container{
		ID: c.ContainerID, Namespace: c.Namespace, Name: c.Name, Labels: c.Labels,
		Mounts: mounts,
	}
}
