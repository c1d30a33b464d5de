package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// releaseTimeout bounds resuming or starting a container after an item,
// which runs on a fresh context so that a cancelled item still releases.
const releaseTimeout = 2 * time.Minute

// hold is a container paused or stopped for an item, with the journal
// record that undoes it should the agent die first.
type hold struct {
	rt     *runtime.Runtime
	j      *journal.Journal
	record journal.Record
	what   string // "paused" or "stopped", for messages
}

// holdSpec says which container an item changes, how, and for whom.
type holdSpec struct {
	ref     protocol.ContainerRef
	action  journal.Action
	purpose journal.Purpose
	jobID   string
	itemID  string
}

// hold pauses or stops a container as spec says, recording it first. It
// returns no hold when there is nothing to change: the container does not
// run, or it is gone, which the returned warning says.
func (s *Server) hold(c *call, spec holdSpec) (*hold, string, *failure) {
	rt, err := runtime.Connect(c.ctx, s.cfg.Runtime)
	if err != nil {
		return nil, "", runtimeFailure(c, err, "Containerd cannot be reached: %v.", err)
	}
	key := spec.ref.Namespace + "/" + spec.ref.ID
	cur, err := rt.Inspect(c.ctx, spec.ref.Namespace, spec.ref.ID)
	if errors.Is(err, runtime.ErrNotFound) {
		rt.Close()
		warning := fmt.Sprintf("container %s no longer exists; nothing to %s", key, spec.action)
		c.note(warning)
		return nil, warning, nil
	}
	if err != nil {
		rt.Close()
		return nil, "", runtimeFailure(c, err, "Container %s cannot be inspected: %v.", key, err)
	}
	if !changes(spec, cur.State) {
		rt.Close()
		c.note(fmt.Sprintf("container %s is %s; nothing to %s", key, cur.State, spec.action))
		return nil, "", nil
	}

	h, f := s.change(c, rt, spec)
	if f != nil {
		rt.Close()
		return nil, "", f
	}
	c.note(fmt.Sprintf("container %s %s", key, h.what))
	return h, "", nil
}

// change records the change, then makes it. A change that fails is undone
// at once, since it may have half happened.
func (s *Server) change(c *call, rt *runtime.Runtime, spec holdSpec) (*hold, *failure) {
	rec, err := s.cfg.Journal.Add(journal.Entry{
		Container: spec.ref, Action: spec.action, Purpose: spec.purpose,
		JobID: spec.jobID, ItemID: spec.itemID,
	})
	if err != nil {
		return nil, failf(protocol.CodeInternal, err,
			"The agent could not record the container change in its journal: %v.", err)
	}
	h := &hold{rt: rt, j: s.cfg.Journal, record: rec, what: "paused"}

	// A change cut short could still complete afterwards (a signalled
	// process exits late) and then escape the undo; so it runs to its end
	// even if the item is cancelled meanwhile.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx),
		s.cfg.StopTimeout+releaseTimeout)
	defer cancel()
	target := protocol.Container{Namespace: spec.ref.Namespace, ID: spec.ref.ID}
	if spec.action == journal.ActionStop {
		h.what = "stopped"
		err = rt.Stop(ctx, target, s.cfg.StopTimeout)
	} else {
		err = rt.Pause(ctx, target)
	}
	if err != nil {
		_ = h.undo(c.ctx)
		return nil, runtimeFailure(c, err, "Container %s could not be %s: %v.",
			rec.Key(), h.what, err)
	}
	return h, nil
}

// release resumes or starts the container again and drops the record,
// even when ctx was cancelled. On failure the record stays, and the
// agent's recovery tries again later.
func (h *hold) release(ctx context.Context) error {
	defer h.rt.Close()
	return h.undo(ctx)
}

func (h *hold) undo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	var err error
	for attempt := range 3 {
		if attempt > 0 && !sleep(ctx, time.Duration(attempt)*time.Second) {
			break
		}
		if _, err = h.j.Settle(ctx, h.rt, h.record); !runtime.IsUnavailable(err) {
			break
		}
	}
	return err
}

// changes tells whether a container in state s is to be changed: one that
// runs, and for a restore also one paused by someone else, since its
// frozen processes would otherwise find their files swapped when thawed.
// A paused container is read as it is for a backup.
func changes(spec holdSpec, s protocol.ContainerState) bool {
	return s == protocol.StateRunning ||
		(spec.purpose == journal.PurposeRestore && s == protocol.StatePaused)
}

// runtimeFailure reports a failed containerd call, or the cancellation
// that caused it.
func runtimeFailure(c *call, err error, format string, args ...any) *failure {
	if cause := c.canceled(); cause != nil {
		return canceledFailure(cause)
	}
	return failf(protocol.CodeRuntime, err, format, args...)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
