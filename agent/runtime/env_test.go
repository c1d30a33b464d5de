package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"
	"github.com/containerd/containerd/namespaces"
	"github.com/containerd/containerd/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/testenv"
)

// opTimeout bounds each containerd call a test makes.
const opTimeout = 30 * time.Second

// fixture is a namespace of the test's own holding the busybox image, with a
// Runtime that watches it and a namespace that does not exist.
type fixture struct {
	env    testenv.ContainerdEnv
	rt     *runtime.Runtime
	client *containerd.Client
	ns     string
	image  containerd.Image
}

// setup returns a fresh fixture. Without containerd or busybox the test is
// skipped, except in CI, where it fails.
func setup(t *testing.T) *fixture {
	t.Helper()
	env := testenv.Containerd(t)
	f := &fixture{env: env, ns: env.Namespace(t, "coffer-test")}
	env.ImportBusybox(t, f.ns)

	cfg := runtime.Config{Socket: env.Socket, Namespaces: []string{f.ns, f.ns + "-absent"}}
	rt, err := runtime.Connect(f.ctx(t), cfg)
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

// ctx returns a context in the fixture's namespace, bounded by opTimeout.
func (f *fixture) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return namespaces.WithNamespace(ctx, f.ns)
}

// newContainer creates a container of the test image running args; it is
// removed when the test ends.
func (f *fixture) newContainer(t *testing.T, id string, labels map[string]string,
	mounts []specs.Mount, args ...string) containerd.Container {
	t.Helper()
	c, err := f.client.NewContainer(f.ctx(t), id,
		containerd.WithImage(f.image),
		containerd.WithNewSnapshot(id, f.image),
		containerd.WithNewSpec(oci.WithImageConfig(f.image),
			oci.WithProcessArgs(args...), oci.WithMounts(mounts)),
		containerd.WithContainerLabels(labels))
	if err != nil {
		t.Fatalf("create container %s: %v", id, err)
	}
	t.Cleanup(func() { f.env.RemoveContainer(t, f.ns, id) })
	return c
}

// run starts a task for c with stdio discarded.
func (f *fixture) run(t *testing.T, c containerd.Container) containerd.Task {
	t.Helper()
	ctx := f.ctx(t)
	task, err := c.NewTask(ctx, cio.NullIO)
	if err != nil {
		t.Fatalf("create task of %s: %v", c.ID(), err)
	}
	if err := task.Start(ctx); err != nil {
		t.Fatalf("start task of %s: %v", c.ID(), err)
	}
	return task
}
