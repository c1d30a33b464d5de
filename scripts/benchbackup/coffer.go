package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	readyTimeout  = 30 * time.Second
	onlineTimeout = time.Minute
)

// cofferTool measures the product's own path: a control plane and an
// enrolled agent on this machine, a project with the data set attached as
// a host path, and an s3 storage target, all driven through the coffer CLI.
type cofferTool struct {
	env      *toolEnv
	coffer   string
	agentBin string
	cli      proc
	url      string
	dataDir  string
	server   *child
	agent    *child
	mem      *memProbe
	ver      string
	project  string
	prefix   string
	backups  map[int]cofferResult
}

func openCoffer(ctx context.Context, e *toolEnv) (tool, error) {
	t := &cofferTool{
		env:      e,
		coffer:   filepath.Join(e.opts.binDir, "coffer"),
		agentBin: filepath.Join(e.opts.binDir, "coffer-agent"),
		dataDir:  filepath.Join(e.work, "coffer-controlplane"),
		prefix:   "coffer-bench-" + e.runID,
		backups:  map[int]cofferResult{},
	}
	t.cli = proc{env: childEnv()}
	if err := t.checkCLI(ctx); err != nil {
		return nil, err
	}
	if err := t.start(ctx); err != nil {
		_ = t.close(ctx)
		return nil, err
	}
	return t, nil
}

// checkCLI makes sure the binaries exist and know the commands the
// benchmark drives, before anything is started.
func (t *cofferTool) checkCLI(ctx context.Context) error {
	for _, bin := range []string{t.coffer, t.agentBin} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("find %s (run 'make build'): %w", bin, err)
		}
	}
	for _, sub := range [][]string{{"backups", "create"}, {"backups", "restore"}} {
		out, err := t.cli.output(ctx, append([]string{t.coffer}, append(sub, "--help")...)...)
		if err != nil || !strings.Contains(string(out), "--wait") {
			return fmt.Errorf("bin/coffer has no '%s --wait' command yet", strings.Join(sub, " "))
		}
	}
	return nil
}

// start brings up the control plane and the agent and configures them.
func (t *cofferTool) start(ctx context.Context) error {
	if err := t.startServer(ctx); err != nil {
		return err
	}
	host, err := t.startAgent(ctx)
	if err != nil {
		return err
	}
	return t.configure(ctx, host)
}

func (t *cofferTool) startServer(ctx context.Context) error {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return err
	}
	t.url = "http://" + addr
	t.server, err = startChild("control plane", childEnv(),
		filepath.Join(t.env.work, "coffer-controlplane.log"),
		t.coffer, "serve", "--listen", addr, "--data-dir", t.dataDir,
		"--public-url", t.url, "--log-format", "json")
	if err != nil {
		return err
	}
	return t.waitReady(ctx)
}

// waitReady polls /readyz, giving up early if the control plane exits.
func (t *cofferTool) waitReady(ctx context.Context) error {
	probe := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		resp, err := probe.Get(t.url + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if t.server.exited() {
			return fmt.Errorf("start control plane: exited early:\n%s", t.server.logTail())
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("start control plane: not ready within %s:\n%s", readyTimeout,
		t.server.logTail())
}

// startAgent enrolls and starts an agent and returns its host id once the
// control plane sees it online.
func (t *cofferTool) startAgent(ctx context.Context) (string, error) {
	var tok struct {
		Token string `json:"token"`
	}
	if err := t.call(ctx, &tok, "enroll-token", "create"); err != nil {
		return "", err
	}
	name := "benchbackup-" + t.env.runID
	var err error
	t.agent, err = startChild("agent", childEnv("COFFER_ENROLL_TOKEN="+tok.Token),
		filepath.Join(t.env.work, "coffer-agent.log"),
		t.agentBin, "run", "--server", t.url, "--name", name,
		"--state-dir", filepath.Join(t.env.work, "coffer-agent"), "--log-format", "json")
	if err != nil {
		return "", err
	}
	t.mem = &memProbe{pid: t.agent.pid()}
	return t.waitOnline(ctx, name)
}

func (t *cofferTool) waitOnline(ctx context.Context, name string) (string, error) {
	deadline := time.Now().Add(onlineTimeout)
	for time.Now().Before(deadline) {
		var hosts []struct {
			ID           string `json:"id"`
			Name         string `json:"name"`
			Status       string `json:"status"`
			AgentVersion string `json:"agentVersion"`
		}
		if err := t.call(ctx, &hosts, "hosts", "list"); err != nil {
			return "", err
		}
		for _, h := range hosts {
			if h.Name == name && h.Status == "online" {
				t.ver = "coffer-agent " + h.AgentVersion
				return h.ID, nil
			}
		}
		if t.agent.exited() {
			return "", fmt.Errorf("start agent: exited early:\n%s", t.agent.logTail())
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("start agent: not online within %s:\n%s", onlineTimeout,
		t.agent.logTail())
}

// freeLoopbackAddr asks the kernel for a free port. Another process could
// take it before the control plane binds it; on loopback that is unlikely
// enough for a benchmark.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
