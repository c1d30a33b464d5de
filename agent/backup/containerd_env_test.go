package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"
	"github.com/containerd/containerd/namespaces"
	"github.com/containerd/containerd/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
	"github.com/cofferhq/coffer/testenv"
)

// ctrd is a containerd namespace of the test's own holding the busybox
// image.
type ctrd struct {
	env    testenv.ContainerdEnv
	client *containerd.Client
	rt     *runtime.Runtime
	ns     string
	image  containerd.Image
}

// needContainerd returns a fresh namespace. Without containerd or busybox
// the test is skipped, except in CI, where it fails.
func needContainerd(t *testing.T) *ctrd {
	t.Helper()
	env := testenv.Containerd(t)
	f := &ctrd{env: env, ns: env.Namespace(t, "coffer-backup-test")}
	env.ImportBusybox(t, f.ns)

	rt, err := runtime.Connect(f.ctx(t), f.runtimeConfig())
	if err != nil {
		t.Fatalf("connect runtime: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	client, err := containerd.New(env.Socket)
	if err != nil {
		t.Fatalf("connect test client: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })

	f.rt, f.client = rt, client
	if f.image, err = client.GetImage(f.ctx(t), testenv.BusyboxRef); err != nil {
		t.Fatalf("get image %s: %v", testenv.BusyboxRef, err)
	}
	return f
}

// runtimeConfig is what a Server under test uses to reach the namespace.
func (f *ctrd) runtimeConfig() runtime.Config {
	return runtime.Config{Socket: f.env.Socket, Namespaces: []string{f.ns}}
}

func (f *ctrd) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return namespaces.WithNamespace(ctx, f.ns)
}

// startShell script counts its starts in /marks/starts, leaves on SIGTERM
// and otherwise idles.
const startShell = `trap "exit 0" TERM; echo start >> /marks/starts; ` +
	`while true; do sleep 0.1; done`

// runContainer starts a container with vol bind-mounted at /vol. It
// returns its reference and the file that counts its starts; the container
// is removed when the test ends.
func (f *ctrd) runContainer(t *testing.T, id, vol string) (protocol.ContainerRef, string) {
	t.Helper()
	marks := t.TempDir()
	mounts := []specs.Mount{
		{Type: "bind", Source: vol, Destination: "/vol", Options: []string{"rbind"}},
		{Type: "bind", Source: marks, Destination: "/marks", Options: []string{"rbind"}},
	}
	ctx := f.ctx(t)
	c, err := f.client.NewContainer(ctx, id,
		containerd.WithImage(f.image),
		containerd.WithNewSnapshot(id, f.image),
		containerd.WithNewSpec(oci.WithImageConfig(f.image),
			oci.WithProcessArgs("sh", "-c", startShell), oci.WithMounts(mounts)))
	if err != nil {
		t.Fatalf("create container %s: %v", id, err)
	}
	t.Cleanup(func() { f.env.RemoveContainer(t, f.ns, id) })

	task, err := c.NewTask(ctx, cio.NullIO)
	if err == nil {
		err = task.Start(ctx)
	}
	if err != nil {
		t.Fatalf("start container %s: %v", id, err)
	}
	starts := filepath.Join(marks, "starts")
	waitFor(t, func() bool { return countStarts(starts) == 1 })
	return protocol.ContainerRef{Namespace: f.ns, ID: id}, starts
}

// runWithVolume generates a tree into a new volume and runs container id
// with it, as runContainer does.
func (f *ctrd) runWithVolume(t *testing.T, id string, tree archivetest.Options) (
	string, protocol.ContainerRef, string) {
	t.Helper()
	vol := t.TempDir()
	archivetest.Generate(t, vol, tree)
	ref, starts := f.runContainer(t, id, vol)
	return vol, ref, starts
}

// state returns the container's state as the runtime reports it.
func (f *ctrd) state(t *testing.T, ref protocol.ContainerRef) protocol.ContainerState {
	t.Helper()
	c, err := f.rt.Inspect(f.ctx(t), ref.Namespace, ref.ID)
	if err != nil {
		t.Errorf("inspect %s: %v", ref.ID, err)
		return ""
	}
	return c.State
}

func (f *ctrd) expectState(t *testing.T, ref protocol.ContainerRef,
	want protocol.ContainerState) {
	t.Helper()
	if got := f.state(t, ref); got != want {
		t.Errorf("container %s is %s, want %s", ref.ID, got, want)
	}
}

func countStarts(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	return strings.Count(string(data), "start\n")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
