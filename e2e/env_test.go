package e2e_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireContainerd fails in CI and skips elsewhere when containerd does
// not answer, so a missing service never passes silently in CI.
func requireContainerd(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ctr", "version").CombinedOutput()
	if err == nil {
		return
	}
	msg := "containerd is not reachable (run scripts/test-env.sh): " +
		strings.TrimSpace(string(out))
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// ctr runs containerd's CLI in namespace ns.
func ctr(t *testing.T, ns string, args ...string) string {
	t.Helper()
	out, err := exec.Command("ctr", append([]string{"-n", ns}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ctr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// testNamespace makes a containerd namespace holding the busybox test
// image, removed with everything in it when the test ends.
func testNamespace(t *testing.T) string {
	t.Helper()
	ns := "coffer-e2e-" + randomHex(4)
	ctr(t, ns, "image", "import", busyboxArchive(t))
	t.Cleanup(func() { removeNamespace(ns) })
	return ns
}

func removeNamespace(ns string) {
	run := func(args ...string) string {
		out, _ := exec.Command("ctr", append([]string{"-n", ns}, args...)...).Output()
		return string(out)
	}
	for _, id := range strings.Fields(run("task", "ls", "-q")) {
		run("task", "kill", "-s", "KILL", id)
		run("task", "rm", "-f", id)
	}
	for _, id := range strings.Fields(run("container", "ls", "-q")) {
		run("container", "rm", id)
	}
	for _, ref := range strings.Fields(run("image", "ls", "-q")) {
		run("image", "rm", ref)
	}
	_ = exec.Command("ctr", "namespace", "rm", ns).Run()
}

func busyboxArchive(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("COFFER_TEST_BUSYBOX_IMAGE"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	out := filepath.Join(t.TempDir(), "busybox.tar")
	cmd := exec.Command("../scripts/images/busybox.sh", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build busybox image: %v\n%s", err, b)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
