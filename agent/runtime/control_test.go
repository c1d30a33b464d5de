package runtime_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

func TestControl(t *testing.T) {
	f := setup(t)
	ctx := f.ctx(t)
	f.newContainer(t, "control", nil, nil, "sleep", "3600")
	c := protocol.Container{Namespace: f.ns, ID: "control"}

	if err := f.rt.Pause(ctx, c); !errors.Is(err, runtime.ErrNotRunning) {
		t.Errorf("Pause without a task: got %v, want ErrNotRunning", err)
	}

	step(t, "start without a task", f.rt.Start(ctx, c))
	f.expectState(t, c, protocol.StateRunning)
	step(t, "start while running", f.rt.Start(ctx, c))
	f.expectState(t, c, protocol.StateRunning)

	step(t, "pause", f.rt.Pause(ctx, c))
	f.expectState(t, c, protocol.StatePaused)
	step(t, "resume", f.rt.Resume(ctx, c))
	f.expectState(t, c, protocol.StateRunning)

	// sleep runs as pid 1 without a handler, so SIGTERM is ignored and Stop
	// has to escalate to SIGKILL once the timeout has passed.
	const timeout = 500 * time.Millisecond
	start := time.Now()
	step(t, "stop", f.rt.Stop(ctx, c, timeout))
	if took := time.Since(start); took < timeout || took > timeout+5*time.Second {
		t.Errorf("Stop took %v, want a little over %v", took, timeout)
	}
	t.Logf("stop with SIGKILL took %v", time.Since(start).Round(time.Millisecond))
	f.expectState(t, c, protocol.StateStopped)
	step(t, "stop while stopped", f.rt.Stop(ctx, c, timeout))

	step(t, "start after stop", f.rt.Start(ctx, c))
	f.expectState(t, c, protocol.StateRunning)
}

func TestStopPaused(t *testing.T) {
	f := setup(t)
	ctx := f.ctx(t)
	f.newContainer(t, "stop-paused", nil, nil, "sleep", "3600")
	c := protocol.Container{Namespace: f.ns, ID: "stop-paused"}

	step(t, "start", f.rt.Start(ctx, c))
	step(t, "pause", f.rt.Pause(ctx, c))
	step(t, "stop", f.rt.Stop(ctx, c, 100*time.Millisecond))
	f.expectState(t, c, protocol.StateStopped)
}

func TestStopGraceful(t *testing.T) {
	f := setup(t)
	ctx := f.ctx(t)
	// The shell says when its trap is set, through a file in a bind mount.
	ready := t.TempDir()
	script := `trap "exit 0" TERM; touch /ready/trap; while true; do sleep 1; done`
	mounts := []specs.Mount{
		{Type: "bind", Source: ready, Destination: "/ready", Options: []string{"rbind"}},
	}
	f.newContainer(t, "stop-graceful", nil, mounts, "sh", "-c", script)
	c := protocol.Container{Namespace: f.ns, ID: "stop-graceful"}
	step(t, "start", f.rt.Start(ctx, c))
	waitForFile(t, filepath.Join(ready, "trap"))

	start := time.Now()
	step(t, "stop", f.rt.Stop(ctx, c, time.Minute))
	took := time.Since(start)
	if took > 5*time.Second {
		t.Errorf("Stop took %v, want the exit on SIGTERM within 5s", took)
	}
	t.Logf("stop with SIGTERM took %v", took.Round(time.Millisecond))
	f.expectState(t, c, protocol.StateStopped)
}

func TestControlMissing(t *testing.T) {
	f := setup(t)
	ctx := f.ctx(t)
	c := protocol.Container{Namespace: f.ns, ID: "no-such-container"}
	for name, err := range map[string]error{
		"pause":  f.rt.Pause(ctx, c),
		"resume": f.rt.Resume(ctx, c),
		"stop":   f.rt.Stop(ctx, c, time.Second),
		"start":  f.rt.Start(ctx, c),
	} {
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s of a missing container: got %v, want ErrNotFound", name, err)
		}
	}
}

// expectState checks the state Inspect reports for c.
func (f *fixture) expectState(t *testing.T, c protocol.Container, want protocol.ContainerState) {
	t.Helper()
	got, err := f.rt.Inspect(f.ctx(t), c.Namespace, c.ID)
	if err != nil {
		t.Fatalf("Inspect %s: %v", c.Key(), err)
	}
	if got.State != want {
		t.Errorf("state of %s = %q, want %q", c.Key(), got.State, want)
	}
}

func waitForFile(t *testing.T, name string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(eventWait)
	for {
		if _, err := os.Stat(name); err == nil {
			return
		}
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("%s did not appear within %v", name, eventWait)
		}
	}
}
