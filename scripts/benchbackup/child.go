package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

const stopTimeout = 15 * time.Second

// child is a long-running process the benchmark started, logging to a
// file: the control plane or the agent.
type child struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
}

func startChild(name string, env []string, logPath string, argv ...string) (*child, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create %s log: %w", name, err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}

	c := &child{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = f.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, then SIGKILL if the process does not exit in time.
// A nil child is already stopped.
func (c *child) stop() {
	if c == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return
	case <-time.After(stopTimeout):
	}
	progress("%s did not stop within %s; killing it", c.name, stopTimeout)
	_ = c.cmd.Process.Kill()
	<-c.done
}

// logTail returns the end of the process's log, for error messages.
func (c *child) logTail() string {
	raw, _ := os.ReadFile(c.logPath)
	const n = 3000
	if len(raw) > n {
		raw = raw[len(raw)-n:]
	}
	return string(raw)
}
