package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// stderrTail is how much of a failed program's error output is kept for
// its error message.
const stderrTail = 2000

// proc runs programs with an environment and a working directory. Data
// never becomes part of a shell command: every program gets its arguments
// as a list, and secrets only through env.
type proc struct {
	env []string
	dir string
}

// childEnv is this process's environment without the variables that would
// steer the AWS CLI, restic or coffer elsewhere, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(key, "AWS_") && !strings.HasPrefix(key, "RESTIC_") &&
			!strings.HasPrefix(key, "COFFER_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func (p proc) command(ctx context.Context, argv []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = p.env, p.dir
	return cmd
}

// run runs argv and discards its output.
func (p proc) run(ctx context.Context, argv ...string) error {
	_, err := p.output(ctx, argv...)
	return err
}

// output runs argv and returns what it printed on stdout.
func (p proc) output(ctx context.Context, argv ...string) ([]byte, error) {
	cmd := p.command(ctx, argv)
	var out bytes.Buffer
	stderr := &tail{}
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return out.Bytes(), commandError(argv, err, stderr)
	}
	return out.Bytes(), nil
}

// pipe runs a | b: a reads in, b writes out; nil means /dev/null. The two
// are joined by a kernel pipe, so no byte passes through this process.
func (p proc) pipe(ctx context.Context, in, out *os.File, a, b []string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("create pipe: %w", err)
	}
	ca, cb := p.command(ctx, a), p.command(ctx, b)
	errA, errB := &tail{}, &tail{}
	ca.Stdout, ca.Stderr = w, errA
	cb.Stdin, cb.Stderr = r, errB
	// A nil *os.File in an io.Reader or io.Writer would not be nil.
	if in != nil {
		ca.Stdin = in
	}
	if out != nil {
		cb.Stdout = out
	}

	err = ca.Start()
	if err == nil {
		if err = cb.Start(); err != nil {
			_ = ca.Process.Kill()
			_ = ca.Wait()
		}
	}
	_ = r.Close()
	_ = w.Close()
	if err != nil {
		return fmt.Errorf("start %s | %s: %w", a[0], b[0], err)
	}

	// The reader's failure explains the writer's broken pipe, so it
	// comes first.
	waitA, waitB := ca.Wait(), cb.Wait()
	if waitB != nil {
		return commandError(b, waitB, errB)
	}
	if waitA != nil {
		return commandError(a, waitA, errA)
	}
	return nil
}

func commandError(argv []string, err error, stderr *tail) error {
	msg := strings.TrimSpace(stderr.String())
	var exit *exec.ExitError
	if errors.As(err, &exit) && msg != "" {
		return fmt.Errorf("run %s: %w: %s", strings.Join(argv, " "), err, msg)
	}
	return fmt.Errorf("run %s: %w", strings.Join(argv, " "), err)
}

// tail keeps the last stderrTail bytes written to it.
type tail struct {
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - stderrTail; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }
