package backup_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	"github.com/cofferhq/coffer/protocol"
)

// busyboxRef is the reference scripts/images/busybox.sh gives its image.
const busyboxRef = "coffer.test/busybox:latest"

// errNoTool marks a machine that lacks what the fixture needs.
var errNoTool = errors.New("test tool missing")

// ctrd is a containerd namespace of its own holding the busybox image,
// shared by this binary's tests and removed by TestMain.
type ctrd struct {
	client *containerd.Client
	rt     *runtime.Runtime
	ns     string
	image  containerd.Image
}

var (
	ctrdOnce sync.Once
	ctrdEnv  *ctrd
	ctrdErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if ctrdEnv != nil {
		if err := ctrdEnv.teardown(); err != nil {
			fmt.Fprintf(os.Stderr, "tear down containerd namespace: %v\n", err)
		}
	}
	os.Exit(code)
}

// needContainerd returns the shared namespace. Without containerd or
// busybox the test is skipped, except in CI, where it fails.
func needContainerd(t *testing.T) *ctrd {
	t.Helper()
	ctrdOnce.Do(func() { ctrdEnv, ctrdErr = newCtrd() })
	if ctrdErr == nil {
		return ctrdEnv
	}
	if !runtime.IsUnavailable(ctrdErr) && !errors.Is(ctrdErr, errNoTool) {
		t.Fatalf("set up containerd: %v", ctrdErr)
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("containerd tests need containerd and busybox-static in CI: %v", ctrdErr)
	}
	t.Skipf("containerd tests skipped: %v", ctrdErr)
	return nil
}

func newCtrd() (*ctrd, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	ns := "coffer-backup-test-" + hex.EncodeToString(suffix)

	cfg := runtime.Config{Socket: socket(), Namespaces: []string{ns}}
	rt, err := runtime.Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	client, err := containerd.New(cfg.Socket)
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("connect test client: %w", err)
	}
	f := &ctrd{client: client, rt: rt, ns: ns}
	if err := f.loadImage(namespaces.WithNamespace(ctx, ns)); err != nil {
		_ = f.teardown()
		return nil, err
	}
	return f, nil
}

func socket() string {
	if s := os.Getenv("CONTAINERD_ADDRESS"); s != "" {
		return s
	}
	return runtime.DefaultSocket
}

// runtimeConfig is what a Server under test uses to reach the namespace.
func (f *ctrd) runtimeConfig() runtime.Config {
	return runtime.Config{Socket: socket(), Namespaces: []string{f.ns}}
}

// loadImage builds the busybox image with the repository's script, then
// imports and unpacks it.
func (f *ctrd) loadImage(ctx context.Context) error {
	if _, err := exec.LookPath("busybox"); err != nil {
		return fmt.Errorf("find busybox (install busybox-static): %w", errNoTool)
	}
	dir, err := os.MkdirTemp("", "coffer-backup-test-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tarball := filepath.Join(dir, "busybox.tar")
	script := filepath.Join("..", "..", "scripts", "images", "busybox.sh")
	if out, err := exec.Command("bash", script, tarball, busyboxRef).CombinedOutput(); err != nil {
		return fmt.Errorf("build busybox image: %w: %s", err, out)
	}

	r, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer r.Close()
	imported, err := f.client.Import(ctx, r)
	if err != nil || len(imported) != 1 {
		return fmt.Errorf("import busybox image: got %d images: %v", len(imported), err)
	}
	f.image = containerd.NewImage(f.client, imported[0])
	if err := f.image.Unpack(ctx, ""); err != nil {
		return fmt.Errorf("unpack busybox image: %w", err)
	}
	return nil
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
	t.Cleanup(func() { f.remove(t, id) })

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

// remove kills and deletes a container and its snapshot.
func (f *ctrd) remove(t *testing.T, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = namespaces.WithNamespace(ctx, f.ns)
	if err := f.removeIn(ctx, id); err != nil {
		t.Errorf("remove container %s: %v", id, err)
	}
}

func (f *ctrd) removeIn(ctx context.Context, id string) error {
	c, err := f.client.LoadContainer(ctx, id)
	if errdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if task, err := c.Task(ctx, nil); err == nil {
		if _, err := task.Delete(ctx, containerd.WithProcessKill); err != nil &&
			!errdefs.IsNotFound(err) {
			return fmt.Errorf("delete task: %w", err)
		}
	}
	err = c.Delete(ctx, containerd.WithSnapshotCleanup)
	if err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	return nil
}

// teardown removes what is left in the namespace, the image and the
// namespace itself, retrying while garbage collection lets go of it.
func (f *ctrd) teardown() error {
	defer f.rt.Close()
	defer f.client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = namespaces.WithNamespace(ctx, f.ns)

	left, err := f.client.Containers(ctx)
	if err != nil {
		return err
	}
	for _, c := range left {
		if err := f.removeIn(ctx, c.ID()); err != nil {
			return err
		}
	}
	err = f.client.ImageService().Delete(ctx, busyboxRef, images.SynchronousDelete())
	if err != nil && !errdefs.IsNotFound(err) {
		return err
	}
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
