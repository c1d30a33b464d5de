package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// BusyboxRef is the name of the image that scripts/images/busybox.sh builds.
const BusyboxRef = "coffer.test/busybox:latest"

// busyboxImage is COFFER_TEST_BUSYBOX_IMAGE: an archive of the image built
// beforehand, as scripts/test-env.sh does.
var busyboxImage = os.Getenv("COFFER_TEST_BUSYBOX_IMAGE")

// busybox is the image archive, read or built once per test binary.
var busybox struct {
	once    sync.Once
	archive []byte
	err     error
}

// ImportBusybox imports and unpacks the busybox image into ns as BusyboxRef.
// Without busybox to build it from, the test is skipped, or fails in CI.
func (e ContainerdEnv) ImportBusybox(t testing.TB, ns string) {
	t.Helper()
	busybox.once.Do(func() { busybox.archive, busybox.err = loadBusybox() })
	if errors.Is(busybox.err, exec.ErrNotFound) {
		Require(t, "busybox (install busybox-static)", busybox.err)
	}
	if busybox.err != nil {
		t.Fatalf("build busybox image: %v", busybox.err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if _, err := e.ctr(ctx, busybox.archive, ns, "image", "import", "-"); err != nil {
		t.Fatalf("import busybox image into %s: %v", ns, err)
	}
	images, err := e.ctr(ctx, nil, ns, "image", "ls", "-q")
	if err != nil {
		t.Fatalf("list images of %s: %v", ns, err)
	}
	if !slices.Contains(strings.Fields(images), BusyboxRef) {
		t.Fatalf("import busybox image into %s: got images %q, want %s", ns, images, BusyboxRef)
	}
}

// loadBusybox reads COFFER_TEST_BUSYBOX_IMAGE, or builds the archive with
// scripts/images/busybox.sh when that names no file.
func loadBusybox() ([]byte, error) {
	if busyboxImage != "" {
		if archive, err := os.ReadFile(busyboxImage); err == nil {
			return archive, nil
		}
	}
	if _, err := exec.LookPath("busybox"); err != nil {
		return nil, fmt.Errorf("find busybox: %w", err)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp("", "coffer-busybox-")
	if err != nil {
		return nil, fmt.Errorf("make temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	archive := filepath.Join(dir, "busybox.tar")
	script := filepath.Join(root, "scripts", "images", "busybox.sh")
	if out, err := exec.Command("bash", script, archive, BusyboxRef).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("run %s: %w: %s", script, err, out)
	}
	return os.ReadFile(archive)
}

// repoRoot walks up from the working directory, a test's package, to the
// module's go.mod.
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
