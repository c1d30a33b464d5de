package e2e_test

import (
	"strings"
	"testing"
	"time"
)

// TestAgentWithoutContainerd: an agent whose containerd is missing still
// connects, and the host says why it reports no containers.
func TestAgentWithoutContainerd(t *testing.T) {
	c := newCluster(t)
	stateDir := t.TempDir()
	env := []string{
		"COFFER_ENROLL_TOKEN=" + c.enrollmentToken(0),
		"COFFER_CONTAINERD_SOCKET=" + t.TempDir() + "/missing.sock",
	}
	start(t, "coffer-agent", env, c.agent, "run", "--server", c.url(), "--state-dir", stateDir)

	var hostID string
	eventually(t, 20*time.Second, "agent enrolled", func() bool {
		var hosts []host
		if c.api.do("GET", "/api/hosts", nil, &hosts) != 200 || len(hosts) != 1 {
			return false
		}
		hostID = hosts[0].ID
		return true
	})
	c.waitStatus(hostID, "online", 10*time.Second)
	eventually(t, 10*time.Second, "facts.containerd says unavailable", func() bool {
		h, _ := c.host(hostID)
		return strings.HasPrefix(h.Facts["containerd"], "unavailable")
	})
}
