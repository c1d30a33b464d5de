package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// measureTimeout bounds measuring a source: a walk of its tree.
const measureTimeout = 15 * time.Minute

// runItem moves one item from its host into storage and records how that
// went. Failures are recorded on the item and never end the backup early.
// keepHeld says the next item is another volume of the same container.
func (r *Runner) runItem(ctx context.Context, j *job, h hostTarget, it *ent.BackupItem,
	keepHeld bool) {
	log := j.log.With().Str("item", it.ID).Str("host", h.id).Str("kind", string(it.Kind)).
		Logger()
	started := r.now()
	running := statusRunning
	r.updateItem(ctx, j, it.ID, store.ItemUpdate{Status: &running, StartedAt: &started})
	r.publish(Event{Type: EventItem, BackupID: j.backup.ID, ItemID: it.ID, Status: running})

	x := &itemRun{r: r, j: j, item: it, host: h, keepHeld: keepHeld}
	res, err := x.run(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("backup item failed")
		r.failItem(ctx, j, it, err)
		return
	}
	r.completeItem(ctx, j, it, res)
	log.Info().Int64("size", res.Size).Int64("sourceBytes", res.SourceBytes).
		Dur("duration", res.Duration).Msg("backup item completed")
}

// itemRun is one attempt at one item.
type itemRun struct {
	r        *Runner
	j        *job
	item     *ent.BackupItem
	host     hostTarget
	keepHeld bool
	progress throttle
}

func (x *itemRun) run(ctx context.Context) (protocol.BackupItemResult, error) {
	m, err := x.measure(ctx)
	if err != nil {
		return protocol.BackupItemResult{}, err
	}
	if x.j.local() {
		return x.runLocal(ctx)
	}
	return x.runS3(ctx, m)
}

// measure asks the agent how much the item will read, which sizes the
// upload's parts and gives progress a total.
func (x *itemRun) measure(ctx context.Context) (protocol.MeasureResult, error) {
	ctx, cancel := context.WithTimeout(ctx, measureTimeout)
	defer cancel()

	var m protocol.MeasureResult
	req := protocol.MeasureRequest{Source: x.source()}
	if err := x.r.agents.Call(ctx, x.host.id, protocol.OpMeasure, req, &m, nil); err != nil {
		return m, fmt.Errorf("measure %s: %w", x.item.SourcePath, err)
	}
	x.r.updateItem(ctx, x.j, x.item.ID, store.ItemUpdate{SourceBytes: &m.Bytes, Files: &m.Files})
	x.r.publish(Event{Type: EventItem, BackupID: x.j.backup.ID, ItemID: x.item.ID,
		Status: statusRunning, TotalBytes: m.Bytes})
	return m, nil
}

func (x *itemRun) source() protocol.Source {
	src := protocol.Source{Kind: protocol.ItemKind(x.item.Kind), Path: x.item.SourcePath}
	if x.item.Kind == kindVolume {
		src.Container = &protocol.ContainerRef{
			Namespace: x.item.ContainerNamespace, ID: x.item.ContainerID,
		}
	}
	return src
}

func (x *itemRun) request(sink protocol.Sink) protocol.BackupItemRequest {
	consistency := protocol.ConsistencyNone
	if x.item.Kind == kindVolume {
		consistency = protocol.Consistency(x.j.project.Consistency)
	}
	return protocol.BackupItemRequest{
		JobID: x.j.backup.ID, ItemID: x.item.ID, Attempt: 1,
		Source: x.source(), Consistency: consistency, Sink: sink,
		KeepHeld: x.keepHeld && consistency != protocol.ConsistencyNone,
	}
}

// runLocal has the agent write the item into the target's directory on
// its own host. The control plane cannot see that disk, so the agent's
// result (size and sha256 of what it wrote and synced) is all there is to
// verify against; a restore checks both while reading.
func (x *itemRun) runLocal(ctx context.Context) (protocol.BackupItemResult, error) {
	sink := protocol.Sink{Local: &protocol.LocalObject{
		Target: protocol.LocalTarget{Dir: x.j.res.LocalDir}, Key: x.item.ObjectKey,
	}}
	return x.stream(ctx, x.request(sink), nil)
}
