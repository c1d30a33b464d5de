package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 15 * time.Second
)

// controlPlane is the control plane under test. When the benchmark starts
// it, proc is its process; with -server, proc is nil.
type controlPlane struct {
	url        string
	adminToken string
	// pprofURL is set only when the control plane serves pprof.
	pprofURL string
	name     string
	proc     *process
}

// process is a child process whose output goes to a log file.
type process struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
}

// openControlPlane starts a control plane, or uses the one named by
// -server.
func openControlPlane(ctx context.Context, opts options, work string) (*controlPlane, error) {
	if opts.server != "" {
		return useControlPlane(opts)
	}
	bin, err := findServerBinary(ctx, opts, work)
	if err != nil {
		return nil, err
	}
	dataDir := opts.dataDir
	if dataDir == "" {
		dataDir = filepath.Join(work, "data")
	}
	return startControlPlane(ctx, bin, dataDir, work)
}

func useControlPlane(opts options) (*controlPlane, error) {
	cp := &controlPlane{url: strings.TrimRight(opts.server, "/"), name: opts.server}
	token, err := adminToken(opts.dataDir)
	if err != nil {
		return nil, err
	}
	cp.adminToken = token
	return cp, nil
}

func startControlPlane(ctx context.Context, bin serverBinary, dataDir,
	work string) (*controlPlane, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	cp := &controlPlane{url: "http://" + addr, name: bin.path}
	args := []string{"serve", "--listen", addr, "--data-dir", dataDir, "--public-url", cp.url}
	if bin.wrapper {
		pprofAddr, err := freeLoopbackAddr()
		if err != nil {
			return nil, err
		}
		// Every allocation is sampled so the heap profile adds up exactly;
		// this slows allocation, and with it the ping rounds.
		args = append(args, "--pprof", pprofAddr, "--memprofilerate", "1")
		cp.pprofURL = "http://" + pprofAddr
		cp.name = "benchfleet/serve (server.Run)"
	}

	cp.proc, err = startProcess(bin.path, args, filepath.Join(work, "controlplane.log"))
	if err != nil {
		return nil, err
	}
	if err := cp.waitReady(ctx); err != nil {
		cp.stop()
		return nil, err
	}
	if cp.adminToken, err = adminToken(dataDir); err != nil {
		cp.stop()
		return nil, err
	}
	return cp, nil
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

func startProcess(bin string, args []string, logPath string) (*process, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create control plane log: %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start control plane: %w", err)
	}

	p := &process{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	return p, nil
}

// waitReady polls /readyz, giving up early if the process exits.
func (cp *controlPlane) waitReady(ctx context.Context) error {
	probe := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		resp, err := probe.Get(cp.url + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-cp.proc.done:
			return fmt.Errorf("start control plane: exited early:\n%s", cp.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("start control plane: not ready within %s:\n%s", readyTimeout, cp.logTail())
}

// adminToken prefers COFFER_ADMIN_TOKEN, which the control plane also
// prefers, over the token it writes into its data directory.
func adminToken(dataDir string) (string, error) {
	if t := os.Getenv("COFFER_ADMIN_TOKEN"); t != "" {
		return t, nil
	}
	if dataDir == "" {
		return "", errors.New("read admin token: with -server, set -data-dir or " +
			"COFFER_ADMIN_TOKEN")
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	return strings.TrimSpace(string(raw)), nil
}

// stop ends the control plane the benchmark started: SIGTERM, then SIGKILL
// if it does not exit in time.
func (cp *controlPlane) stop() {
	if cp.proc == nil {
		return
	}
	_ = cp.proc.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-cp.proc.done:
		return
	case <-time.After(stopTimeout):
	}
	fmt.Fprintf(os.Stderr, "control plane did not stop within %s; killing it\n", stopTimeout)
	_ = cp.proc.cmd.Process.Kill()
	<-cp.proc.done
}

func (cp *controlPlane) logTail() string {
	if cp.proc == nil {
		return ""
	}
	raw, _ := os.ReadFile(cp.proc.logPath)
	const n = 4000
	if len(raw) > n {
		raw = raw[len(raw)-n:]
	}
	return string(raw)
}
