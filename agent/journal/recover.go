package journal

import (
	"context"
	"errors"
	"fmt"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// Controller is what recovery needs from the container runtime;
// *runtime.Runtime provides it. Errors for a missing container wrap
// runtime.ErrNotFound.
type Controller interface {
	Inspect(ctx context.Context, namespace, id string) (protocol.Container, error)
	Resume(ctx context.Context, c protocol.Container) error
	Start(ctx context.Context, c protocol.Container) error
}

// Settled says what recovery did about one record.
type Settled string

// The ways a record is settled.
const (
	SettledResumed Settled = "resumed"
	SettledStarted Settled = "started"
	// SettledUnchanged: the container was already running, or someone else
	// has since paused or stopped it, which is theirs to undo.
	SettledUnchanged Settled = "unchanged"
	// SettledGone: the container no longer exists.
	SettledGone Settled = "gone"
)

// Outcome is what Recover did about one record. A record whose outcome has
// an error is kept, to be tried again.
type Outcome struct {
	Record  Record
	Settled Settled
	Err     error
}

// Recover resumes or starts the container of every record and removes the
// records it settled. It is idempotent: a container that already runs is
// left alone, and one that no longer exists just loses its record.
// Containers locked by an item in progress are skipped; that item undoes
// its own change. Unreadable records are set aside with a ".bad" suffix.
// The error joins every failure; the outcomes say which records they hit.
func (j *Journal) Recover(ctx context.Context, ctl Controller) ([]Outcome, error) {
	records, bad, err := j.scan()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, name := range bad {
		err := j.setAside(name)
		if err == nil {
			err = fmt.Errorf("recover journal record %s: unreadable, kept as %s%s",
				name, name, badSuffix)
		}
		errs = append(errs, err)
	}

	var outcomes []Outcome
	for _, r := range records {
		out, ok := j.recoverOne(ctx, ctl, r)
		if !ok {
			continue
		}
		outcomes = append(outcomes, out)
		errs = append(errs, out.Err)
	}
	return outcomes, errors.Join(errs...)
}

// recoverOne settles one record under its container's lock. It reports
// false when the container is busy or the record went away meanwhile.
func (j *Journal) recoverOne(ctx context.Context, ctl Controller, r Record) (Outcome, bool) {
	unlock, ok := j.locks.tryLock(r.Key())
	if !ok {
		return Outcome{}, false
	}
	defer unlock()
	if _, err := j.read(r.ID); err != nil {
		return Outcome{}, false
	}

	settled, err := j.Settle(ctx, ctl, r)
	return Outcome{Record: r, Settled: settled, Err: err}, true
}

// Settle undoes the change r records, if the container is still as the
// agent left it, and removes the record. The record is kept if that fails.
// The caller holds the container's lock.
func (j *Journal) Settle(ctx context.Context, ctl Controller, r Record) (Settled, error) {
	settled, err := undo(ctx, ctl, r.Entry)
	if err == nil {
		err = j.Remove(r.ID)
	}
	if err != nil {
		return settled, fmt.Errorf("undo %s of %s: %w", r.Action, r.Key(), err)
	}
	return settled, nil
}

// undo reverses the recorded action if the container is still in the state
// it left.
func undo(ctx context.Context, ctl Controller, e Entry) (Settled, error) {
	c := protocol.Container{Namespace: e.Container.Namespace, ID: e.Container.ID}
	cur, err := ctl.Inspect(ctx, c.Namespace, c.ID)
	if err != nil {
		return gone(err)
	}

	switch {
	case e.Action == ActionPause && cur.State == protocol.StatePaused:
		if err := ctl.Resume(ctx, c); err != nil {
			return gone(err)
		}
		return SettledResumed, nil
	case e.Action == ActionStop && stopped(cur.State):
		if err := ctl.Start(ctx, c); err != nil {
			return gone(err)
		}
		return SettledStarted, nil
	}
	return SettledUnchanged, nil
}

// stopped tells whether a container has no running task: its task exited,
// or it has none (as after a reboot).
func stopped(s protocol.ContainerState) bool {
	return s == protocol.StateStopped || s == protocol.StateCreated
}

// gone turns a missing container into a settled record.
func gone(err error) (Settled, error) {
	if errors.Is(err, runtime.ErrNotFound) {
		return SettledGone, nil
	}
	return "", err
}
