package runtime_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/containerd/containerd"
	"github.com/containerd/containerd/cio"
	"github.com/containerd/containerd/errdefs"
	"github.com/containerd/containerd/images"
	"github.com/containerd/containerd/namespaces"
	"github.com/containerd/containerd/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/cofferhq/coffer/agent/runtime"
)

// testImage is the reference scripts/images/busybox.sh gives its image.
const testImage = "coffer.test/busybox:latest"

// opTimeout bounds each containerd call a test makes.
const opTimeout = 30 * time.Second

// errMissingTool marks a fixture that cannot be built on this machine.
var errMissingTool = errors.New("test tool missing")

// fixture is one namespace holding the test image, shared by the tests of
// this binary and removed by TestMain.
type fixture struct {
	rt     *runtime.Runtime
	client *containerd.Client
	ns     string
	image  containerd.Image
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	sharedErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.teardown(); err != nil {
			fmt.Fprintf(os.Stderr, "tear down containerd fixture: %v\n", err)
		}
	}
	os.Exit(code)
}

// setup returns the shared fixture. Without containerd or the image tools the
// test is skipped, except in CI, where it fails.
func setup(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { shared, sharedErr = newFixture() })
	if sharedErr == nil {
		return shared
	}
	missing := runtime.IsUnavailable(sharedErr) || errors.Is(sharedErr, errMissingTool)
	if !missing {
		t.Fatalf("set up containerd fixture: %v", sharedErr)
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("containerd tests need a running containerd and busybox-static in CI: %v",
			sharedErr)
	}
	t.Skipf("containerd tests skipped: %v", sharedErr)
	return nil
}

func socketPath() string {
	if s := os.Getenv("CONTAINERD_ADDRESS"); s != "" {
		return s
	}
	return runtime.DefaultSocket
}

func newFixture() (*fixture, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	ns := "coffer-test-" + randomHex(4)
	cfg := runtime.Config{Socket: socketPath(), Namespaces: []string{ns, ns + "-absent"}}
	rt, err := runtime.Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	client, err := containerd.New(cfg.Socket)
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("connect test client: %w", err)
	}

	f := &fixture{rt: rt, client: client, ns: ns}
	if err := f.importImage(ctx); err != nil {
		if terr := f.teardown(); terr != nil {
			return nil, errors.Join(err, fmt.Errorf("tear down containerd fixture: %w", terr))
		}
		return nil, err
	}
	return f, nil
}

// importImage builds the busybox archive and imports and unpacks it.
func (f *fixture) importImage(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "coffer-runtime-test-")
	if err != nil {
		return fmt.Errorf("make temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	archive, err := buildImage(dir)
	if err != nil {
		return err
	}

	r, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("open image archive: %w", err)
	}
	defer r.Close()
	ctx = namespaces.WithNamespace(ctx, f.ns)
	imported, err := f.client.Import(ctx, r)
	if err != nil {
		return fmt.Errorf("import image archive: %w", err)
	}
	if len(imported) != 1 || imported[0].Name != testImage {
		return fmt.Errorf("import image archive: got %v, want only %s", imported, testImage)
	}

	f.image = containerd.NewImage(f.client, imported[0])
	if err := f.image.Unpack(ctx, ""); err != nil {
		return fmt.Errorf("unpack %s: %w", testImage, err)
	}
	return nil
}

// buildImage runs the repository's image builder into dir.
func buildImage(dir string) (string, error) {
	if _, err := exec.LookPath("busybox"); err != nil {
		return "", fmt.Errorf("find busybox (install busybox-static): %w", errMissingTool)
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	archive := filepath.Join(dir, "busybox.tar")
	script := filepath.Join(root, "scripts", "images", "busybox.sh")
	out, err := exec.Command("bash", script, archive, testImage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build test image: %w: %s", err, out)
	}
	return archive, nil
}

// repoRoot walks up from the working directory to the module's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod above working directory")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
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
	t.Cleanup(func() {
		if err := f.remove(id); err != nil {
			t.Errorf("remove container %s: %v", id, err)
		}
	})
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

// remove kills and deletes a container's task, then the container and its
// snapshot; what is already gone is not an error.
func (f *fixture) remove(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ctx = namespaces.WithNamespace(ctx, f.ns)

	c, err := f.client.LoadContainer(ctx, id)
	if errdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if task, err := c.Task(ctx, nil); err == nil {
		_, err := task.Delete(ctx, containerd.WithProcessKill)
		if err != nil && !errdefs.IsNotFound(err) {
			return fmt.Errorf("delete task: %w", err)
		}
	}
	err = c.Delete(ctx, containerd.WithSnapshotCleanup)
	if err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	return nil
}

// teardown removes what the fixture made: containers left behind, the image
// and the namespace. The namespace is retried while garbage collection
// releases the image's content and snapshots.
func (f *fixture) teardown() error {
	defer f.rt.Close()
	defer f.client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = namespaces.WithNamespace(ctx, f.ns)

	left, err := f.client.Containers(ctx)
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	for _, c := range left {
		if err := f.remove(c.ID()); err != nil {
			return fmt.Errorf("remove container %s: %w", c.ID(), err)
		}
	}
	err = f.client.ImageService().Delete(ctx, testImage, images.SynchronousDelete())
	if err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("delete image: %w", err)
	}
	return f.removeNamespace(ctx)
}

func (f *fixture) removeNamespace(ctx context.Context) error {
	for {
		err := f.client.NamespaceService().Delete(ctx, f.ns)
		if err == nil || errdefs.IsNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("delete namespace %s: %w", f.ns, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
