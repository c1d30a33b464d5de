package runtime_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
	"github.com/cofferhq/coffer/testenv"
)

func TestList(t *testing.T) {
	f := setup(t)
	before := time.Now().Add(-time.Second)
	labels := map[string]string{
		"nerdctl/name":       "web",
		"coffer.project":     "shop",
		runtime.ExcludeLabel: "/cache",
	}
	mounts, volumes := webMounts(t)
	f.run(t, f.newContainer(t, "list-web", labels, mounts, "sleep", "3600"))
	f.newContainer(t, "list-idle", nil, nil, "sleep", "3600")

	list, err := f.rt.List(f.ctx(t))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	got := make(map[string]protocol.Container)
	for _, c := range list {
		if c.Namespace != f.ns {
			t.Errorf("List returned %s from namespace %q, want only %q",
				c.Key(), c.Namespace, f.ns)
		}
		got[c.ID] = c
	}
	if len(got) != 2 {
		t.Fatalf("List returned %d containers, want 2: %+v", len(got), list)
	}

	web := got["list-web"]
	checkContainer(t, web, "web", protocol.StateRunning, labels, before)
	for _, m := range append(volumes, protocol.Mount{Source: "proc", Destination: "/proc",
		Type: "proc"}) {
		if !slices.Contains(web.Mounts, m) {
			t.Errorf("mounts of web lack %+v: got %+v", m, web.Mounts)
		}
	}
	if vols := runtime.Volumes(web); !reflect.DeepEqual(vols, volumes[:2]) {
		t.Errorf("Volumes(web) = %+v, want %+v", vols, volumes[:2])
	}

	checkContainer(t, got["list-idle"], "list-idle", protocol.StateCreated, nil, before)
}

// webMounts returns bind mounts for a test container, and what List should
// report of them: first the two volumes, then an excluded and a system mount.
func webMounts(t *testing.T) ([]specs.Mount, []protocol.Mount) {
	t.Helper()
	data, logs, cache := t.TempDir(), t.TempDir(), t.TempDir()
	hosts := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n"), 0o644); err != nil {
		t.Fatalf("write hosts file: %v", err)
	}
	mounts := []specs.Mount{
		{Type: "bind", Source: data, Destination: "/data", Options: []string{"rbind", "rw"}},
		// nerdctl's way of writing a bind mount.
		{Type: "none", Source: logs, Destination: "/logs", Options: []string{"rbind", "ro"}},
		{Type: "bind", Source: cache, Destination: "/cache", Options: []string{"rbind"}},
		{Type: "bind", Source: hosts, Destination: "/etc/hosts", Options: []string{"bind", "ro"}},
	}
	want := []protocol.Mount{
		{Source: data, Destination: "/data", Type: "bind"},
		{Source: logs, Destination: "/logs", Type: "bind"},
		{Source: cache, Destination: "/cache", Type: "bind"},
		{Source: hosts, Destination: "/etc/hosts", Type: "bind"},
	}
	return mounts, want
}

func checkContainer(t *testing.T, c protocol.Container, name string,
	state protocol.ContainerState, labels map[string]string, after time.Time) {
	t.Helper()
	if c.Name != name {
		t.Errorf("%s: name = %q, want %q", c.ID, c.Name, name)
	}
	if c.Image != testenv.BusyboxRef {
		t.Errorf("%s: image = %q, want %q", c.ID, c.Image, testenv.BusyboxRef)
	}
	if c.State != state {
		t.Errorf("%s: state = %q, want %q", c.ID, c.State, state)
	}
	if len(c.Labels) != len(labels) || (len(labels) > 0 && !reflect.DeepEqual(c.Labels, labels)) {
		t.Errorf("%s: labels = %v, want %v", c.ID, c.Labels, labels)
	}
	if c.CreatedAt.Before(after) || c.CreatedAt.After(time.Now()) {
		t.Errorf("%s: createdAt = %v, want between %v and now", c.ID, c.CreatedAt, after)
	}
}

func TestInspectMissing(t *testing.T) {
	f := setup(t)
	_, err := f.rt.Inspect(f.ctx(t), f.ns, "no-such-container")
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Inspect of a missing container: got %v, want ErrNotFound", err)
	}
}
