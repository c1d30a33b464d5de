package testenv

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// containerdSocket is CONTAINERD_ADDRESS, or where containerd listens by
// default.
var containerdSocket = getenv("CONTAINERD_ADDRESS", "/run/containerd/containerd.sock")

// cleanupTimeout bounds the removal of what a test left in containerd.
const cleanupTimeout = time.Minute

// ContainerdEnv is the containerd test server, driven through its CLI ctr.
type ContainerdEnv struct {
	// Socket is CONTAINERD_ADDRESS, or containerd's default socket.
	Socket string
}

// ctrCheck is the first test's check that ctr reaches containerd; the
// others reuse its outcome.
var ctrCheck struct {
	once sync.Once
	err  error
}

// Containerd checks that ctr is installed and containerd answers on its
// socket; otherwise the test is skipped, or fails in CI.
func Containerd(t testing.TB) ContainerdEnv {
	t.Helper()
	e := ContainerdEnv{Socket: containerdSocket}
	ctrCheck.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, ctrCheck.err = e.ctr(ctx, nil, "", "--connect-timeout", "2s", "version")
	})
	Require(t, "containerd at "+e.Socket+" (CONTAINERD_ADDRESS) with its CLI ctr",
		ctrCheck.err)
	return e
}

// Namespace creates a namespace of the test's own named prefix-<random>.
// When the test ends, its tasks, containers and images are removed, then
// the namespace itself.
func (e ContainerdEnv) Namespace(t testing.TB, prefix string) string {
	t.Helper()
	ns := prefix + "-" + randomHex(4)
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if _, err := e.ctr(ctx, nil, "", "namespace", "create", ns); err != nil {
		t.Fatalf("create namespace %s: %v", ns, err)
	}
	t.Cleanup(func() {
		if err := e.removeNamespace(ns); err != nil {
			t.Errorf("remove namespace %s: %v", ns, err)
		}
	})
	return ns
}

// RemoveContainer kills the container's task and deletes the container and
// its snapshot; one already gone is no error. It is for cleanups that must
// run before the namespace's, such as those of the container's bind mounts.
func (e ContainerdEnv) RemoveContainer(t testing.TB, ns, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := e.removeContainer(ctx, ns, id); err != nil {
		t.Errorf("remove container %s: %v", id, err)
	}
}

func (e ContainerdEnv) removeContainer(ctx context.Context, ns, id string) error {
	tasks, err := e.ctr(ctx, nil, ns, "task", "ls", "-q")
	if err != nil {
		return err
	}
	if slices.Contains(strings.Fields(tasks), id) {
		if _, err := e.ctr(ctx, nil, ns, "task", "rm", "-f", id); err != nil {
			return err
		}
	}
	containers, err := e.ctr(ctx, nil, ns, "container", "ls", "-q")
	if err != nil || !slices.Contains(strings.Fields(containers), id) {
		return err
	}
	_, err = e.ctr(ctx, nil, ns, "container", "rm", id)
	return err
}

// removeNamespace empties ns and deletes it, retrying while containerd's
// garbage collector lets go of the snapshots.
func (e ContainerdEnv) removeNamespace(ns string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()

	containers, err := e.ctr(ctx, nil, ns, "container", "ls", "-q")
	if err != nil {
		return err
	}
	for _, id := range strings.Fields(containers) {
		if err := e.removeContainer(ctx, ns, id); err != nil {
			return fmt.Errorf("remove container %s: %w", id, err)
		}
	}
	images, err := e.ctr(ctx, nil, ns, "image", "ls", "-q")
	if err != nil {
		return err
	}
	for _, ref := range strings.Fields(images) {
		if _, err := e.ctr(ctx, nil, ns, "image", "rm", "--sync", ref); err != nil {
			return err
		}
	}

	for {
		_, err := e.ctr(ctx, nil, "", "namespace", "rm", ns)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ctr runs containerd's CLI, in namespace ns unless it is empty, with stdin
// as its input, and returns what it printed.
func (e ContainerdEnv) ctr(ctx context.Context, stdin []byte, ns string,
	args ...string) (string, error) {
	full := []string{"--address", e.Socket}
	if ns != "" {
		full = append(full, "--namespace", ns)
	}
	cmd := exec.CommandContext(ctx, "ctr", append(full, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("ctr %s: %w: %s", strings.Join(args, " "), err,
			bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}
