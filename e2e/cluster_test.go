package e2e_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cluster is one control plane process and the agents attached to it.
type cluster struct {
	t       *testing.T
	coffer  string
	agent   string
	addr    string
	dataDir string
	env     []string // extra environment of the control plane
	server  *process
	api     *api
}

func newCluster(t *testing.T) *cluster { return newClusterEnv(t) }

// newClusterEnv starts a control plane with extra environment variables.
func newClusterEnv(t *testing.T, env ...string) *cluster {
	t.Helper()
	coffer, agent := binaries(t)
	c := &cluster{t: t, coffer: coffer, agent: agent, addr: freePort(t), dataDir: t.TempDir(),
		env: env}
	c.startServer()
	return c
}

func (c *cluster) url() string { return "http://" + c.addr }

// startServer runs `coffer serve` and waits until it is ready.
func (c *cluster) startServer() {
	c.t.Helper()
	env := append([]string{"COFFER_LOG_LEVEL=debug"}, c.env...)
	c.server = start(c.t, "coffer-serve", env, c.coffer,
		"serve", "--listen", c.addr, "--data-dir", c.dataDir, "--public-url", c.url())
	probe := &http.Client{Timeout: time.Second}
	eventually(c.t, 20*time.Second, "control plane ready", func() bool {
		resp, err := probe.Get(c.url() + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	raw, err := os.ReadFile(filepath.Join(c.dataDir, "admin.token"))
	if err != nil {
		c.t.Fatalf("read admin token: %v", err)
	}
	c.api = &api{t: c.t, base: c.url(), token: strings.TrimSpace(string(raw)),
		client: &http.Client{Timeout: 10 * time.Second}}
}

func (c *cluster) enrollmentToken(ttlSeconds int) string {
	c.t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	var body any = struct{}{}
	if ttlSeconds > 0 {
		body = map[string]int{"ttlSeconds": ttlSeconds}
	}
	if code := c.api.do("POST", "/api/enrollment-tokens", body, &out); code != 201 {
		c.t.Fatalf("create enrollment token: got status %d, want 201", code)
	}
	return out.Token
}

type agentProc struct {
	*process
	stateDir string
	hostID   string
}

// startAgent enrolls and runs an agent watching namespace ns.
func (c *cluster) startAgent(ns string) *agentProc {
	c.t.Helper()
	stateDir := c.t.TempDir()
	env := []string{
		"COFFER_ENROLL_TOKEN=" + c.enrollmentToken(0),
		"COFFER_NAMESPACES=" + ns,
		"COFFER_LOG_LEVEL=debug",
	}
	p := start(c.t, "coffer-agent", env, c.agent, "run", "--server", c.url(),
		"--state-dir", stateDir, "--name", "e2e-host")
	a := &agentProc{process: p, stateDir: stateDir}

	eventually(c.t, 20*time.Second, "agent enrolled", func() bool {
		raw, err := os.ReadFile(filepath.Join(stateDir, "identity.json"))
		if err != nil {
			return false
		}
		a.hostID = jsonField(raw, "hostId")
		return a.hostID != ""
	})
	return a
}

type host struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	LastSeenAt   *time.Time        `json:"lastSeenAt"`
	AgentVersion string            `json:"agentVersion"`
	Facts        map[string]string `json:"facts"`
}

func (c *cluster) host(id string) (host, int) {
	var h host
	code := c.api.do("GET", "/api/hosts/"+id, nil, &h)
	return h, code
}

func (c *cluster) waitStatus(id, want string, within time.Duration) {
	c.t.Helper()
	eventually(c.t, within, "host "+id+" "+want, func() bool {
		h, code := c.host(id)
		return code == 200 && h.Status == want
	})
}

// restartAgent runs a stopped agent again from its state directory.
func (c *cluster) restartAgent(a *agentProc, ns string) {
	c.t.Helper()
	env := []string{"COFFER_NAMESPACES=" + ns, "COFFER_LOG_LEVEL=debug"}
	a.process = start(c.t, "coffer-agent-restarted", env, c.agent, "run",
		"--state-dir", a.stateDir)
}
