package backup

import (
	"context"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// progressEvery bounds how often one item's progress is published;
// agents may report far more often than anyone can watch.
const progressEvery = 500 * time.Millisecond

// throttle lets an event through at most once per progressEvery. It
// belongs to one goroutine.
type throttle struct {
	last time.Time
}

func (t *throttle) allow(now time.Time) bool {
	if !t.last.IsZero() && now.Sub(t.last) < progressEvery {
		return false
	}
	t.last = now
	return true
}

// report passes an agent's progress and notes on to subscribers, and
// takes them as a sign of life that extends the backup's lease.
func (x *itemRun) report(ctx context.Context, ev protocol.ItemEvent) {
	if ev.Message != "" {
		x.r.publish(Event{Type: EventItem, BackupID: x.j.backup.ID, ItemID: x.item.ID,
			Status: statusRunning, Message: ev.Message})
	}
	if ev.ReadBytes == 0 && ev.WrittenBytes == 0 {
		return
	}
	x.j.lease.touch(ctx)
	if x.progress.allow(x.r.now()) {
		x.r.publish(Event{Type: EventProgress, BackupID: x.j.backup.ID, ItemID: x.item.ID,
			ReadBytes: ev.ReadBytes, WrittenBytes: ev.WrittenBytes})
	}
}

// publish stamps an event and hands it to the broker.
func (r *Runner) publish(e Event) {
	if e.At.IsZero() {
		e.At = r.now().UTC()
	}
	r.events.Publish(e)
}
