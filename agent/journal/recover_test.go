package journal_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// fakeRuntime holds container states and records what recovery asked of
// it. It fails loudly on calls that make no sense in the state at hand.
// The real runtime is exercised by agent/backup's containerd tests.
type fakeRuntime struct {
	t      *testing.T
	states map[string]protocol.ContainerState
	broken map[string]bool // containers whose resume or start fails
	calls  []string
}

func (f *fakeRuntime) Inspect(_ context.Context, ns, id string) (protocol.Container, error) {
	state, ok := f.states[id]
	if !ok {
		return protocol.Container{}, fmt.Errorf("get container %s/%s: %w", ns, id,
			runtime.ErrNotFound)
	}
	return protocol.Container{Namespace: ns, ID: id, State: state}, nil
}

func (f *fakeRuntime) Resume(_ context.Context, c protocol.Container) error {
	return f.change(c, "resume", protocol.StatePaused, protocol.StateRunning)
}

func (f *fakeRuntime) Start(_ context.Context, c protocol.Container) error {
	from := f.states[c.ID]
	if from != protocol.StateStopped && from != protocol.StateCreated {
		f.t.Errorf("start of %s in state %q", c.ID, from)
	}
	return f.change(c, "start", from, protocol.StateRunning)
}

func (f *fakeRuntime) change(c protocol.Container, op string, from,
	to protocol.ContainerState) error {
	f.calls = append(f.calls, op+" "+c.ID)
	if f.states[c.ID] != from {
		f.t.Errorf("%s of %s in state %q, want %q", op, c.ID, f.states[c.ID], from)
	}
	if f.broken[c.ID] {
		return errors.New("injected failure")
	}
	f.states[c.ID] = to
	return nil
}

func TestRecover(t *testing.T) {
	j, _ := open(t)
	rt := &fakeRuntime{t: t, broken: map[string]bool{"broken": true},
		states: make(map[string]protocol.ContainerState)}
	// Each container is recorded with an action and found in a state.
	for _, c := range []struct {
		id     string
		action journal.Action
		state  protocol.ContainerState
	}{
		{"paused", journal.ActionPause, protocol.StatePaused},
		{"stopped", journal.ActionStop, protocol.StateStopped},
		{"rebooted", journal.ActionStop, protocol.StateCreated},
		{"running", journal.ActionPause, protocol.StateRunning},
		{"user-pause", journal.ActionStop, protocol.StatePaused},
		{"deleted", journal.ActionPause, ""},
		{"broken", journal.ActionStop, protocol.StateStopped},
	} {
		if c.state != "" {
			rt.states[c.id] = c.state
		}
		if _, err := j.Add(entry(c.id, c.action)); err != nil {
			t.Fatal(err)
		}
	}

	outcomes, err := j.Recover(context.Background(), rt)
	if err == nil {
		t.Error("Recover returned no error, want the injected one")
	}
	expectOutcomes(t, outcomes, map[string]journal.Settled{
		"paused": journal.SettledResumed, "stopped": journal.SettledStarted,
		"rebooted": journal.SettledStarted, "running": journal.SettledUnchanged,
		"user-pause": journal.SettledUnchanged, "deleted": journal.SettledGone,
		"broken": "",
	})

	// Only the failed record is kept, and a second pass tries it again.
	records, _ := j.List()
	if len(records) != 1 || records[0].Container.ID != "broken" {
		t.Fatalf("records after Recover = %+v, want only broken", records)
	}
	delete(rt.broken, "broken")
	if _, err := j.Recover(context.Background(), rt); err != nil {
		t.Fatalf("second Recover: %v", err)
	}
	if records, _ := j.List(); len(records) != 0 {
		t.Fatalf("records after second Recover = %+v, want none", records)
	}
}

// expectOutcomes checks what Recover did per container; an empty want
// means a failure.
func expectOutcomes(t *testing.T, outcomes []journal.Outcome, want map[string]journal.Settled) {
	t.Helper()
	for _, out := range outcomes {
		id := out.Record.Container.ID
		w, ok := want[id]
		switch {
		case !ok:
			t.Errorf("unexpected outcome for %s", id)
		case w == "" && out.Err == nil:
			t.Errorf("outcome of %s = %q, want an error", id, out.Settled)
		case w != "" && (out.Err != nil || out.Settled != w):
			t.Errorf("outcome of %s = %q, %v; want %q", id, out.Settled, out.Err, w)
		}
		delete(want, id)
	}
	if len(want) != 0 {
		t.Errorf("no outcome for %v", want)
	}
}

func TestRecoverSkipsLockedContainers(t *testing.T) {
	j, _ := open(t)
	rt := &fakeRuntime{t: t, states: map[string]protocol.ContainerState{
		"busy": protocol.StatePaused,
	}}
	e := entry("busy", journal.ActionPause)
	unlock, err := j.Lock(context.Background(), e.Container)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Add(e); err != nil {
		t.Fatal(err)
	}

	outcomes, err := j.Recover(context.Background(), rt)
	if err != nil || len(outcomes) != 0 || len(rt.calls) != 0 {
		t.Fatalf("Recover while locked = %v, %v, calls %v; want nothing done",
			outcomes, err, rt.calls)
	}
	unlock()
	outcomes, err = j.Recover(context.Background(), rt)
	if err != nil || len(outcomes) != 1 || outcomes[0].Settled != journal.SettledResumed {
		t.Fatalf("Recover after unlock = %+v, %v; want busy resumed", outcomes, err)
	}
}

func TestRecoverSetsAsideUnreadable(t *testing.T) {
	j, dir := open(t)
	bad := filepath.Join(dir, "1-bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	rt := &fakeRuntime{t: t}
	if _, err := j.Recover(context.Background(), rt); err == nil {
		t.Error("Recover returned no error for an unreadable record")
	}
	if _, err := os.Stat(bad + ".bad"); err != nil {
		t.Errorf("unreadable record not set aside: %v", err)
	}
	if _, err := j.Recover(context.Background(), rt); err != nil {
		t.Errorf("second Recover: %v, want the record gone from view", err)
	}
}
