package e2e_test

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/testenv"
)

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
// image, removed with everything in it when the test ends. Without
// containerd the test is skipped, or fails in CI.
func testNamespace(t *testing.T) string {
	t.Helper()
	env := testenv.Containerd(t)
	ns := env.Namespace(t, "coffer-e2e")
	env.ImportBusybox(t, ns)
	return ns
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
