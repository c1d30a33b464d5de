package cli

import (
	"fmt"

	"github.com/cofferhq/coffer/controlplane/client"
)

// handle applies one event; it returns errFollowed when the awaited job
// has finished.
func (f *follower) handle(e client.BackupEvent) error {
	if f.restoreID != "" && e.Type != client.EventState && e.RestoreID != f.restoreID {
		return nil
	}
	switch e.Type {
	case client.EventState:
		return f.state(e)
	case client.EventItem, client.EventRestore:
		if e.ItemID != "" {
			f.item(e)
		} else if final(e.Status) {
			return errFollowed
		}
	case client.EventBackup:
		if f.restoreID == "" && final(e.Status) {
			return errFollowed
		}
	case client.EventProgress:
		moved := e.ReadBytes
		if f.restoreID != "" && e.WrittenBytes > 0 {
			moved = e.WrittenBytes
		}
		f.moved[e.ItemID] = moved
	}
	f.render()
	return nil
}

// state takes the totals from the current state, and notices a job that
// had finished before the stream began.
func (f *follower) state(e client.BackupEvent) error {
	if f.restoreID != "" {
		for _, r := range e.Restores {
			if r.ID == f.restoreID && r.Finished() {
				return errFollowed
			}
		}
		return nil
	}
	if e.Backup == nil {
		return nil
	}
	if e.Backup.Finished() {
		return errFollowed
	}
	for _, it := range e.Backup.Items {
		f.total[it.ID] = it.SourceBytes
		if it.Status == "COMPLETED" {
			f.moved[it.ID] = it.SourceBytes
		}
	}
	f.render()
	return nil
}

// item notes an item's measured size and its end.
func (f *follower) item(e client.BackupEvent) {
	if e.TotalBytes > 0 {
		f.total[e.ItemID] = e.TotalBytes
	}
	switch e.Status {
	case "COMPLETED":
		f.moved[e.ItemID] = max(f.moved[e.ItemID], f.total[e.ItemID])
		f.note("item %s completed", e.ItemID)
	case "FAILED":
		f.note("item %s failed: %s", e.ItemID, e.Error)
	}
}

// note prints a line above the bar, or on its own without one.
func (f *follower) note(format string, args ...any) {
	if f.bar != nil {
		_ = f.bar.Clear()
	}
	fmt.Fprintf(f.out, format+"\n", args...)
}

func (f *follower) render() {
	if f.bar == nil {
		return
	}
	var total, moved int64
	for _, n := range f.total {
		total += n
	}
	for _, n := range f.moved {
		moved += n
	}
	// Sources grow while they are read; the total is only an estimate.
	if total > 0 {
		f.bar.ChangeMax64(max(total, moved))
	}
	_ = f.bar.Set64(moved)
}

func final(status string) bool { return status == "COMPLETED" || status == "FAILED" }
