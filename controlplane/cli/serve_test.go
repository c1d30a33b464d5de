package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cofferhq/coffer/controlplane/cli"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

// logWatch collects JSON log lines and reports the listen address once the
// server says it is serving.
type logWatch struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	serving chan string
	once    sync.Once
}

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)

	var line struct {
		Message string `json:"message"`
		Listen  string `json:"listen"`
	}
	if json.Unmarshal(p, &line) == nil && line.Message == "control plane serving" {
		w.once.Do(func() { w.serving <- line.Listen })
	}
	return len(p), nil
}

func TestServe(t *testing.T) {
	const adminToken = "cft_chosen-by-the-operator"
	t.Setenv("COFFER_ADMIN_TOKEN", adminToken)
	dataDir := filepath.Join(t.TempDir(), "new", "data")

	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()
	logs := &logWatch{serving: make(chan string, 1)}
	root := cli.NewRootCommand()
	root.SetErr(logs)
	root.SetArgs([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir,
		"--log-format", "json"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	var addr string
	select {
	case addr = <-logs.serving:
	case err := <-done:
		t.Fatalf("serve stopped early: %v", err)
	}
	c := client.New("http://"+addr, adminToken, nil)
	if _, err := c.ListProjects(ctx); err != nil {
		t.Errorf("list projects with $COFFER_ADMIN_TOKEN: %v", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: got %v after cancel, want a clean stop", err)
	}
	wantPrivateDir(t, dataDir)
	if _, err := os.Stat(filepath.Join(dataDir, "admin.token")); !os.IsNotExist(err) {
		t.Errorf("stat admin.token: got %v, want no file when $COFFER_ADMIN_TOKEN is set", err)
	}
}

func wantPrivateDir(t *testing.T, dir string) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("stat data dir: %v", err)
	}
	if perm := fi.Mode().Perm(); !fi.IsDir() || perm != 0o700 {
		t.Errorf("got data dir mode %v, want a directory with 0700", fi.Mode())
	}
}

func TestServeRefusesBadLogSettings(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--log-level", "loud"},
		{"serve", "--log-format", "xml"},
	} {
		if _, err := run(t, append(args, "--data-dir", t.TempDir())...); err == nil {
			t.Errorf("coffer %v: got no error, want one", args)
		}
	}
}
