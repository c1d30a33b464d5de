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
	for _, it := range items {
		if ctx.Err() != nil {
			r.failItem(ctx, j, it, fail(msgShutdown, ctx.Err()))
			continue
		}
		r.runItem(ctx, j, hostTarget{id: hostID, name: name}, it)
	}
}

// hostTarget is the host an item runs on.
type hostTarget struct{ id, name string }
