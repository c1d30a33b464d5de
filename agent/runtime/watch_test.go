package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
	"github.com/cofferhq/coffer/testenv"
)

// eventWait is how long a change may take to be reported.
const eventWait = 5 * time.Second

func TestWatch(t *testing.T) {
	f := setup(t)
	reports := f.watch(t)
	ctx := f.ctx(t)

	c := f.newContainer(t, "watched", map[string]string{"nerdctl/name": "db"}, nil,
		"sleep", "3600")
	key := protocol.Container{Namespace: f.ns, ID: c.ID()}.Key()
	got := expectUpsert(t, reports, key, "create", protocol.StateCreated)
	if got.Name != "db" || got.Image != testenv.BusyboxRef {
		t.Errorf("create upsert: name %q image %q, want %q and %q",
			got.Name, got.Image, "db", testenv.BusyboxRef)
	}

	task := f.run(t, c)
	expectUpsert(t, reports, key, "start", protocol.StateRunning)

	step(t, "pause", task.Pause(ctx))
	expectUpsert(t, reports, key, "pause", protocol.StatePaused)

	step(t, "resume", task.Resume(ctx))
	expectUpsert(t, reports, key, "resume", protocol.StateRunning)

	step(t, "kill", task.Kill(ctx, syscall.SIGKILL))
	expectUpsert(t, reports, key, "exit", protocol.StateStopped)

	_, err := task.Delete(ctx)
	step(t, "delete task", err)
	expectUpsert(t, reports, key, "task delete", protocol.StateCreated)

	step(t, "delete container", c.Delete(ctx, containerd.WithSnapshotCleanup))
	expectDelete(t, reports, key)
}

// TestWatchEndsWithConnection checks that a broken stream ends Watch with an
// error rather than leaving the caller waiting.
func TestWatchEndsWithConnection(t *testing.T) {
	f := setup(t)
	cfg := runtime.Config{Socket: f.env.Socket, Namespaces: []string{f.ns}}
	rt, err := runtime.Connect(f.ctx(t), cfg)
	step(t, "connect", err)

	done := make(chan error, 1)
	go func() { done <- rt.Watch(context.Background(), func(protocol.Inventory) {}) }()
	rt.Close()

	select {
	case err := <-done:
		if err == nil {
			t.Error("Watch returned nil after its connection closed, want an error")
		}
		t.Logf("Watch ended with: %v", err)
	case <-time.After(eventWait):
		t.Fatalf("Watch still running %v after its connection closed", eventWait)
	}
}

// watch runs Watch until the test ends and returns its reports. It returns
// once the subscription is seen to deliver, since containerd registers it
// asynchronously.
func (f *fixture) watch(t *testing.T) <-chan protocol.Inventory {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reports := make(chan protocol.Inventory, 64)
	done := make(chan error, 1)
	go func() {
		done <- f.rt.Watch(ctx, func(inv protocol.Inventory) {
			select {
			case reports <- inv:
			case <-ctx.Done():
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch returned %v after cancel, want context.Canceled", err)
		}
	})

	probe := f.newContainer(t, "watch-probe", nil, nil, "sleep", "3600")
	key := protocol.Container{Namespace: f.ns, ID: probe.ID()}.Key()
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		_, err := probe.SetLabels(f.ctx(t), map[string]string{"ping": fmt.Sprint(i)})
		step(t, "update probe", err)
		if _, ok := await(reports, 200*time.Millisecond, upsertOf(key, "")); ok {
			return reports
		}
	}
	t.Fatalf("Watch reported no update of %s within 10s", key)
	return nil
}

func step(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// expectUpsert waits for an upsert of key in state and returns it.
func expectUpsert(t *testing.T, reports <-chan protocol.Inventory, key, event string,
	state protocol.ContainerState) protocol.Container {
	t.Helper()
	start := time.Now()
	inv, ok := await(reports, eventWait, upsertOf(key, state))
	if !ok {
		t.Fatalf("%s: no upsert of %s in state %q within %v", event, key, state, eventWait)
	}
	t.Logf("%s reported as %s after %v", event, state, time.Since(start).Round(time.Millisecond))
	i := slices.IndexFunc(inv.Upserts, func(c protocol.Container) bool { return c.Key() == key })
	return inv.Upserts[i]
}

func expectDelete(t *testing.T, reports <-chan protocol.Inventory, key string) {
	t.Helper()
	start := time.Now()
	_, ok := await(reports, eventWait, func(inv protocol.Inventory) bool {
		return slices.Contains(inv.Deletes, key)
	})
	if !ok {
		t.Fatalf("delete: %s not in Deletes within %v", key, eventWait)
	}
	t.Logf("delete reported after %v", time.Since(start).Round(time.Millisecond))
}

// upsertOf matches a report that upserts key, in state unless state is empty.
func upsertOf(key string, state protocol.ContainerState) func(protocol.Inventory) bool {
	return func(inv protocol.Inventory) bool {
		return slices.ContainsFunc(inv.Upserts, func(c protocol.Container) bool {
			return c.Key() == key && (state == "" || c.State == state)
		})
	}
}

// await reads reports until one matches or wait has passed.
func await(reports <-chan protocol.Inventory, wait time.Duration,
	match func(protocol.Inventory) bool) (protocol.Inventory, bool) {
	timeout := time.After(wait)
	for {
		select {
		case inv := <-reports:
			if match(inv) {
				return inv, true
			}
		case <-timeout:
			return protocol.Inventory{}, false
		}
	}
}
