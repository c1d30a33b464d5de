package runtime

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"

	"github.com/cofferhq/coffer/protocol"
)

// Pause freezes the processes of c, so that its volumes can be read while
// nothing writes to them.
func (r *Runtime) Pause(ctx context.Context, c protocol.Container) error {
	ctx = in(ctx, c.Namespace)
	_, t, err := r.load(ctx, c)
	if err == nil {
		err = classify(t.Pause(ctx))
	}
	if err != nil {
		return fmt.Errorf("pause %s: %w", c.Key(), err)
	}
	return nil
}

// Resume thaws the processes of c after Pause.
func (r *Runtime) Resume(ctx context.Context, c protocol.Container) error {
	ctx = in(ctx, c.Namespace)
	_, t, err := r.load(ctx, c)
	if err == nil {
		err = classify(t.Resume(ctx))
	}
	if err != nil {
		return fmt.Errorf("resume %s: %w", c.Key(), err)
	}
	return nil
}

// Stop ends the task of c: SIGTERM, then SIGKILL to all its processes once
// timeout has passed, and waits for the exit. The exited task is kept, so the
// container reads as stopped until Start. A container without a running task
// is already stopped.
func (r *Runtime) Stop(ctx context.Context, c protocol.Container, timeout time.Duration) error {
	ctx = in(ctx, c.Namespace)
	_, t, err := r.load(ctx, c)
	if errors.Is(err, ErrNotRunning) {
		return nil
	}
	if err == nil {
		err = stopTask(ctx, t, timeout)
	}
	if err != nil {
		return fmt.Errorf("stop %s: %w", c.Key(), err)
	}
	return nil
}

// Start runs the process of c in a new task, after Stop or after its task
// exited or was deleted; the new task's stdio is /dev/null. A container whose
// task runs or is paused is left as it is.
func (r *Runtime) Start(ctx context.Context, c protocol.Container) error {
	ctx = in(ctx, c.Namespace)
	cont, t, err := r.load(ctx, c)
	if errors.Is(err, ErrNotRunning) {
		t, err = nil, nil
	}
	if err == nil {
		err = startTask(ctx, cont, t)
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", c.Key(), err)
	}
	return nil
}

// load finds the container c and its task. Its error wraps ErrNotFound when
// the container is gone and ErrNotRunning when it has no task; the container
// is returned in the latter case.
func (r *Runtime) load(ctx context.Context,
	c protocol.Container) (containerd.Container, containerd.Task, error) {
	cont, err := r.client.LoadContainer(ctx, c.ID)
	if err != nil {
		return nil, nil, classify(err)
	}
	t, err := cont.Task(ctx, nil)
	if err != nil {
		err = classify(err)
		if errors.Is(err, ErrNotFound) {
			return cont, nil, &kindError{kind: ErrNotRunning, err: err}
		}
		return nil, nil, err
	}
	return cont, t, nil
}

func stopTask(ctx context.Context, t containerd.Task, timeout time.Duration) error {
	status, err := t.Status(ctx)
	if err != nil {
		return fmt.Errorf("get task status: %w", classify(err))
	}
	if status.Status == containerd.Stopped {
		return nil
	}

	// Waiting starts before the signal, or a quick exit could be missed.
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	exited, err := t.Wait(waitCtx)
	if err != nil {
		return fmt.Errorf("wait for task: %w", classify(err))
	}

	// A frozen process cannot act on a signal until it is thawed.
	if status.Status == containerd.Paused || status.Status == containerd.Pausing {
		if err := t.Resume(ctx); err != nil {
			return fmt.Errorf("resume task: %w", classify(err))
		}
	}
	if err := signal(ctx, t, syscall.SIGTERM); err != nil {
		return err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	if done, err := awaitExit(ctx, exited, timer.C); done || err != nil {
		return err
	}

	if err := signal(ctx, t, syscall.SIGKILL, containerd.WithKillAll); err != nil {
		return err
	}
	_, err = awaitExit(ctx, exited, nil)
	return err
}

// signal sends sig to the task; a task that has already exited needs none.
func signal(ctx context.Context, t containerd.Task, sig syscall.Signal,
	opts ...containerd.KillOpts) error {
	err := classify(t.Kill(ctx, sig, opts...))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("send signal %d: %w", sig, err)
	}
	return nil
}

// awaitExit waits for the task's exit until expired fires; a nil expired
// never fires. It reports whether the task exited.
func awaitExit(ctx context.Context, exited <-chan containerd.ExitStatus,
	expired <-chan time.Time) (bool, error) {
	select {
	case st := <-exited:
		if err := st.Error(); err != nil {
			return true, fmt.Errorf("wait for exit: %w", classify(err))
		}
		return true, nil
	case <-expired:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// startTask starts a task for cont, replacing old when it has exited.
func startTask(ctx context.Context, cont containerd.Container, old containerd.Task) error {
	if old != nil {
		status, err := old.Status(ctx)
		if err != nil {
			return fmt.Errorf("get task status: %w", classify(err))
		}
		switch status.Status {
		case containerd.Running, containerd.Paused, containerd.Pausing:
			return nil
		case containerd.Created:
			if err := old.Start(ctx); err != nil {
				return fmt.Errorf("start task: %w", classify(err))
			}
			return nil
		}
		if _, err := old.Delete(ctx); err != nil && !errors.Is(classify(err), ErrNotFound) {
			return fmt.Errorf("delete exited task: %w", classify(err))
		}
	}

	t, err := cont.NewTask(ctx, cio.NullIO)
	if err != nil {
		return fmt.Errorf("create task: %w", classify(err))
	}
	if err := t.Start(ctx); err != nil {
		// The task is useless unstarted; its start error is the one to report.
		_, _ = t.Delete(ctx, containerd.WithProcessKill)
		return fmt.Errorf("start task: %w", classify(err))
	}
	return nil
}
