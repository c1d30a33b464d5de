package backup

import (
	"context"
	"sync"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
)

// job is one backup while it runs.
type job struct {
	backup  *ent.Backup
	project *ent.Project
	target  *ent.StorageTarget
	res     targets.Resolved
	log     zerolog.Logger
	lease   *lease
}

// local reports whether the backup goes to a directory on the hosts.
func (j *job) local() bool { return j.res.Type == store.TargetLocal }

// runBackup runs every item, then records and announces the outcome.
func (r *Runner) runBackup(ctx context.Context, j *job) {
	j.log = r.log.With().Str("backup", j.backup.ID).Str("project", j.project.Name).
		Str("target", j.target.Name).Logger()
	j.lease = newLease(r, j.backup.ID, j.log)

	if err := j.lease.begin(ctx); err != nil {
		j.log.Error().Err(err).Msg("backup could not start")
		r.finishBackup(ctx, j, "the control plane could not record the backup as running")
		return
	}
	j.log.Info().Int("items", len(j.backup.Edges.Items)).Msg("backup started")
	r.publish(Event{Type: EventBackup, BackupID: j.backup.ID, Status: statusRunning})

	stop := j.lease.keep(ctx)
	r.runHosts(ctx, j)
	stop()
	r.finishBackup(ctx, j, "")
}

// runHosts runs each host's items one after the other, and the hosts side
// by side: one stream per host keeps a host's disks and uplink from being
// shared by several items at once.
func (r *Runner) runHosts(ctx context.Context, j *job) {
	var order []string
	byHost := make(map[string][]*ent.BackupItem)
	for _, it := range j.backup.Edges.Items {
		if byHost[it.HostID] == nil {
			order = append(order, it.HostID)
		}
		byHost[it.HostID] = append(byHost[it.HostID], it)
	}

	var wg sync.WaitGroup
	for _, hostID := range order {
		wg.Go(func() { r.runHost(ctx, j, hostID, byHost[hostID]) })
	}
	wg.Wait()
}

func (r *Runner) runHost(ctx context.Context, j *job, hostID string, items []*ent.BackupItem) {
	name := hostID
	if h, err := r.store.GetHost(ctx, hostID); err == nil {
		name = h.Name
	}
	if !r.agents.Online(hostID) {
		for _, it := range items {
			r.failItem(ctx, j, it, fail("host "+name+" is offline", nil))
		}
		return
	}
	items = containerOrder(items)
	for i, it := range items {
		if ctx.Err() != nil {
			r.failItem(ctx, j, it, fail(msgShutdown, ctx.Err()))
			continue
		}
		keep := i+1 < len(items) && sameContainer(it, items[i+1])
		r.runItem(ctx, j, hostTarget{id: hostID, name: name}, it, keep)
	}
}

// containerOrder puts the volumes of each container next to each other,
// where its first volume was, and keeps the order otherwise. The agent can
// then hold a container paused or stopped from its first volume to its
// last: a backup reads them all at one instant, and a restore in place
// starts the container only once they are all restored.
func containerOrder(items []*ent.BackupItem) []*ent.BackupItem {
	volumes := make(map[string][]*ent.BackupItem)
	for _, it := range items {
		if k := containerOf(it); k != "" {
			volumes[k] = append(volumes[k], it)
		}
	}
	out := make([]*ent.BackupItem, 0, len(items))
	for _, it := range items {
		k := containerOf(it)
		if k == "" {
			out = append(out, it)
			continue
		}
		if group, ok := volumes[k]; ok {
			out = append(out, group...)
			delete(volumes, k)
		}
	}
	return out
}

// sameContainer tells whether two items are volumes of one container.
func sameContainer(a, b *ent.BackupItem) bool {
	k := containerOf(a)
	return k != "" && k == containerOf(b)
}

// containerOf names the container whose volume the item is, or is empty.
func containerOf(it *ent.BackupItem) string {
	if it.Kind != kindVolume || it.ContainerID == "" {
		return ""
	}
	return it.ContainerNamespace + "/" + it.ContainerID
}

// hostTarget is the host an item runs on.
type hostTarget struct{ id, name string }
